package org.stickyroute.bench;

import com.dynatrace.hash4j.consistent.ConsistentBucketHasher;
import com.dynatrace.hash4j.consistent.ConsistentHashing;
import com.dynatrace.hash4j.hashing.Hasher64;
import com.dynatrace.hash4j.random.PseudoRandomGeneratorProvider;
import com.google.common.hash.Hashing;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.dubbo.rpc.RpcInvocation;
import org.ishugaliy.allgood.consistent.hash.HashRing;
import org.ishugaliy.allgood.consistent.hash.hasher.DefaultHasher;
import org.ishugaliy.allgood.consistent.hash.node.SimpleNode;
import org.stickyroute.Backend;
import org.stickyroute.BackendSnapshot;
import org.stickyroute.Health;
import org.stickyroute.Lease;
import org.stickyroute.config.BackendConfig;
import org.stickyroute.hash.HashType;
import org.stickyroute.http.RequestView;

/**
 * Spread and stability of every algorithm measured here, over 1,000,000 seeded Overleaf-style keys ({@code
 * /project/<24 hex>}, see {@link Targets}) and 10 / 100 / 1,000 servers of weight 1. Not a JMH benchmark:
 * a plain program that prints a markdown report and writes it to {@code benchmarks/results/spread.md} (or
 * the path given as the first argument).
 *
 * <p>For each algorithm and server count it reports the busiest server's load over the mean, the
 * coefficient of variation of the per-server load, and the share of all keys that change server when the
 * middle server ({@code s<n/2>}, neither first nor last) is removed and when one server is added at the
 * end, split into the keys that had to move (the removed server's, or the new server's) and the collateral
 * ones (keys that moved between servers that were there before and after).
 *
 * <p>"Removed" means what each library offers: our backends mark the server DOWN (HAProxy's health check
 * or {@code disable server}: ids, and so ring points, of the others stay); a ring library removes the
 * node; for jump hashes, which map a key to a bucket number, the server is removed from the list the
 * buckets index, so every later server's index shifts (Guava's Javadoc warns about exactly this). One
 * more row shows HAProxy's consistent ring when the server is deleted from the configuration instead,
 * without explicit {@code id}s: later servers are renumbered and their points move.
 *
 * <p>Bounded load is stateful, so it is simulated: keys arrive in order and each stays in flight until
 * {@code 8 * n} later requests have started (a closed loop with {@code 8 * n} requests always in flight),
 * taking a real {@link Lease} on the live counters, with {@code hash-balance-factor 125}. Its spread is
 * over requests served; its "moved" share compares two runs of the same arrival sequence, before and
 * after the change; a second table gives the peak in-flight count against the cap and how many requests
 * left their ring home.
 *
 * <p>The ketama row uses {@link KetamaRing}; before using it, the report checks that it agrees with Apache
 * Dubbo's own {@code ConsistentHashLoadBalance} on the first 10,000 keys, before and after the removal.
 */
public final class SpreadReport {
  static final int KEYS = 1_000_000;
  static final long SEED = 2026;
  static final int[] SIZES = {10, 100, 1000};
  static final int IN_FLIGHT_PER_SERVER = 8;
  static final int BALANCE_FACTOR = 125;
  static final int RING_POINTS = 160;
  static final int DUBBO_CHECKED_KEYS = 10_000;

  private enum Change {
    BASE,
    REMOVE,
    ADD
  }

  /** Where each key goes, as server numbers: 0..n-1 the original servers, n the added one. */
  private interface Scheme {
    String name();

    int[] assign(int n, Change change);
  }

  private final String[] keys;
  private final long[] murmur;
  private final long[] komihash;
  private final long[] ketamaPoints;
  private final StringBuilder out = new StringBuilder();

  private SpreadReport(String[] keys) {
    this.keys = keys;
    this.murmur = new long[keys.length];
    this.komihash = new long[keys.length];
    this.ketamaPoints = new long[keys.length];
    Hasher64 komi = com.dynatrace.hash4j.hashing.Hashing.komihash5_0();
    com.google.common.hash.HashFunction m3 = Hashing.murmur3_128();
    for (int k = 0; k < keys.length; k++) {
      // consistentHash(HashCode, n) is consistentHash(hashCode.padToLong(), n).
      murmur[k] = m3.hashString(keys[k], StandardCharsets.UTF_8).padToLong();
      komihash[k] = komi.hashCharsToLong(keys[k]);
      ketamaPoints[k] = KetamaRing.keyPoint(keys[k]);
    }
  }

  /**
   * Runs the report.
   *
   * @param args optional output path (default {@code benchmarks/results/spread.md})
   * @throws IOException if the report cannot be written
   */
  public static void main(String[] args) throws IOException {
    long t0 = System.nanoTime();
    Path path = Paths.get(args.length > 0 ? args[0] : "benchmarks/results/spread.md");
    SpreadReport r = new SpreadReport(Targets.keys(SEED, KEYS));
    r.run();
    double secs = (System.nanoTime() - t0) / 1e9;
    r.out.append(String.format(Locale.ROOT, "%nGenerated by `org.stickyroute.bench.SpreadReport` in %.0f s "
        + "(JDK %s, %d cores).%n", secs, System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors()));
    if (path.getParent() != null) {
      Files.createDirectories(path.getParent());
    }
    Files.writeString(path, r.out.toString());
    System.out.print(r.out);
    System.out.println("written to " + path);
  }

  private void run() {
    line("# Spread and stability: %,d keys, weight 1 unless the row says otherwise", KEYS);
    line("");
    line("Keys: `/project/<24 hex>` (seed %d), the `balance uri depth 2` key of Overleaf-style targets. "
        + "max/mean = busiest server's keys over the mean; CV = coefficient of variation of keys per server. "
        + "\"moved\" = share of all keys whose server changed; in brackets, the collateral part: keys that moved "
        + "between servers present before and after (0 is ideal; the unavoidable part is ~1/n). Removal takes "
        + "out the middle server `s<n/2>`; addition appends `s<n>`.", SEED);
    line("");
    checkKetamaAgainstDubbo();
    line("");
    line("| algorithm | servers | max/mean | CV | remove middle: moved (collateral) | add one: moved (collateral) |");
    line("|---|---:|---:|---:|---:|---:|");
    List<Scheme> schemes = schemes();
    List<String> boundedRows = new ArrayList<>();
    for (Scheme s : schemes) {
      for (int n : SIZES) {
        long t = System.nanoTime();
        int[] base = s.assign(n, Change.BASE);
        int[] removed = s.assign(n, Change.REMOVE);
        int[] added = s.assign(n, Change.ADD);
        row(s.name(), n, base, removed, added);
        System.err.printf(Locale.ROOT, "%s n=%d: %.1f s%n", s.name(), n, (System.nanoTime() - t) / 1e9);
      }
    }
    for (int points : new int[] {BackendConfig.HAPROXY_POINTS_PER_WEIGHT, RING_POINTS}) {
      for (int n : SIZES) {
        boundedRows.add(boundedDetail(n, points));
      }
    }
    line("");
    line("## Bounded load: in-flight view");
    line("");
    line("Closed loop: each key is one request, held in flight until %d x n later requests have started; "
        + "`hash-balance-factor %d` over HAProxy's 16-point ring and over a 160-point one. cap = the per-server limit at that load "
        + "(`ceil((in_flight + 1) * 1.25 / n)`); spilled = requests not served by the key's ring home "
        + "(the server plain `consistent` picks).", IN_FLIGHT_PER_SERVER, BALANCE_FACTOR);
    line("");
    line("| ring | servers | in flight | cap per server | peak in flight on one server: bounded | same, plain consistent | spilled |");
    line("|---|---:|---:|---:|---:|---:|---:|");
    for (String r : boundedRows) {
      line("%s", r);
    }
  }

  // ---------------------------------------------------------------- schemes

  private List<Scheme> schemes() {
    List<Scheme> list = new ArrayList<>();
    list.add(backendScheme("HAProxy map-based (default)", n -> BenchBackends.mapBased(n)));
    list.add(backendScheme("HAProxy consistent, 16 points/weight (default)",
        n -> BenchBackends.consistent(n, 1, 0, BackendConfig.HAPROXY_POINTS_PER_WEIGHT)));
    list.add(backendScheme("HAProxy consistent, every server weight 10 (160 points, HAProxy-exact)",
        n -> BenchBackends.consistent(n, 10, 0, BackendConfig.HAPROXY_POINTS_PER_WEIGHT)));
    list.add(backendScheme("consistent, 160 points/weight (`pointsPerWeight(160)`, not HAProxy's ring)",
        n -> BenchBackends.consistent(n, 1, 0, RING_POINTS)));
    list.add(deletedFromConfig());
    list.add(boundedScheme());
    list.add(jumpScheme("Guava `consistentHash` (murmur3_128) over list index", (k, n) -> Hashing.consistentHash(murmur[k], n)));
    ConsistentBucketHasher jumpBack = ConsistentHashing.jumpBackHash(PseudoRandomGeneratorProvider.splitMix64_V1());
    list.add(jumpScheme("hash4j JumpBackHash (komihash) over list index", (k, n) -> jumpBack.getBucket(komihash[k], n)));
    list.add(ketamaScheme());
    list.add(allgoodScheme());
    return list;
  }

  private interface BackendFactory {
    Backend create(int n);
  }

  private interface Bucket {
    int of(int key, int n);
  }

  private Scheme backendScheme(String name, BackendFactory factory) {
    return new Scheme() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public int[] assign(int n, Change change) {
        Backend b = factory.create(change == Change.ADD ? n + 1 : n);
        if (change == Change.REMOVE) {
          b.setHealth("s" + n / 2, Health.DOWN);
        }
        return selectAll(b.snapshot(), null);
      }
    };
  }

  private Scheme deletedFromConfig() {
    return new Scheme() {
      @Override
      public String name() {
        return "HAProxy consistent, 16 points/weight, server deleted from the config (automatic ids)";
      }

      @Override
      public int[] assign(int n, Change change) {
        int mid = n / 2;
        if (change != Change.REMOVE) {
          return selectAll(BenchBackends.consistent(change == Change.ADD ? n + 1 : n, 1, 0,
              BackendConfig.HAPROXY_POINTS_PER_WEIGHT).snapshot(), null);
        }
        BackendConfig.Builder b = BenchBackends.builder(0, 1, HashType.consistent(), 0,
            BackendConfig.HAPROXY_POINTS_PER_WEIGHT);
        int[] original = new int[n - 1];
        for (int i = 0, j = 0; i < n; i++) {
          if (i != mid) {
            b.server(BenchBackends.server(i, 1));
            original[j++] = i;
          }
        }
        return selectAll(new Backend(b.build()).snapshot(), original);
      }
    };
  }

  private int[] selectAll(BackendSnapshot s, int[] original) {
    int[] a = new int[keys.length];
    for (int k = 0; k < keys.length; k++) {
      int i = s.select(keys[k]);
      a[k] = original == null ? i : original[i];
    }
    return a;
  }

  private Scheme boundedScheme() {
    return new Scheme() {
      @Override
      public String name() {
        return "bounded load 125 % (16 points/weight), " + IN_FLIGHT_PER_SERVER + " x n in flight, requests served";
      }

      @Override
      public int[] assign(int n, Change change) {
        Backend b = BenchBackends.consistent(change == Change.ADD ? n + 1 : n, 1, BALANCE_FACTOR,
            BackendConfig.HAPROXY_POINTS_PER_WEIGHT);
        if (change == Change.REMOVE) {
          b.setHealth("s" + n / 2, Health.DOWN);
        }
        return simulateBounded(b.snapshot(), IN_FLIGHT_PER_SERVER * n, new int[n + 1]);
      }
    };
  }

  /** Runs the closed loop; returns each key's server and fills the peak in-flight count per server. */
  private int[] simulateBounded(BackendSnapshot s, int window, int[] peak) {
    Lease[] inFlight = new Lease[window];
    for (int i = 0; i < window; i++) {
      inFlight[i] = new Lease();
    }
    int[] a = new int[keys.length];
    for (int k = 0; k < keys.length; k++) {
      Lease lease = inFlight[k % window];
      lease.close();
      int srv = s.acquire(RequestView.of("GET", keys[k]), BackendSnapshot.NO_SERVER, lease);
      a[k] = srv;
      peak[srv] = Math.max(peak[srv], s.counters(srv).served());
    }
    for (Lease l : inFlight) {
      l.close();
    }
    return a;
  }

  private String boundedDetail(int n, int points) {
    int window = IN_FLIGHT_PER_SERVER * n;
    int[] peakBounded = new int[n];
    int[] bounded = simulateBounded(BenchBackends.consistent(n, 1, BALANCE_FACTOR, points).snapshot(), window,
        peakBounded);
    int[] peakPlain = new int[n];
    int[] home = simulateBounded(BenchBackends.consistent(n, 1, 0, points).snapshot(), window, peakPlain);
    long spilled = 0;
    for (int k = 0; k < keys.length; k++) {
      if (bounded[k] != home[k]) {
        spilled++;
      }
    }
    long cap = ((long) window * BALANCE_FACTOR + 99) / 100 / n; // at `window - 1` in flight, plus this one
    return String.format(Locale.ROOT, "| %d points/weight | %,d | %,d | %d | %d | %d | %s |", points, n, window,
        cap, max(peakBounded),
        max(peakPlain), pct((double) spilled / keys.length));
  }

  private Scheme jumpScheme(String name, Bucket bucket) {
    return new Scheme() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public int[] assign(int n, Change change) {
        int size = change == Change.ADD ? n + 1 : change == Change.REMOVE ? n - 1 : n;
        int mid = n / 2;
        int[] a = new int[keys.length];
        for (int k = 0; k < keys.length; k++) {
          int b = bucket.of(k, size);
          // The list without s<mid>: entries from mid on are the next servers.
          a[k] = change == Change.REMOVE && b >= mid ? b + 1 : b;
        }
        return a;
      }
    };
  }

  private Scheme ketamaScheme() {
    return new Scheme() {
      @Override
      public String name() {
        return "ketama, 160 points (Dubbo `consistenthash` ring, MD5)";
      }

      @Override
      public int[] assign(int n, Change change) {
        int[] original = original(n, change);
        KetamaRing ring = new KetamaRing(addresses(original), RING_POINTS);
        int[] a = new int[keys.length];
        for (int k = 0; k < keys.length; k++) {
          a[k] = original[ring.lookup(ketamaPoints[k])];
        }
        return a;
      }
    };
  }

  private Scheme allgoodScheme() {
    return new Scheme() {
      @Override
      public String name() {
        return "allgood-consistent-hash, 160 partitions (murmur3)";
      }

      @Override
      public int[] assign(int n, Change change) {
        List<SimpleNode> nodes = new ArrayList<>();
        for (int i : original(n, change)) {
          nodes.add(SimpleNode.of("s" + i));
        }
        HashRing<SimpleNode> ring = HashRing.<SimpleNode>newBuilder().name("spread")
            .hasher(DefaultHasher.MURMUR_3).partitionRate(RING_POINTS).nodes(nodes).build();
        int[] a = new int[keys.length];
        for (int k = 0; k < keys.length; k++) {
          a[k] = Integer.parseInt(ring.locate(keys[k]).orElseThrow().getKey().substring(1));
        }
        return a;
      }
    };
  }

  /** The original server numbers present after a change, in list order. */
  private static int[] original(int n, Change change) {
    int size = change == Change.ADD ? n + 1 : change == Change.REMOVE ? n - 1 : n;
    int[] o = new int[size];
    for (int i = 0, j = 0; j < size; i++) {
      if (change != Change.REMOVE || i != n / 2) {
        o[j++] = i;
      }
    }
    return o;
  }

  private static String[] addresses(int[] servers) {
    String[] all = KetamaRing.addresses(servers.length == 0 ? 0 : max(servers) + 1);
    String[] a = new String[servers.length];
    for (int i = 0; i < servers.length; i++) {
      a[i] = all[servers[i]];
    }
    return a;
  }

  private void checkKetamaAgainstDubbo() {
    StringBuilder sb = new StringBuilder("Ketama rows use a re-implementation of Dubbo's ring; it picked the same "
        + "server as Apache Dubbo 3.3.6's own `ConsistentHashLoadBalance` for ");
    for (int n : SIZES) {
      int agree = 0;
      int total = 0;
      for (Change c : new Change[] {Change.BASE, Change.REMOVE}) {
        int[] original = original(n, c);
        String[] addr = addresses(original);
        DubboConsistentHash dubbo = new DubboConsistentHash(addr);
        KetamaRing ring = new KetamaRing(addr, RING_POINTS);
        for (int k = 0; k < DUBBO_CHECKED_KEYS; k++) {
          RpcInvocation inv = DubboConsistentHash.invocation(keys[k]);
          if (dubbo.select(inv) == ring.lookup(ketamaPoints[k])) {
            agree++;
          }
          total++;
        }
      }
      sb.append(String.format(Locale.ROOT, "%,d/%,d keys at %,d servers (before and after the removal); ",
          agree, total, n));
      if (agree != total) {
        throw new IllegalStateException("ketama re-implementation disagrees with Dubbo: " + sb);
      }
    }
    sb.setLength(sb.length() - 2);
    line("%s.", sb);
  }

  // ---------------------------------------------------------------- metrics

  private void row(String name, int n, int[] base, int[] removed, int[] added) {
    int[] count = new int[n + 1];
    for (int s : base) {
      count[s]++;
    }
    double mean = (double) keys.length / n;
    double var = 0;
    int max = 0;
    for (int i = 0; i < n; i++) {
      var += (count[i] - mean) * (count[i] - mean);
      max = Math.max(max, count[i]);
    }
    double cv = Math.sqrt(var / n) / mean;
    int mid = n / 2;
    long remMoved = 0;
    long remCollateral = 0;
    long addMoved = 0;
    long addCollateral = 0;
    for (int k = 0; k < keys.length; k++) {
      if (removed[k] != base[k]) {
        remMoved++;
        if (base[k] != mid) {
          remCollateral++;
        }
      }
      if (added[k] != base[k]) {
        addMoved++;
        if (added[k] != n) {
          addCollateral++;
        }
      }
    }
    double total = keys.length;
    line("| %s | %,d | %.3f | %s | %s (%s) | %s (%s) |", name, n, max / mean, pct(cv), pct(remMoved / total),
        pct(remCollateral / total), pct(addMoved / total), pct(addCollateral / total));
  }

  private static int max(int[] a) {
    int m = Integer.MIN_VALUE;
    for (int v : a) {
      m = Math.max(m, v);
    }
    return m;
  }

  private static String pct(double share) {
    return String.format(Locale.ROOT, share >= 0.0995 ? "%.1f %%" : "%.2f %%", share * 100);
  }

  private void line(String format, Object... args) {
    out.append(String.format(Locale.ROOT, format, args)).append('\n');
  }
}
