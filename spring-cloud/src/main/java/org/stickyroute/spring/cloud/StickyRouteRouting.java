package org.stickyroute.spring.cloud;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.springframework.cloud.client.ServiceInstance;
import org.stickyroute.Backend;
import org.stickyroute.Decision;
import org.stickyroute.Frontend;
import org.stickyroute.Router;
import org.stickyroute.config.RoutingConfig;
import org.stickyroute.http.RequestView;

/**
 * One routing configuration shared by every stickyroute load balancer of an application: the {@link Router}
 * (its frontends and backends, as an HAProxy configuration declares them), which service routes where, and,
 * for each backend, its servers kept in step with the instances discovery lists ({@link InstanceServers}).
 * Thread-safe; close it to stop the health checks.
 */
public final class StickyRouteRouting implements AutoCloseable {
  private final Router router;
  private final Map<String, ServiceTarget> services;
  private final Map<Backend, DiscoveredBackend> discovered = new HashMap<>();
  private final ExecutorService control;
  private final DecisionPool decisions = new DecisionPool();

  private StickyRouteRouting(Router router, Map<String, ServiceTarget> services, boolean healthChecks) {
    this.router = router;
    this.services = Map.copyOf(services);
    this.control = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "stickyroute-discovery");
      t.setDaemon(true);
      return t;
    });
    for (Backend b : router.backends()) {
      discovered.put(b, new DiscoveredBackend(b, healthChecks, control));
    }
    services.forEach((service, target) -> check(service, target));
  }

  /**
   * Routing for {@code config}.
   *
   * @param config the configuration (frontends, backends and their declared servers)
   * @param services where each service's requests go; a service not listed routes in the backend of its own
   *     name, if there is one
   * @param healthChecks whether servers with {@code check} get stickyroute's own health checks, besides the
   *     health discovery reports
   * @throws IllegalArgumentException if a service names a backend or frontend the configuration lacks
   */
  public static StickyRouteRouting create(RoutingConfig config, Map<String, ServiceTarget> services, boolean healthChecks) {
    return new StickyRouteRouting(Router.create(Objects.requireNonNull(config, "config")), services, healthChecks);
  }

  private void check(String what, ServiceTarget t) {
    if (t.backend() != null && router.backend(t.backend()) == null) {
      throw new IllegalArgumentException(what + ": no backend '" + t.backend() + "' in the configuration");
    }
    if (t.frontend() != null && router.frontend(t.frontend()) == null) {
      throw new IllegalArgumentException(what + ": no frontend '" + t.frontend() + "' in the configuration");
    }
  }

  /** Checks a route's target at start-up: {@link IllegalArgumentException} naming {@code route} if it is unknown. */
  public void checkRoute(String route, ServiceTarget target) {
    check("route " + route, target);
  }

  /** The router. */
  public Router router() {
    return router;
  }

  /** Where {@code serviceId} routes: its configured target, else its own backend, else {@code null}. */
  public ServiceTarget target(String serviceId) {
    ServiceTarget t = services.get(serviceId);
    if (t != null) {
      return t;
    }
    return serviceId != null && router.backend(serviceId) != null ? ServiceTarget.backend(serviceId) : null;
  }

  /** The decisions the load balancer reuses. */
  DecisionPool decisions() {
    return decisions;
  }

  /** The backend bound to discovery for {@code backend} (one of the router's). */
  DiscoveredBackend discovered(Backend backend) {
    return discovered.get(backend);
  }

  /**
   * Brings {@code backend}'s servers in step with {@code instances} now (the load balancer does it on each
   * request; for tools and tests that route without one).
   */
  public void sync(String backend, List<ServiceInstance> instances) {
    Backend b = router.backend(backend);
    if (b == null) {
      throw new IllegalArgumentException("no backend '" + backend + "'");
    }
    discovered.get(b).sync(instances);
  }

  /**
   * The one decision for a request among a service's instances, into a caller-owned {@link Decision} (what the
   * load balancer does for each request; for integrations of their own): brings the target's backend in step
   * with {@code instances}, routes the request (persistence cookie, then the algorithm) and returns the chosen
   * instance, or {@code null} when no server can take it ({@link Decision#status()} says why; a backend the
   * target does not resolve to leaves the decision with no backend). On success the decision holds a lease:
   * close it when the request ends. Allocation-free when the instances did not change and the request's
   * cookies need no change.
   *
   * @param target where to route (a backend section, or a frontend whose rules choose it)
   * @param request the request
   * @param instances the service's instances, as discovery lists them
   * @param decision an idle decision
   */
  public ServiceInstance route(ServiceTarget target, RequestView request, List<ServiceInstance> instances, Decision decision) {
    Backend b;
    if (target.frontend() != null) {
      Frontend f = router.frontend(target.frontend());
      if (f == null) {
        return null;
      }
      b = router.backendFor(f, request.target());
      if (b == null) {
        router.route(f, request, decision); // no rule matched and no default backend: the decision says 503
        return null;
      }
    } else {
      b = router.backend(target.backend());
      if (b == null) {
        return null;
      }
    }
    DiscoveredBackend db = discovered.get(b);
    db.sync(instances);
    router.route(b, request, decision);
    if (!decision.ok()) {
      return null;
    }
    ServiceInstance instance = db.current().instance(decision.serverName());
    if (instance == null) {
      decision.close(); // the server left the service between the sync and the decision: no server
    }
    return instance;
  }

  /** Stops the health checks. */
  @Override
  public void close() {
    for (DiscoveredBackend d : discovered.values()) {
      d.close();
    }
    control.shutdownNow();
    try {
      control.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
