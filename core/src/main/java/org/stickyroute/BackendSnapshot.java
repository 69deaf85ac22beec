package org.stickyroute;

import java.util.List;
import org.stickyroute.balance.ConsistentRing;
import org.stickyroute.balance.MapTable;
import org.stickyroute.balance.RoundRobin;
import org.stickyroute.balance.ServerFilter;
import org.stickyroute.config.Balance;
import org.stickyroute.config.BackendConfig;
import org.stickyroute.config.ServerConfig;
import org.stickyroute.key.UriKey;

/**
 * An immutable view of one backend at one moment: its servers' states, HAProxy's derived quantities
 * (effective weights, the group in use, {@code tot_weight}) and the lookup tables built from them. A {@link
 * Backend} publishes a new snapshot on every change; requests only read the current one, so a request never
 * waits for a rebuild and never sees half of one.
 *
 * <p>Servers are identified by their <em>index</em>: their position in {@link BackendConfig#servers()}.
 * Selection methods return an index, or {@link #NO_SERVER} when nothing is usable (HAProxy answers 503).
 * They are allocation-free and never throw on any input.
 */
public final class BackendSnapshot implements ServerFilter, LoadView {
  /** Returned when no server is usable. */
  public static final int NO_SERVER = -1;

  private final BackendConfig config;
  private final ServerConfig[] servers;
  private final ServerStatus[] status;
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

  BackendSnapshot(
      BackendConfig config,
      ServerStatus[] status,
      ServerCounters[] counters,
      Backend.Totals totals,
      int[] startupCumulative,
      long version) {
    this.config = config;
    this.servers = config.servers().toArray(new ServerConfig[0]);
    this.status = status.clone();
    this.counters = counters;
    this.totals = totals;
    this.puid = config.resolvedIds();
    this.version = version;
    this.kind = config.balance().kind();
    this.uriKey = config.balance().uriKey();
    this.consistent = config.hashType().isConsistent();
    this.hashFunction = config.hashType().function();
    this.avalanche = config.hashType().avalanche();
    this.balanceFactor = config.hashBalanceFactor();
    int n = servers.length;
    boolean mapFamily = isMapFamily(config);
    this.eweight = effectiveWeights(config, this.status, mapFamily);
    this.usable = new boolean[n];
    int act = 0;
    int actWeight = 0;
    int bck = 0;
    int bckWeight = 0;
    int fbck = -1;
    for (int i = 0; i < n; i++) {
      ServerStatus s = this.status[i];
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
    } else {
      // Round-robin family (leastconn and random use it until their own tables are built).
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
   * HAProxy's {@code eweight}: for the map-based family the user weight divided by the GCD of all non-zero
   * configured weights (runtime weights only switch a server between 0 % and 100 %); for the dynamic
   * algorithms the runtime user weight times 16, scaled by the slow-start ramp.
   */
  static int[] effectiveWeights(BackendConfig config, ServerStatus[] status, boolean mapFamily) {
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
        int full = status[i].weight() * BackendConfig.HAPROXY_POINTS_PER_WEIGHT;
        int ramp = status[i].rampPercent();
        ew[i] = ramp >= 100 ? full : (full * ramp + 99) / 100;
      }
    }
    return ew;
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
   * {@link #NO_SERVER}. Reads the in-flight counts of the backend's own counters.
   */
  public int select(CharSequence target) {
    return select(target, 0, target.length(), NO_SERVER, this);
  }

  /**
   * Picks a server for a request whose request-target is {@code target[from, to)}.
   *
   * @param target the raw request-target, as received
   * @param from start index (inclusive)
   * @param to end index (exclusive)
   * @param avoid a server index to avoid if possible (the server a failed attempt used), or {@link
   *     #NO_SERVER}; map-based hashing ignores it, as HAProxy does
   * @param load in-flight counts for {@code hash-balance-factor} (for example {@code this})
   * @return the server index, or {@link #NO_SERVER}
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
      default:
        return roundRobin.next(avoid, null, load);
    }
  }

  /**
   * Picks a server for this request (as {@link #select(CharSequence, int, int, int, LoadView)} with this
   * snapshot's live counts) and takes a lease on it. Returns the server index, or {@link #NO_SERVER} with
   * the lease left idle.
   */
  public int acquire(CharSequence target, int from, int to, int avoid, Lease lease) {
    int s = select(target, from, to, avoid, this);
    if (s >= 0) {
      acquireServer(s, lease);
    }
    return s;
  }

  /**
   * Takes a lease on a given server (for example one a persistence cookie designated). The lease must be
   * idle; throws {@link IllegalStateException} otherwise, leaving every counter as it was.
   */
  public void acquireServer(int server, Lease lease) {
    ServerCounters c = counters[server];
    c.take();
    totals.served.incrementAndGet();
    lease.hold(server, c, totals);
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
    return counters[s].served.get();
  }

  /** In-flight requests on the whole backend, from the backend's live counters. */
  @Override
  public int totalServed() {
    return totals.served.get();
  }

  // ---------------------------------------------------------------- introspection

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

  /** The live status of server {@code i} in this snapshot. */
  public ServerStatus status(int i) {
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
