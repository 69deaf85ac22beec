package org.stickyroute;

import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.stickyroute.balance.Picker;
import org.stickyroute.balance.Weights;
import org.stickyroute.config.BackendConfig;
import org.stickyroute.config.ServerConfig;
import org.stickyroute.counters.TrafficCounters;
import org.stickyroute.persist.CookiePersistence;

/**
 * A live backend (HAProxy's {@code backend} section at run time): its configuration, the counters of its
 * servers, their live state, and the current {@link BackendSnapshot}.
 *
 * <p>Control plane: the state-changing methods ({@link #setHealth}, {@link #setAdmin}, {@link #setWeight},
 * {@link #update}, {@link #reconfigure}) are serialised by a lock, build a new snapshot (with its algorithm's
 * picker) off the request path and publish it with one volatile write; a picker that tracks connections
 * (leastconn) is then bound to the live counters and re-synchronised from them, so no take or release racing
 * with the rebuild is lost.
 * Data plane: {@link #snapshot()} is one volatile read; requests never take the lock.
 *
 * <p>Live state follows HAProxy: a server that comes back (DOWN to UP, or out of maintenance) with {@code
 * slowstart} ramps its effective weight up over that time; the ramp republishes snapshots from the control
 * scheduler every {@code max(1 s, slowstart / 20)}, never on the request path. Every change of a server's
 * {@link ServerStatusWord} is reported to the {@link ServerTransitionListener}s. {@link #stats()} gives the
 * stats page.
 *
 * <p>Time comes from an {@link InstantSource} (milliseconds; wall clock by default), scheduling from a
 * {@link ScheduledExecutorService} (by default one shared daemon thread named {@code stickyroute-control}).
 * Thread-safe.
 */
public final class Backend {
  private static final System.Logger LOG = System.getLogger(Backend.class.getName());

  /**
   * Backend-wide in-flight count (HAProxy's {@code px->served}), kept only when {@code hash-balance-factor}
   * needs it on every lookup (decided once, at construction, so takes and releases always pair up);
   * otherwise {@link BackendSnapshot#totalServed()} sums the servers' counters.
   */
  static final class Totals {
    final boolean tracking;
    final AtomicInteger served = new AtomicInteger();

    Totals(boolean tracking) {
      this.tracking = tracking;
    }
  }

  private final String name;
  private final InstantSource clock;
  private final ScheduledExecutorService control;
  private final Totals totals;
  private final AtomicLong versions = new AtomicLong();
  private final Object controlLock = new Object();
  private final Object dispatchLock = new Object();
  private final List<ServerTransitionListener> listeners = new CopyOnWriteArrayList<>();
  private final ConcurrentLinkedQueue<ServerTransition> pending = new ConcurrentLinkedQueue<>();
  private final Map<String, ServerHistory> history = new ConcurrentHashMap<>();
  /** The backend's own traffic counters ({@code BACKEND} row); they survive reconfigurations. */
  final TrafficCounters traffic = new TrafficCounters();
  private final BackendHistory backendHistory;
  private volatile BackendConfig config;
  // Compiled from config; guarded by controlLock after construction:
  private CookiePersistence persistence;
  private ServerCounters[] counters;
  private Map<String, Integer> indexByName;
  private LiveLoad live;
  private int[] startupCumulative;
  private ScheduledFuture<?> rampTick;
  private volatile BackendSnapshot snapshot;

  /**
   * A backend whose servers start as configured ({@code disabled} ones in maintenance, the others up), on
   * the wall clock and the shared control thread.
   */
  public Backend(BackendConfig config) {
    this(config, SharedControl.EXECUTOR, InstantSource.system());
  }

  /**
   * A backend with its own clock and control scheduler (tests, or to own the threads).
   *
   * @param config the configuration
   * @param control runs the slow-start ramps; the backend never shuts it down
   * @param clock the time for ramps, transitions and stats (epoch milliseconds)
   */
  public Backend(BackendConfig config, ScheduledExecutorService control, InstantSource clock) {
    this.config = Objects.requireNonNull(config, "config");
    this.control = Objects.requireNonNull(control, "control");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.name = config.name();
    this.persistence = CookiePersistence.of(config);
    this.totals = new Totals(config.hashBalanceFactor() != 0);
    List<ServerConfig> servers = config.servers();
    ServerCounters[] c = new ServerCounters[servers.size()];
    ServerRuntimeState[] states = new ServerRuntimeState[servers.size()];
    long now = clock.millis();
    for (int i = 0; i < states.length; i++) {
      c[i] = new ServerCounters(totals);
      ServerConfig s = servers.get(i);
      states[i] = initialState(s);
      history.put(s.name(), new ServerHistory(now));
    }
    useServers(config, c);
    BackendSnapshot first = new BackendSnapshot(config, indexByName, states, counters, live, null,
        versions.incrementAndGet(), now, null, persistence);
    // HAProxy computes the bounded-load "cumulative weight" once, at start-up, and keeps it (2.6 quirk).
    this.startupCumulative = first.cumulativeWeights();
    this.backendHistory = new BackendHistory(now, up(first));
    publish(first);
  }

  /** A configured server's state before any change: in maintenance if {@code disabled}, else up. */
  private static ServerRuntimeState initialState(ServerConfig s) {
    return new ServerRuntimeState(s.disabled() ? AdminState.MAINT : AdminState.READY, Health.UP, s.weight(),
        ServerRuntimeState.NOT_STARTING);
  }

  /** Switches to the server list of {@code cfg} with these live counters. Caller holds the control lock. */
  private void useServers(BackendConfig cfg, ServerCounters[] c) {
    Map<String, Integer> byName = new HashMap<>();
    List<ServerConfig> servers = cfg.servers();
    for (int i = 0; i < servers.size(); i++) {
      byName.putIfAbsent(servers.get(i).name(), i);
    }
    this.counters = c;
    this.indexByName = Map.copyOf(byName);
    this.live = new LiveLoad(c, totals);
  }

  /** The backend's name. */
  public String name() {
    return name;
  }

  /** The current configuration. */
  public BackendConfig config() {
    return config;
  }

  /** The current snapshot: one volatile read, never blocks. */
  public BackendSnapshot snapshot() {
    return snapshot;
  }

  /** The index of the server with this name; throws {@link IllegalArgumentException} if there is none. */
  public int indexOf(String server) {
    int i = snapshot.indexOf(server);
    if (i < 0) {
      throw new IllegalArgumentException("backend '" + name + "' has no server '" + server + "'");
    }
    return i;
  }

  // ---------------------------------------------------------------- listeners

  /** Registers a listener for server state transitions (see {@link ServerTransitionListener}). */
  public void addListener(ServerTransitionListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** Removes a listener; returns whether it was registered. */
  public boolean removeListener(ServerTransitionListener listener) {
    return listeners.remove(listener);
  }

  // ---------------------------------------------------------------- control plane

  /** Marks a server up or down (as an operator would) and publishes a new snapshot. */
  public BackendSnapshot setHealth(String server, Health health) {
    return setHealth(server, health, ServerTransition.Cause.OPERATOR, "set by operator");
  }

  /**
   * Marks a server up or down and publishes a new snapshot; a resulting transition is reported with this
   * cause and detail (health checkers pass {@link ServerTransition.Cause#CHECK}).
   */
  public BackendSnapshot setHealth(String server, Health health, ServerTransition.Cause cause, String detail) {
    return update(server, s -> s.withHealth(health), cause, detail);
  }

  /** Sets a server's administrative state (HAProxy's {@code set server ... state}) and publishes. */
  public BackendSnapshot setAdmin(String server, AdminState admin) {
    return update(server, s -> s.withAdmin(admin), ServerTransition.Cause.OPERATOR, "set by operator");
  }

  /**
   * Sets a server's runtime weight (0..256, HAProxy's {@code set weight}) and publishes. The dynamic
   * algorithms follow it; map-based hashing and {@code static-rr} only see 0 % or 100 %.
   */
  public BackendSnapshot setWeight(String server, int weight) {
    return update(server, s -> s.withWeight(weight), ServerTransition.Cause.OPERATOR, "set by operator");
  }

  private BackendSnapshot update(
      String server, UnaryOperator<ServerRuntimeState> change, ServerTransition.Cause cause, String detail) {
    return update(s -> {
      int i = indexOf(server); // under the control lock: consistent with the statuses being changed
      s[i] = change.apply(s[i]);
      return s;
    }, cause, detail);
  }

  /**
   * Applies a change to a copy of the server statuses (index = server index) and publishes the snapshot
   * built from the result. Changes are serialised; the function must not block.
   */
  public BackendSnapshot update(UnaryOperator<ServerRuntimeState[]> change) {
    return update(change, ServerTransition.Cause.OPERATOR, "set by operator");
  }

  private BackendSnapshot update(
      UnaryOperator<ServerRuntimeState[]> change, ServerTransition.Cause cause, String detail) {
    BackendSnapshot built;
    synchronized (controlLock) {
      BackendSnapshot current = snapshot;
      ServerRuntimeState[] before = new ServerRuntimeState[current.serverCount()];
      for (int i = 0; i < before.length; i++) {
        before[i] = current.state(i);
      }
      ServerRuntimeState[] next = change.apply(before.clone());
      built = rebuild(config, before, next, cause, detail);
    }
    dispatch();
    return built;
  }

  /**
   * Replaces the configuration (a reload): servers are matched by name, so a server that stays keeps its
   * counters (leases taken before are released on them), its live state and its leastconn position;
   * servers that disappear stop taking traffic at once while their leases drain; new servers start as
   * configured. Publishes a new snapshot and returns it. Must be the same backend name.
   */
  public BackendSnapshot reconfigure(BackendConfig next) {
    if (!next.name().equals(name)) {
      throw new IllegalArgumentException("backend '" + name + "' cannot become '" + next.name() + "'");
    }
    CookiePersistence compiled = CookiePersistence.of(next); // before any state changes
    BackendSnapshot built;
    synchronized (controlLock) {
      BackendSnapshot current = snapshot;
      Map<String, Integer> old = new HashMap<>(indexByName);
      List<ServerConfig> servers = next.servers();
      ServerCounters[] c = new ServerCounters[servers.size()];
      ServerRuntimeState[] before = new ServerRuntimeState[servers.size()];
      ServerRuntimeState[] after = new ServerRuntimeState[servers.size()];
      long now = clock.millis();
      for (int i = 0; i < c.length; i++) {
        ServerConfig s = servers.get(i);
        Integer o = old.remove(s.name());
        if (o != null) {
          c[i] = counters[o];
          ServerRuntimeState st = current.state(o);
          int weight = s.weight() == current.server(o).weight() ? st.weight() : s.weight();
          before[i] = st;
          after[i] = st.withWeight(weight);
        } else {
          c[i] = new ServerCounters(totals);
          before[i] = null;
          after[i] = initialState(s);
          history.put(s.name(), new ServerHistory(now));
        }
      }
      for (Map.Entry<String, Integer> gone : old.entrySet()) {
        counters[gone.getValue()].bind(null, 0);
        history.remove(gone.getKey());
      }
      this.config = next;
      this.persistence = compiled;
      useServers(next, c);
      this.startupCumulative = null;
      built = rebuild(next, before, after, ServerTransition.Cause.CONFIG, "new configuration");
      this.startupCumulative = built.cumulativeWeights();
    }
    dispatch();
    return built;
  }

  /**
   * Publishes a fresh snapshot of the same state (and a fresh picker, which carries the algorithm's state
   * over as on any change: leastconn keeps its order). Control plane.
   */
  public BackendSnapshot republish() {
    return update(UnaryOperator.identity(), ServerTransition.Cause.OPERATOR, "republished");
  }

  /**
   * Re-evaluates {@code slowstart} ramps at the current time and publishes if any server is ramping. The
   * control scheduler calls it every {@code max(1 s, slowstart / 20)} while a ramp lasts; calling it by
   * hand is harmless.
   */
  public BackendSnapshot updateSlowstart() {
    synchronized (controlLock) {
      rampTick = null;
      boolean any = false;
      BackendSnapshot current = snapshot;
      for (int i = 0; i < current.serverCount(); i++) {
        any |= current.state(i).starting();
      }
      if (!any) {
        return current;
      }
    }
    return update(UnaryOperator.identity(), ServerTransition.Cause.SLOWSTART, "slowstart ramp");
  }

  /**
   * Records a health check's outcome for {@link #stats()} (HAProxy's {@code check_status}, {@code
   * chkfail}): the result and the rise/fall counter after it. Does not change the server's health; the
   * checker calls {@link #setHealth(String, Health, ServerTransition.Cause, String)} on a transition.
   */
  public void recordCheck(String server, CheckResult result, int health) {
    ServerHistory h = history.get(server);
    if (h != null) { // else removed by a reconfiguration meanwhile
      h.check(result, health);
    }
  }

  /** Builds, publishes, binds, queues transitions. Caller holds the control lock. */
  private BackendSnapshot rebuild(
      BackendConfig cfg,
      ServerRuntimeState[] before,
      ServerRuntimeState[] after,
      ServerTransition.Cause cause,
      String detail) {
    long now = clock.millis();
    List<ServerConfig> servers = cfg.servers();
    boolean[] rampEnded = new boolean[after.length];
    for (int i = 0; i < after.length; i++) {
      ServerConfig sc = servers.get(i);
      ServerRuntimeState b = before[i];
      ServerRuntimeState a = after[i];
      boolean stoppedBefore = b != null && (b.health() == Health.DOWN || b.admin() == AdminState.MAINT);
      boolean stoppedAfter = a.health() == Health.DOWN || a.admin() == AdminState.MAINT;
      if (stoppedAfter) {
        a = a.withStartingSince(ServerRuntimeState.NOT_STARTING);
      } else if (stoppedBefore && sc.slowstartMillis() > 0) {
        a = a.withStartingSince(now); // HAProxy: back up with slowstart -> SRV_ST_STARTING, last_change = now
      } else if (a.starting() && ServerGroups.rampElapsedSeconds(sc, a, now) < 0) {
        a = a.withStartingSince(ServerRuntimeState.NOT_STARTING);
        rampEnded[i] = true;
      }
      after[i] = a;
    }
    BackendSnapshot current = snapshot;
    Picker previous = current == null ? null : current.picker();
    BackendSnapshot built = new BackendSnapshot(cfg, indexByName, after, counters, live, startupCumulative,
        versions.incrementAndGet(), now, previous, persistence);
    publish(built);
    backendHistory.update(up(built), now);
    Instant at = Instant.ofEpochMilli(now);
    for (int i = 0; i < after.length; i++) {
      if (before[i] == null) {
        continue;
      }
      ServerStatusWord from = before[i].statusWord();
      ServerStatusWord to = after[i].statusWord();
      if (from != to) {
        String server = servers.get(i).name();
        ServerHistory h = history.get(server);
        if (h != null) {
          h.transition(from, to, now);
        }
        ServerTransition.Cause why = rampEnded[i] ? ServerTransition.Cause.SLOWSTART : cause;
        pending.add(new ServerTransition(name, server, from, to, why,
            rampEnded[i] ? "slowstart ramp complete" : detail, at));
      }
    }
    scheduleRamp(built);
    return built;
  }

  /**
   * Publishes, then binds the live counters to the new picker if it tracks connections (or to none) and
   * re-synchronises it: a take or release that reached the previous picker happened before its binding was
   * replaced, so the resync reads its count.
   */
  private void publish(BackendSnapshot built) {
    snapshot = built;
    Picker picker = built.picker();
    boolean tracks = picker.tracksConnections();
    ServerCounters[] c = counters;
    for (int i = 0; i < c.length; i++) {
      c[i].bind(tracks ? picker : null, i);
    }
    if (tracks) {
      picker.resync();
    }
  }

  private void scheduleRamp(BackendSnapshot built) {
    long delay = Long.MAX_VALUE;
    for (int i = 0; i < built.serverCount(); i++) {
      if (built.state(i).starting()) {
        long ss = Weights.slowstartSeconds(built.server(i).slowstartMillis());
        delay = Math.min(delay, Math.max(1000, ss * 50));
      }
    }
    if (delay != Long.MAX_VALUE && rampTick == null) {
      rampTick = control.schedule(this::rampTick, delay, TimeUnit.MILLISECONDS);
    }
  }

  private void rampTick() {
    try {
      updateSlowstart();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "slowstart update of backend " + name + " failed", e);
    }
  }

  /** Delivers queued transitions in order, one thread at a time, isolating listener failures. */
  private void dispatch() {
    synchronized (dispatchLock) {
      ServerTransition t;
      while ((t = pending.poll()) != null) {
        for (ServerTransitionListener l : listeners) {
          try {
            l.onTransition(t);
          } catch (RuntimeException | Error e) {
            if (e instanceof VirtualMachineError) {
              throw (VirtualMachineError) e;
            }
            LOG.log(System.Logger.Level.WARNING, "listener " + l + " failed on " + t, e);
          }
        }
      }
    }
  }

  // ---------------------------------------------------------------- stats

  /** The stats page of this backend now (allocates; control plane or monitoring, not per request). */
  public BackendStats stats() {
    return stats(clock.millis());
  }

  /** The stats at {@code nowMillis} of the caller's clock (the router's, which times the sessions). */
  BackendStats stats(long nowMillis) {
    BackendSnapshot s = snapshot;
    return StatsReader.backend(name, s, history, Algorithms.staticWeights(s.config()), traffic, backendHistory,
        nowMillis);
  }

  /** HAProxy's backend state: UP when a server takes load-balanced traffic, or when it has no server. */
  private static boolean up(BackendSnapshot s) {
    return s.totalWeight() > 0 || s.serverCount() == 0;
  }

  /** The default control scheduler: one lazily started daemon thread shared by every backend. */
  private static final class SharedControl {
    static final ScheduledExecutorService EXECUTOR;

    static {
      ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "stickyroute-control");
        t.setDaemon(true);
        return t;
      });
      e.setRemoveOnCancelPolicy(true);
      EXECUTOR = e;
    }

    private SharedControl() {}
  }
}
