package org.stickyroute;

import java.util.Map;
import java.util.function.IntPredicate;
import org.stickyroute.balance.LoadView;
import org.stickyroute.balance.Picker;
import org.stickyroute.balance.ServerGroup;
import org.stickyroute.config.BackendConfig;
import org.stickyroute.config.ServerConfig;
import org.stickyroute.config.StickyFailure;
import org.stickyroute.stick.StickServers;
import org.stickyroute.http.RequestView;
import org.stickyroute.persist.CookiePersistence;
import org.stickyroute.persist.CookieTargets;

/**
 * An immutable view of one backend at one moment: its servers' runtime states, HAProxy's derived quantities
 * (effective weights, the group in use, {@code tot_weight}) and the algorithm's picker built from them. A
 * {@link Backend} publishes a new snapshot on every change; requests only read the current one, so a request
 * never waits for a rebuild and never sees half of one.
 *
 * <p>Servers are identified by their <em>index</em>: their position in {@link BackendConfig#servers()}.
 * Selection methods return an index, {@link #NO_SERVER} when nothing is usable (HAProxy answers 503), or
 * {@link #SATURATED} when every candidate reached its {@code maxconn} (HAProxy queues the request; a caller
 * without a queue answers 503 or retries later). They are allocation-free and never throw on any input.
 *
 * <p>Algorithms ({@code balance}): {@code uri} (map-based or consistent, with {@code hash-balance-factor}),
 * {@code roundrobin} / {@code static-rr} (weighted rotation, saturated servers skipped), {@code leastconn}
 * (HAProxy's exact order, re-positioned on every take and release) and {@code random(N)} (power of N
 * choices); see docs/load-balancing.md for each one's exact rule. Thread-safe: immutable apart from the live
 * counters it reads and the algorithm state its picker keeps.
 */
public final class BackendSnapshot {
  /** Returned when no server is usable (HAProxy: 503 "no server available"). */
  public static final int NO_SERVER = Picker.NO_SERVER;
  /**
   * Returned when servers are usable but every one the algorithm may use has reached its {@code maxconn}
   * (HAProxy puts the request in the backend queue). Hashing never returns it: it keeps affinity, as
   * HAProxy 2.6 does, and the caller may check {@link #saturated(int)}.
   */
  public static final int SATURATED = Picker.SATURATED;

  private final BackendConfig config;
  private final ServerConfig[] servers;
  private final Map<String, Integer> indexByName;
  private final ServerRuntimeState[] states;
  private final ServerCounters[] counters;
  private final LiveLoad live;
  private final ServerGroup group;
  private final Picker picker;
  private final IntPredicate take;
  private final boolean usingBackups;
  private final long version;
  private final long builtAtMillis;
  private final CookiePersistence persistence;
  /** This snapshot's servers as stick rules read them (the tables never see this class). */
  final StickServers stickServers = new StickServers() {
    @Override
    public int indexOfName(String name) {
      return indexOf(name);
    }

    @Override
    public int indexOfId(int id) {
      int[] puid = group.puid();
      for (int i = 0; i < puid.length; i++) {
        if (puid[i] == id) {
          return i;
        }
      }
      return NO_SERVER;
    }

    @Override
    public boolean accepts(int i) {
      return state(i).acceptsPersistent() || config.stickyFailure() == StickyFailure.PERSIST;
    }
  };
  /** This snapshot's servers as cookie persistence reads them (persistence never sees this class). */
  final CookieTargets cookieTargets = i -> state(i).acceptsPersistent();

  /**
   * Builds a snapshot (control plane).
   *
   * @param indexByName the index of every server of {@code config} by name
   * @param live the live in-flight counts over {@code counters}
   * @param startupCumulative HAProxy's {@code cumulative_weight} as computed at start-up, or {@code null}
   * @param nowMillis the backend clock when built: {@code slowstart} ramps are evaluated at this instant
   * @param previous the picker of the snapshot this one replaces (its state may be inherited), or {@code null}
   * @param persistence the cookie persistence compiled from {@code config} (its server indexes and values are
   *     this snapshot's), or {@code null} when the backend has no {@code cookie} line
   */
  BackendSnapshot(
      BackendConfig config,
      Map<String, Integer> indexByName,
      ServerRuntimeState[] states,
      ServerCounters[] counters,
      LiveLoad live,
      int[] startupCumulative,
      long version,
      long nowMillis,
      Picker previous,
      CookiePersistence persistence) {
    this.config = config;
    this.indexByName = indexByName;
    this.persistence = persistence;
    this.builtAtMillis = nowMillis;
    this.servers = config.servers().toArray(new ServerConfig[0]);
    this.states = states.clone();
    this.counters = counters;
    this.live = live;
    this.version = version;
    this.group = ServerGroups.build(config, this.states, Algorithms.staticWeights(config), startupCumulative,
        counters, live, nowMillis);
    this.picker = Algorithms.picker(config, group, previous);
    this.take = this::take;
    int[] members = group.members();
    this.usingBackups = group.totalUsed() > 0 && members.length > 0 && servers[members[0]].backup();
  }

  // ---------------------------------------------------------------- selection (data plane)

  /**
   * Picks a server for a request with this request-target and no other field (tools and tests; allocates a
   * small view): see {@link #select(RequestView)}.
   */
  public int select(CharSequence target) {
    return select(RequestView.of("GET", target));
  }

  /**
   * Picks a server for this request, as HAProxy's {@code assign_server} would, without taking a lease: the
   * algorithm's choice with the live in-flight counts, or {@link #NO_SERVER} / {@link #SATURATED}.
   */
  public int select(RequestView request) {
    return select(request, NO_SERVER, live);
  }

  /**
   * {@link #select(RequestView)} avoiding a server if another qualifies (the server a failed attempt used);
   * map-based hashing ignores {@code avoid}, as HAProxy does.
   */
  public int select(RequestView request, int avoid) {
    return select(request, avoid, live);
  }

  /** {@link #select(RequestView, int)} by {@code load} instead of the live counts (tests: "what if"). */
  int select(RequestView request, int avoid, LoadView load) {
    if (group.totalUsed() == 0) {
      return NO_SERVER;
    }
    return picker.pick(request, avoid, load);
  }

  /**
   * Picks a server for this request and takes a lease on it, as one step: the algorithm's choice with the
   * live in-flight counts ({@code uri}: the key's server; {@code roundrobin}, {@code static-rr}, {@code
   * leastconn}: the next or least loaded unsaturated server; {@code random(N)}: the least loaded of N draws).
   * Returns the server index, or {@link #NO_SERVER} / {@link #SATURATED} with the lease left idle.
   * Allocation-free.
   *
   * <p>{@code maxconn} holds under concurrency: a take that finds the server over its {@code maxconn} (another
   * request took the last slot between the choice and the take, or a hash key's server is full) is undone and
   * the algorithm chooses again ({@link Picker#pickAndTake}), then gives up with {@link #SATURATED}; HAProxy
   * makes the choice and the take under one lock, so it never exceeds {@code maxconn} either.
   *
   * @param request the request (hash-based algorithms read their key from it)
   * @param avoid a server index to avoid if possible (the server a failed attempt used), or {@link
   *     #NO_SERVER}; map-based hashing ignores it, as HAProxy does
   * @param lease an idle lease
   * @throws IllegalStateException if the lease is already held (no counter is changed)
   */
  public int acquire(RequestView request, int avoid, Lease lease) {
    if (lease.isHeld()) {
      throw new IllegalStateException("lease already held: close it before reusing it");
    }
    if (group.totalUsed() == 0) {
      return NO_SERVER;
    }
    int s = picker.pickAndTake(request, avoid, live, take);
    if (s >= 0) {
      lease.hold(s, counters[s]);
    }
    return s;
  }

  /**
   * Takes a connection on server {@code s} for {@link Picker#pickAndTake}: counts it in flight on the live
   * counters (without calling the picker back: it accounts for its own take) unless that puts the server over
   * its effective {@code maxconn}, in which case the count is undone.
   */
  private boolean take(int s) {
    ServerCounters c = counters[s];
    int now = c.count();
    int mc = group.maxconn()[s];
    if (mc == 0 || now <= mc) {
      return true;
    }
    c.uncount(); // lost the race for the last slot
    return false;
  }

  /**
   * Takes a lease on a given server (for example one a persistence cookie designated), whatever its state or
   * load: persistence is the caller's decision. The lease must be idle; throws {@link IllegalStateException}
   * otherwise, leaving every counter as it was. Allocation-free.
   */
  public void acquireServer(int server, Lease lease) {
    if (lease.isHeld()) {
      throw new IllegalStateException("lease already held: close it before reusing it");
    }
    ServerCounters c = counters[server];
    c.take();
    lease.hold(server, c);
  }

  /**
   * Whether server {@code s} has reached its effective {@code maxconn} (HAProxy: {@code served >=
   * srv_dynamic_maxconn}), by the live counters. Always false without {@code maxconn}.
   */
  public boolean saturated(int s) {
    return group.saturated(s, live);
  }

  /** The effective {@code maxconn} of server {@code s} (ramped during {@code slowstart}); 0 = unlimited. */
  public int effectiveMaxconn(int s) {
    return group.maxconn()[s];
  }

  /** In-flight requests on server {@code s}, from its live counters. */
  public int served(int s) {
    return counters[s].served();
  }

  /** In-flight requests on the whole backend, from the backend's live counters. */
  public int totalServed() {
    return live.totalServed();
  }

  /**
   * Checks the algorithm's internal state against the live counters (tests and diagnostics; only meaningful
   * while no request is in progress): {@code null} when consistent, otherwise a description.
   */
  public String inconsistency() {
    return picker.inconsistency();
  }

  /** The algorithm of this snapshot (the backend binds the live counters to it). */
  Picker picker() {
    return picker;
  }

  /** HAProxy's {@code cumulative_weight} of every server, as computed for this snapshot. */
  int[] cumulativeWeights() {
    return group.cumulative().clone();
  }

  // ---------------------------------------------------------------- introspection

  /** The instant (backend clock, epoch ms) at which {@code slowstart} ramps were evaluated. */
  public long builtAtMillis() {
    return builtAtMillis;
  }

  /**
   * The cookie persistence compiled from {@link #config()}, or {@code null} when the backend has no {@code
   * cookie} line. It belongs to the snapshot because its server indexes and cookie values are only valid for
   * this snapshot's server list: after {@link Backend#reconfigure} a cookie must be looked up in the new list.
   */
  CookiePersistence persistence() {
    return persistence;
  }

  /**
   * The persistence-cookie value of server {@code i}: its {@code cookie} value, else its dynamic value
   * ({@link BackendConfig#dynamicCookie}); {@code null} when it has none or the backend has no {@code cookie}
   * line. The plain value, before any signing.
   */
  public String cookieValue(int i) {
    return persistence == null ? null : persistence.value(i);
  }

  /**
   * The cookie value a client must send at {@code nowEpochSeconds} to be routed to server {@code i}: {@link
   * #cookieValue}, signed (valid for the configured lifetime) when the backend signs its cookies; {@code null}
   * when the server has no value. For tools and tests ("which cookie pins me to s2?").
   */
  public String clientCookieValue(int i, long nowEpochSeconds) {
    return persistence == null ? null : persistence.clientValue(i, nowEpochSeconds);
  }

  /** The configuration this snapshot was built from. */
  public BackendConfig config() {
    return config;
  }

  /** Number of configured servers. */
  public int serverCount() {
    return servers.length;
  }

  /** The configuration of server {@code i}. */
  public ServerConfig server(int i) {
    return servers[i];
  }

  /** The index of the server with this name, or {@link #NO_SERVER}. */
  public int indexOf(String name) {
    Integer i = indexByName.get(name);
    return i == null ? NO_SERVER : i;
  }

  /** The runtime state of server {@code i} in this snapshot. */
  public ServerRuntimeState state(int i) {
    return states[i];
  }

  /** The counters of server {@code i} (shared by every snapshot of the backend). */
  public ServerCounters counters(int i) {
    return counters[i];
  }

  /** HAProxy's effective weight of server {@code i} ({@code eweight}). */
  public int effectiveWeight(int i) {
    return group.eweight()[i];
  }

  /** HAProxy's numeric id of server {@code i} ({@code puid}). */
  public int id(int i) {
    return group.puid()[i];
  }

  /** Whether server {@code i} may take load-balanced traffic (ready, up, with a non-zero effective weight). */
  public boolean usable(int i) {
    return group.usable(i);
  }

  /** HAProxy's {@code tot_weight}: the total effective weight of the group in use; 0 = nothing usable. */
  public int totalWeight() {
    return group.totalWeight();
  }

  /** HAProxy's {@code tot_used}: the number of servers in the group in use. */
  public int totalUsed() {
    return group.totalUsed();
  }

  /** Whether the backup servers are in use (no active server is usable). */
  public boolean usingBackups() {
    return usingBackups;
  }

  /** A number that grows with every snapshot the backend publishes. */
  public long version() {
    return version;
  }
}
