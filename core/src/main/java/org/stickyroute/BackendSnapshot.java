package org.stickyroute;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.stickyroute.balance.ConsistentRing;
import org.stickyroute.balance.LeastConnTree;
import org.stickyroute.balance.MapTable;
import org.stickyroute.balance.RoundRobin;
import org.stickyroute.balance.ServerFilter;
import org.stickyroute.config.Balance;
import org.stickyroute.config.BackendConfig;
import org.stickyroute.config.ServerConfig;
import org.stickyroute.key.UriKey;
import org.stickyroute.persist.CookiePersistence;
import org.stickyroute.persist.CookieTargets;

/**
 * An immutable view of one backend at one moment: its servers' states, HAProxy's derived quantities
 * (effective weights, the group in use, {@code tot_weight}) and the lookup tables built from them. A {@link
 * Backend} publishes a new snapshot on every change; requests only read the current one, so a request never
 * waits for a rebuild and never sees half of one.
 *
 * <p>Servers are identified by their <em>index</em>: their position in {@link BackendConfig#servers()}.
 * Selection methods return an index, {@link #NO_SERVER} when nothing is usable (HAProxy answers 503), or
 * {@link #SATURATED} when every candidate reached its {@code maxconn} (HAProxy queues the request; a caller
 * without a queue answers 503 or retries later). They are allocation-free and never throw on any input.
 *
 * <p>Algorithms: {@code balance uri} (map-based or consistent, {@code hash-balance-factor}); {@code
 * roundrobin} / {@code static-rr} (weighted rotation, saturated servers skipped); {@code leastconn} (HAProxy's
 * exact order through a lock-free {@link LeastConnTree}, see there for what concurrency guarantees); {@code
 * random(N)} (power of N choices, see {@link #select(CharSequence, int, int, int, LoadView)}).
 * Thread-safe: immutable apart from the live counters it reads and the leastconn tree it updates.
 */
public final class BackendSnapshot implements ServerFilter, LoadView {
  /** Returned when no server is usable (HAProxy: 503 "no server available"). */
  public static final int NO_SERVER = -1;
  /**
   * Returned when servers are usable but every one the algorithm may use has reached its {@code maxconn}
   * (HAProxy puts the request in the backend queue). Hashing never returns it: it keeps affinity, as
   * HAProxy 2.6 does, and the caller may check {@link #saturated(int)}.
   */
  public static final int SATURATED = -2;

  private static final ThreadLocal<int[]> DRAWS = ThreadLocal.withInitial(() -> new int[8]);

  private final BackendConfig config;
  private final ServerConfig[] servers;
  private final ServerRuntimeState[] status;
  private final ServerCounters[] counters;
  private final Backend.Totals totals;
  private final int[] puid;
  private final int[] eweight;
  private final int[] cumulative;
  private final boolean[] usable;
  private final int activeUsable;
  private final int firstBackup;
  private final int totalWeight;
  private final int totalUsed;
  private final Balance.Kind kind;
  private final UriKey uriKey;
  private final boolean consistent;
  private final org.stickyroute.hash.HashFunction hashFunction;
  private final boolean avalanche;
  private final int balanceFactor;
  private final long weightReciprocal; // ceil(2^64 / totalWeight), for the bounded-load arithmetic
  private final MapTable map;
  private final ConsistentRing ring;
  private final RoundRobin roundRobin;
  private final long version;
  private final long builtAtMillis;
  private final int[] maxconn;
  private final boolean anyMaxconn;
  private final LeastConnTree leastConn;
  private final ConsistentRing randomRing;
  private final int draws;
  private final ServerFilter capacity;
  private final CookiePersistence persistence;
  /** This snapshot's servers as cookie persistence reads them (persistence never sees this class). */
  final CookieTargets cookieTargets = i -> state(i).acceptsPersistent();

  BackendSnapshot(
      BackendConfig config,
      ServerRuntimeState[] status,
      ServerCounters[] counters,
      Backend.Totals totals,
      int[] startupCumulative,
      long version) {
    this(config, status, counters, totals, startupCumulative, version, 0, null, null, CookiePersistence.of(config));
  }

  /**
   * Builds a snapshot (control plane).
   *
   * @param nowMillis the backend clock when built: {@code slowstart} ramps are evaluated at this instant
   * @param previousTree the leastconn tree of the snapshot this one replaces (FIFO order is inherited), or
   *     {@code null}
   * @param compactionHook what the leastconn tree calls when its sequence numbers run high, or {@code null}
   * @param persistence the cookie persistence compiled from {@code config} (its server indexes and values are
   *     this snapshot's), or {@code null} when the backend has no {@code cookie} line
   */
  BackendSnapshot(
      BackendConfig config,
      ServerRuntimeState[] status,
      ServerCounters[] counters,
      Backend.Totals totals,
      int[] startupCumulative,
      long version,
      long nowMillis,
      LeastConnTree previousTree,
      Runnable compactionHook,
      CookiePersistence persistence) {
    this.config = config;
    this.persistence = persistence;
    this.builtAtMillis = nowMillis;
    this.servers = config.servers().toArray(new ServerConfig[0]);
    this.status = status.clone();
    this.counters = counters;
    this.totals = totals;
    this.puid = config.resolvedIds();
    this.version = version;
    this.kind = config.balance().kind();
    this.uriKey = config.balance().kind() == Balance.Kind.URI ? UriKey.of(config.balance().uriOptions()) : null;
    this.consistent = config.hashType().isConsistent();
    this.hashFunction = config.hashType().function();
    this.avalanche = config.hashType().avalanche();
    this.balanceFactor = config.hashBalanceFactor();
    int n = servers.length;
    boolean mapFamily = isMapFamily(config);
    this.eweight = effectiveWeights(config, this.status, mapFamily, nowMillis);
    this.maxconn = effectiveMaxconn(config, this.status, nowMillis);
    boolean anyLimit = false;
    for (int mc : maxconn) {
      anyLimit |= mc > 0;
    }
    this.anyMaxconn = anyLimit;
    this.capacity = (s, load) -> !saturated(s, load);
    this.draws = config.balance().kind() == Balance.Kind.RANDOM ? config.balance().draws() : 0;
    this.usable = new boolean[n];
    int act = 0;
    int actWeight = 0;
    int bck = 0;
    int bckWeight = 0;
    int fbck = -1;
    for (int i = 0; i < n; i++) {
      ServerRuntimeState s = this.status[i];
      usable[i] = eweight[i] > 0 && s.admin() == AdminState.READY && s.health() == Health.UP;
      if (!usable[i]) {
        continue;
      }
      if (servers[i].backup()) {
        if (bck == 0 && !config.allBackups()) {
          fbck = i;
        }
        bck++;
        bckWeight += eweight[i];
      } else {
        act++;
        actWeight += eweight[i];
      }
    }
    this.activeUsable = act;
    this.firstBackup = act > 0 ? -1 : fbck;
    boolean useBackups = act == 0;
    if (act > 0) {
      totalWeight = actWeight;
      totalUsed = act;
    } else if (fbck >= 0) {
      totalWeight = eweight[fbck];
      totalUsed = 1;
    } else {
      totalWeight = bckWeight;
      totalUsed = bck;
    }
    this.weightReciprocal = reciprocal(totalWeight);
    this.cumulative = startupCumulative != null ? startupCumulative : cumulativeWeights(servers, usable, eweight);
    int[] members = members(useBackups);
    LeastConnTree tree = null;
    ConsistentRing rnd = null;
    if (kind == Balance.Kind.URI && consistent) {
      int[] points = new int[n];
      int ppw = config.pointsPerWeight();
      for (int m : members) {
        points[m] = (int) (((long) eweight[m] * ppw + BackendConfig.HAPROXY_POINTS_PER_WEIGHT - 1)
            / BackendConfig.HAPROXY_POINTS_PER_WEIGHT);
      }
      this.ring = ConsistentRing.build(members, puid, points, ppw);
      this.map = null;
      this.roundRobin = null;
    } else if (kind == Balance.Kind.URI) {
      this.map = MapTable.build(members, eweight, totalWeight);
      this.ring = null;
      this.roundRobin = null;
    } else if (kind == Balance.Kind.LEASTCONN) {
      int[] group = firstBackup >= 0 ? new int[] {firstBackup} : members;
      tree = LeastConnTree.build(group, counters, eweight, maxconn, previousTree, compactionHook);
      this.map = null;
      this.ring = null;
      this.roundRobin = null;
    } else if (kind == Balance.Kind.RANDOM) {
      // HAProxy draws through the consistent-hash tree of the group in use: eweight nodes per server.
      int[] group = firstBackup >= 0 ? new int[] {firstBackup} : members;
      rnd = ConsistentRing.build(group, puid, eweight, BackendConfig.HAPROXY_POINTS_PER_WEIGHT);
      this.map = null;
      this.ring = null;
      this.roundRobin = null;
    } else {
      // Round-robin family.
      int[] rrWeight = eweight;
      int rrTotal = totalWeight;
      if (!mapFamily) {
        int g = 0;
        for (int m : members) {
          g = com.google.common.math.IntMath.gcd(g, eweight[m]);
        }
        if (g > 1) {
          rrWeight = new int[n];
          rrTotal = 0;
          for (int m : members) {
            rrWeight[m] = eweight[m] / g;
          }
          rrTotal = totalWeight / g;
        }
      }
      if (firstBackup >= 0) {
        members = new int[] {firstBackup};
        rrTotal = rrWeight[firstBackup];
      }
      this.map = MapTable.build(members, rrWeight, rrTotal);
      this.ring = null;
      this.roundRobin = new RoundRobin(map);
    }
    this.leastConn = tree;
    this.randomRing = rnd;
  }

  private int[] members(boolean backups) {
    int count = 0;
    for (int i = 0; i < servers.length; i++) {
      if (usable[i] && servers[i].backup() == backups) {
        count++;
      }
    }
    int[] m = new int[count];
    int k = 0;
    for (int i = 0; i < servers.length; i++) {
      if (usable[i] && servers[i].backup() == backups) {
        m[k++] = i;
      }
    }
    return m;
  }

  static boolean isMapFamily(BackendConfig config) {
    Balance.Kind k = config.balance().kind();
    return k == Balance.Kind.STATIC_RR || (k == Balance.Kind.URI && !config.hashType().isConsistent());
  }

  /**
   * HAProxy's {@code eweight} ({@code src/server.c:server_recalc_eweight}): for the map-based family the user
   * weight divided by the GCD of all non-zero configured weights (runtime weights only switch a server
   * between 0 % and 100 %); for the dynamic algorithms the runtime user weight times 16, or during a {@code
   * slowstart} ramp the user weight times {@code (16 * elapsed + slowstart) / slowstart}, where both times are
   * whole seconds (HAProxy stores {@code slowstart} rounded up to seconds and compares {@code now.tv_sec}
   * with {@code last_change}).
   */
  static int[] effectiveWeights(BackendConfig config, ServerRuntimeState[] status, boolean mapFamily, long now) {
    List<ServerConfig> servers = config.servers();
    int n = servers.size();
    int[] ew = new int[n];
    if (mapFamily) {
      int g = 0;
      for (ServerConfig s : servers) {
        g = com.google.common.math.IntMath.gcd(g, s.weight());
      }
      if (g == 0) {
        g = 1;
      }
      for (int i = 0; i < n; i++) {
        ew[i] = status[i].weight() == 0 ? 0 : servers.get(i).weight() / g;
      }
    } else {
      for (int i = 0; i < n; i++) {
        long elapsed = rampElapsedSeconds(servers.get(i), status[i], now);
        int scale = BackendConfig.HAPROXY_POINTS_PER_WEIGHT;
        if (elapsed >= 0) {
          long ss = slowstartSeconds(servers.get(i));
          scale = (int) ((BackendConfig.HAPROXY_POINTS_PER_WEIGHT * elapsed + ss) / ss);
        }
        ew[i] = status[i].weight() * scale;
      }
    }
    return ew;
  }

  /**
   * HAProxy's {@code srv_dynamic_maxconn} without {@code minconn}/{@code fullconn}: {@code maxconn}, or during
   * a {@code slowstart} ramp {@code max(1, maxconn * ratio / 100)} with {@code ratio = 100 * elapsed /
   * slowstart} (whole seconds). 0 = unlimited.
   */
  static int[] effectiveMaxconn(BackendConfig config, ServerRuntimeState[] status, long now) {
    List<ServerConfig> servers = config.servers();
    int[] mc = new int[servers.size()];
    for (int i = 0; i < mc.length; i++) {
      int max = servers.get(i).maxconn();
      long elapsed = rampElapsedSeconds(servers.get(i), status[i], now);
      if (max > 0 && elapsed >= 0) {
        long ratio = 100 * elapsed / slowstartSeconds(servers.get(i));
        max = (int) Math.max(1, max * ratio / 100);
      }
      mc[i] = max;
    }
    return mc;
  }

  /** HAProxy keeps {@code slowstart} in seconds, rounded up. */
  static long slowstartSeconds(ServerConfig s) {
    return (s.slowstartMillis() + 999) / 1000;
  }

  /**
   * Whole seconds since the server started its ramp ({@code now.tv_sec - last_change}), or -1 when it is not
   * ramping at {@code now} (no {@code slowstart}, not starting, or the ramp is over).
   */
  static long rampElapsedSeconds(ServerConfig s, ServerRuntimeState st, long now) {
    if (!st.starting() || s.slowstartMillis() <= 0) {
      return -1;
    }
    long elapsed = Math.floorDiv(now, 1000) - Math.floorDiv(st.startingSinceMillis(), 1000);
    return elapsed < 0 || elapsed >= slowstartSeconds(s) ? -1 : elapsed;
  }

  /** HAProxy's {@code cumulative_weight}: the effective weight of usable servers declared before, per group. */
  static int[] cumulativeWeights(ServerConfig[] servers, boolean[] usable, int[] eweight) {
    int[] cum = new int[servers.length];
    int act = 0;
    int bck = 0;
    for (int i = 0; i < servers.length; i++) {
      if (!usable[i]) {
        continue;
      }
      if (servers[i].backup()) {
        cum[i] = bck;
        bck += eweight[i];
      } else {
        cum[i] = act;
        act += eweight[i];
      }
    }
    return cum;
  }

  int[] cumulativeWeights() {
    return cumulative.clone();
  }

  // ---------------------------------------------------------------- selection (data plane)

  /**
   * Picks a server for a request with this request-target, as HAProxy's {@code assign_server} would, or
   * {@link #NO_SERVER} / {@link #SATURATED}. Reads the in-flight counts of the backend's own counters.
   */
  public int select(CharSequence target) {
    return select(target, 0, target.length(), NO_SERVER, this);
  }

  /**
   * Picks a server for a request whose request-target is {@code target[from, to)}, without taking a lease
   * (for {@code leastconn} use {@link #acquire}, which also re-positions the server).
   *
   * <ul>
   *   <li>{@code uri}: the key's hash in the map or on the ring; keeps affinity even to a saturated server.
   *   <li>{@code roundrobin}, {@code static-rr}: the next server of the weighted rotation, skipping saturated
   *       servers and {@code avoid} (used only if nothing else qualifies).
   *   <li>{@code leastconn}: the first unsaturated server in (key, FIFO) order, skipping {@code avoid}
   *       likewise; {@code load} is not used, the tree follows the live counters.
   *   <li>{@code random(N)}: N <em>distinct</em> servers drawn through the consistent-hash ring of the group
   *       in use (so with probability proportional to their effective weight; a server already drawn is drawn
   *       again up to 8 times, then the ring is walked to the next undrawn server); each draw replaces the
   *       best so far unless it is strictly busier per unit of weight ({@code served * eweight(best) >
   *       served(best) * eweight}, HAProxy's {@code get_server_rnd} comparison). HAProxy 2.6 draws with
   *       replacement, so it may compare a server with itself (Envoy #11004); here N is capped at the
   *       number of usable servers. As in HAProxy, if the winner is saturated the result is {@link
   *       #SATURATED} rather than another server. With N > 2 the draws are remembered in a per-thread
   *       scratch array (allocated once per thread).
   * </ul>
   *
   * @param target the raw request-target, as received
   * @param from start index (inclusive)
   * @param to end index (exclusive)
   * @param avoid a server index to avoid if possible (the server a failed attempt used), or {@link
   *     #NO_SERVER}; map-based hashing ignores it, as HAProxy does
   * @param load in-flight counts for {@code hash-balance-factor}, {@code random} and {@code maxconn} (for
   *     example {@code this})
   * @return the server index, {@link #NO_SERVER} or {@link #SATURATED}
   */
  public int select(CharSequence target, int from, int to, int avoid, LoadView load) {
    if (totalUsed == 0) {
      return NO_SERVER;
    }
    switch (kind) {
      case URI:
        {
          int hash = totalUsed == 1 ? 0 : uriKey.hash(target, from, to, hashFunction, avalanche);
          return selectByHash(hash, avoid, load);
        }
      case LEASTCONN:
        {
          int s = leastConn.pick(avoid);
          return s == LeastConnTree.ALL_SATURATED ? SATURATED : s;
        }
      case RANDOM:
        return selectRandom(avoid, load);
      default:
        {
          int s = roundRobin.next(avoid, anyMaxconn ? capacity : null, load);
          return s == RoundRobin.ALL_REJECTED ? SATURATED : s;
        }
    }
  }

  private int selectRandom(int avoid, LoadView load) {
    ConsistentRing r = randomRing;
    int nodes = r.size();
    if (nodes == 0) {
      return NO_SERVER;
    }
    int distinct = totalUsed - (avoid >= 0 && avoid < usable.length && usable[avoid] ? 1 : 0);
    int n = Math.max(1, Math.min(draws, distinct));
    ThreadLocalRandom rnd = ThreadLocalRandom.current();
    int[] drawn = n > 2 ? scratch(n) : null;
    int first = -1;
    int best = -1;
    for (int k = 0; k < n; k++) {
      int s = -1;
      for (int attempt = 0; attempt < 8 && s < 0; attempt++) {
        int c = r.lookup(rnd.nextInt(), avoid, null, load);
        if (!drawnBefore(c, k, first, drawn)) {
          s = c;
        }
      }
      if (s < 0) {
        int node = rnd.nextInt(nodes);
        for (int step = 0; step < nodes && s < 0; step++) {
          int c = r.owner(node);
          if (c != avoid && !drawnBefore(c, k, first, drawn)) {
            s = c;
          }
          node = node + 1 == nodes ? 0 : node + 1;
        }
        if (s < 0) {
          break;
        }
      }
      if (k == 0) {
        first = s;
      }
      if (drawn != null) {
        drawn[k] = s;
      }
      if (best >= 0 && (long) load.served(s) * eweight[best] > (long) load.served(best) * eweight[s]) {
        continue; // the new draw is strictly busier: keep the best so far
      }
      best = s;
    }
    return saturated(best, load) ? SATURATED : best;
  }

  private static int[] scratch(int n) {
    int[] a = DRAWS.get();
    if (a.length < n) {
      a = new int[Math.max(n, a.length * 2)];
      DRAWS.set(a);
    }
    return a;
  }

  private static boolean drawnBefore(int s, int k, int first, int[] drawn) {
    if (k == 0) {
      return false;
    }
    if (drawn == null) {
      return s == first;
    }
    for (int i = 0; i < k; i++) {
      if (drawn[i] == s) {
        return true;
      }
    }
    return false;
  }

  /**
   * Picks a server for this request (as {@link #select(CharSequence, int, int, int, LoadView)} with this
   * snapshot's live counts) and takes a lease on it. Returns the server index, or {@link #NO_SERVER} /
   * {@link #SATURATED} with the lease left idle. For {@code leastconn} the take re-positions the server in
   * the current tree, and the lease's release will again. Allocation-free.
   *
   * <p>{@code maxconn} holds under concurrency: the choice reads the live counts, and a take that finds the
   * server over its {@code maxconn} (another request took the last slot between the choice and the take) is
   * undone and the choice made again, up to {@value #TAKE_ATTEMPTS} times, then {@link #SATURATED}; HAProxy
   * makes the choice and the take under one lock, so it never exceeds {@code maxconn} either.
   *
   * @throws IllegalStateException if the lease is already held (no counter is changed)
   */
  public int acquire(CharSequence target, int from, int to, int avoid, Lease lease) {
    if (lease.isHeld()) {
      throw new IllegalStateException("lease already held: close it before reusing it");
    }
    for (int attempt = 1; ; attempt++) {
      int s = select(target, from, to, avoid, this);
      if (s < 0) {
        return s;
      }
      ServerCounters c = counters[s];
      int now = c.take();
      int mc = maxconn[s];
      if (mc == 0 || now <= mc) {
        lease.hold(s, c);
        return s;
      }
      c.release(); // lost the race for the last slot
      if (attempt == TAKE_ATTEMPTS) {
        return SATURATED;
      }
    }
  }

  /** How often {@link #acquire} chooses again after losing the race for a server's last slot. */
  static final int TAKE_ATTEMPTS = 4;

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
    return saturated(s, this);
  }

  private boolean saturated(int s, LoadView load) {
    int mc = maxconn[s];
    return mc > 0 && load.served(s) >= mc;
  }

  /** The effective {@code maxconn} of server {@code s} (ramped during {@code slowstart}); 0 = unlimited. */
  public int effectiveMaxconn(int s) {
    return maxconn[s];
  }

  /** The leastconn tree of this snapshot, or {@code null} for other algorithms. */
  public LeastConnTree leastConnTree() {
    return leastConn;
  }

  /** The instant (backend clock, epoch ms) at which {@code slowstart} ramps were evaluated. */
  public long builtAtMillis() {
    return builtAtMillis;
  }

  /**
   * Looks up an already computed key hash (after the avalanche modifier, if any) in the backend's table:
   * {@code map[hash mod tot_weight]} or the consistent ring, honouring {@code avoid} and {@code
   * hash-balance-factor} on the ring. Returns {@link #NO_SERVER} when nothing is usable.
   */
  public int selectByHash(int hash, int avoid, LoadView load) {
    if (ring != null) {
      if (firstBackup >= 0) {
        return firstBackup;
      }
      return ring.lookup(hash, avoid, balanceFactor != 0 ? this : null, load);
    }
    if (map == null) {
      return NO_SERVER;
    }
    return map.lookup(hash);
  }

  /**
   * HAProxy's bounded-load eligibility ({@code chash_server_is_eligible}): the server may take one more
   * request if its in-flight count is below its share of {@code ceil((total + 1) * factor / 100)} slots.
   */
  @Override
  public boolean accept(int s, LoadView load) {
    long slots = slots(load.totalServed(), balanceFactor, eweight[s], cumulative[s], totalWeight,
        weightReciprocal);
    return load.served(s) < slots;
  }

  /**
   * {@code chash_server_is_eligible}'s slot count of a server, at least 1:
   *
   * <pre>
   * tot_slots = ((served + 1) * factor + 99) / 100
   * slots = eweight * (tot_slots / tot_weight)
   *       + ((cumulative + eweight) * (tot_slots % tot_weight)) / tot_weight
   *       - (cumulative * (tot_slots % tot_weight)) / tot_weight
   * </pre>
   *
   * The three divisions by {@code tot_weight} are the costly part of a bounded-load pick, so while the
   * dividends fit in 32 bits (they do unless millions of requests are in flight or the total weight is in
   * the tens of thousands) they are exact multiplications by {@code reciprocal = ceil(2^64 / tot_weight)}
   * instead (Lemire, Kaser and Kurz 2019: {@code floor(x / d)} is the high 64 bits of {@code reciprocal * x}
   * for every 32-bit {@code x} and {@code d}).
   */
  static long slots(int served, int factor, int eweight, int cumulative, int totalWeight, long reciprocal) {
    long totSlots = ((long) (served + 1) * factor + 99) / 100;
    long perWeight = divide(totSlots, totalWeight, reciprocal);
    long remainder = totSlots - perWeight * totalWeight;
    long slots = eweight * perWeight
        + divide((cumulative + (long) eweight) * remainder, totalWeight, reciprocal)
        - divide(cumulative * remainder, totalWeight, reciprocal);
    return slots == 0 ? 1 : slots;
  }

  /** {@code x / d} for {@code 0 <= x} and {@code 1 <= d < 2^31}, with {@code reciprocal = ceil(2^64 / d)}. */
  static long divide(long x, int d, long reciprocal) {
    if (x >>> 32 != 0 || d == 1) {
      return x / d;
    }
    // Unsigned high half of reciprocal * x (x < 2^32 is positive; correct for reciprocal's sign bit).
    return Math.multiplyHigh(reciprocal, x) + ((reciprocal >> 63) & x);
  }

  /** {@code ceil(2^64 / d)} as an unsigned 64-bit value, for {@code d >= 2} (unused for 0 and 1). */
  static long reciprocal(int d) {
    return d < 2 ? 0 : Long.divideUnsigned(-1L, d) + 1;
  }

  // ---------------------------------------------------------------- LoadView over the live counters

  /** In-flight requests on server {@code s}, from the backend's live counters. */
  @Override
  public int served(int s) {
    return counters[s].served();
  }

  /** In-flight requests on the whole backend, from the backend's live counters. */
  @Override
  public int totalServed() {
    if (totals.tracking) {
      return totals.served.get();
    }
    int t = 0;
    for (ServerCounters c : counters) {
      t += c.served();
    }
    return t;
  }

  // ---------------------------------------------------------------- introspection

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
    for (int i = 0; i < servers.length; i++) {
      if (servers[i].name().equals(name)) {
        return i;
      }
    }
    return NO_SERVER;
  }

  /** The runtime state of server {@code i} in this snapshot. */
  public ServerRuntimeState state(int i) {
    return status[i];
  }

  /** The counters of server {@code i} (shared by every snapshot of the backend). */
  public ServerCounters counters(int i) {
    return counters[i];
  }

  /** HAProxy's effective weight of server {@code i} ({@code eweight}). */
  public int effectiveWeight(int i) {
    return eweight[i];
  }

  /** HAProxy's numeric id of server {@code i} ({@code puid}). */
  public int id(int i) {
    return puid[i];
  }

  /** Whether server {@code i} may take load-balanced traffic (usable and in the group in use). */
  public boolean usable(int i) {
    return usable[i];
  }

  /** HAProxy's {@code tot_weight}: the total effective weight of the group in use; 0 = nothing usable. */
  public int totalWeight() {
    return totalWeight;
  }

  /** HAProxy's {@code tot_used}: the number of servers in the group in use. */
  public int totalUsed() {
    return totalUsed;
  }

  /** Whether the backup servers are in use (no active server is usable). */
  public boolean usingBackups() {
    return activeUsable == 0 && totalUsed > 0;
  }

  /** The map-based table, or {@code null} for other algorithms. */
  public MapTable mapTable() {
    return map;
  }

  /** The consistent ring of the group in use, or {@code null} for other algorithms. */
  public ConsistentRing ring() {
    return ring;
  }

  /** A number that grows with every snapshot the backend publishes. */
  public long version() {
    return version;
  }
}
