package org.stickyroute.spring.cloud;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import org.springframework.cloud.client.ServiceInstance;
import org.stickyroute.AdminState;
import org.stickyroute.Backend;
import org.stickyroute.BackendSnapshot;
import org.stickyroute.ServerRuntimeState;
import org.stickyroute.config.BackendConfig;
import org.stickyroute.config.ServerConfig;
import org.stickyroute.health.HttpHealthChecker;

/**
 * One backend of the router kept in step with a service's discovered instances ({@link InstanceServers}
 * states the rule): when the instance list changes, the backend is reconfigured (servers that stay keep their
 * counters, state and leases) and declared servers that discovery no longer lists go to maintenance. The
 * request path compares the list with the last one without allocating or locking; a change is serialised.
 */
final class DiscoveredBackend implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(DiscoveredBackend.class.getName());

  private final Backend backend;
  private final BackendConfig template;
  private final int[] templateIds;
  private final boolean checks;
  private final Executor control;
  private final Set<String> maintByDiscovery = new HashSet<>();
  private volatile Membership current = Membership.NONE;
  private HttpHealthChecker checker; // guarded by this
  private boolean closed; // guarded by this

  /**
   * @param backend the router's backend; its configuration as loaded is the template
   * @param checks whether to run stickyroute's own health checks for servers with {@code check}
   * @param control runs health-checker restarts, off the request path
   */
  DiscoveredBackend(Backend backend, boolean checks, Executor control) {
    this.backend = backend;
    this.template = backend.config();
    this.templateIds = template.resolvedIds();
    this.checks = checks;
    this.control = control;
  }

  Backend backend() {
    return backend;
  }

  /** The current membership: the instance of each server. */
  Membership current() {
    return current;
  }

  /** Brings the backend in step with {@code instances} (a no-op when they did not change) and returns the membership. */
  Membership sync(List<ServiceInstance> instances) {
    Membership m = current;
    if (m.matches(instances)) {
      return m;
    }
    synchronized (this) {
      m = current;
      if (m.matches(instances)) {
        return m;
      }
      m = rebuild(instances);
      current = m;
      return m;
    }
  }

  private Membership rebuild(List<ServiceInstance> instances) {
    Map<String, ServiceInstance> byName = new LinkedHashMap<>();
    for (ServiceInstance i : instances) {
      if (byName.putIfAbsent(InstanceServers.serverName(i), i) != null) {
        LOG.log(System.Logger.Level.WARNING, "service " + i.getServiceId() + " lists server "
            + InstanceServers.serverName(i) + " twice; the first instance is used");
      }
    }
    List<ServerConfig> declared = template.servers();
    List<ServerConfig> servers = new ArrayList<>();
    Set<Integer> taken = new HashSet<>();
    for (int id : templateIds) {
      taken.add(id);
    }
    Set<String> absent = new HashSet<>();
    for (int k = 0; k < declared.size(); k++) {
      ServerConfig s = declared.get(k);
      ServiceInstance i = byName.get(s.name());
      if (i == null) {
        absent.add(s.name());
      }
      servers.add(new ServerConfig(s.name(), i == null ? s.host() : host(i), i == null ? s.port() : port(i), s.weight(),
          templateIds[k], s.cookie(), s.check() && checks && (i == null ? s.port() : port(i)) > 0, s.interMillis(), s.fastInterMillis(), s.downInterMillis(),
          s.rise(), s.fall(), s.backup(), s.disabled(), s.maxconn(), s.slowstartMillis(), s.location()));
    }
    TreeMap<Integer, ServerConfig> others = new TreeMap<>();
    for (String name : new java.util.TreeSet<>(byName.keySet())) {
      if (template.server(name) != null) {
        continue;
      }
      int id = InstanceServers.derivedId(name);
      while (!taken.add(id)) {
        id = id % InstanceServers.ID_SPACE + 1;
      }
      others.put(id, undeclared(name, byName.get(name), id));
    }
    servers.addAll(others.values());
    BackendConfig next = template.toBuilder().servers(servers).build();
    if (!next.equals(backend.config())) {
      backend.reconfigure(next);
    }
    setMaintenance(absent);
    restartChecks(next);
    Map<String, ServiceInstance> byServer = new HashMap<>(byName);
    byServer.keySet().removeIf(n -> next.server(n) == null);
    return new Membership(instances, instances.toArray(new ServiceInstance[0]), Map.copyOf(byServer));
  }

  private ServerConfig undeclared(String name, ServiceInstance i, int id) {
    ServerConfig.Builder b = ServerConfig.builder(name, host(i), port(i)).id(id).weight(weight(i))
        .check(checks && template.httpCheck() != null && port(i) > 0).location(template.location());
    if (template.cookie() != null) {
      try {
        return b.cookie(name).build();
      } catch (IllegalArgumentException notACookieValue) {
        b.cookie(null);
      }
    }
    return b.build();
  }

  private static String host(ServiceInstance i) {
    String h = i.getHost();
    return h == null ? "" : h;
  }

  private static int port(ServiceInstance i) {
    int p = i.getPort();
    return p > 0 && p <= 65535 ? p : 0;
  }

  /** The {@code weight} metadata (0..256), else 1, as HAProxy's default weight. */
  static int weight(ServiceInstance i) {
    String w = i.getMetadata() == null ? null : i.getMetadata().get("weight");
    if (w != null) {
      try {
        int v = Integer.parseInt(w.trim());
        if (v >= 0 && v <= ServerConfig.MAX_WEIGHT) {
          return v;
        }
      } catch (NumberFormatException ignored) {
        // not a weight: the default
      }
    }
    return 1;
  }

  /** Declared servers discovery does not list go to maintenance; those it lists again come back. */
  private void setMaintenance(Set<String> absent) {
    BackendSnapshot snap = backend.snapshot();
    boolean change = false;
    for (int i = 0; i < snap.serverCount(); i++) {
      String n = snap.server(i).name();
      boolean out = absent.contains(n);
      change |= out ? snap.state(i).admin() != AdminState.MAINT : maintByDiscovery.contains(n);
    }
    if (!change) {
      return;
    }
    backend.update(states -> {
      BackendSnapshot now = backend.snapshot();
      for (int i = 0; i < states.length; i++) {
        String n = now.server(i).name();
        ServerRuntimeState st = states[i];
        if (absent.contains(n)) {
          if (st.admin() != AdminState.MAINT) {
            states[i] = st.withAdmin(AdminState.MAINT);
            maintByDiscovery.add(n);
          }
        } else if (maintByDiscovery.remove(n)) {
          states[i] = st.withAdmin(AdminState.READY);
        }
      }
      return states;
    });
  }

  /** (Re)starts stickyroute's own checks on the new server list, off the request path. */
  private void restartChecks(BackendConfig cfg) {
    boolean any = false;
    for (ServerConfig s : cfg.servers()) {
      any |= s.check() && s.port() > 0;
    }
    if (!any && checker == null) {
      return;
    }
    boolean start = any;
    control.execute(() -> {
      synchronized (this) {
        if (checker != null) {
          checker.close();
          checker = null;
        }
        if (start && !closed) {
          checker = HttpHealthChecker.start(backend);
        }
      }
    });
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (checker != null) {
      checker.close();
      checker = null;
    }
  }
}
