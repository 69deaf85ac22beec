package org.stickyroute.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.stickyroute.Backend;
import org.stickyroute.BackendSnapshot;
import org.stickyroute.Lease;
import org.stickyroute.balance.LeastConnQueue;
import org.stickyroute.config.Balance;
import org.stickyroute.config.BackendConfig;
import org.stickyroute.config.ServerConfig;
import org.stickyroute.http.RequestView;

/**
 * One request's worth of least-connections work, select + take + release, at 10 / 100 / 1,000 servers and 1 /
 * 2 threads:
 *
 * <ul>
 *   <li>{@code leastconn*}: stickyroute's {@code balance leastconn} ({@link BackendSnapshot#acquire} then
 *       {@link Lease#close}), HAProxy's exact order, the choice and the take serialised by {@link
 *       LeastConnQueue};
 *   <li>{@code scan*}: the Ribbon {@code BestAvailableRule} pattern reduced to its best case, a linear scan
 *       for the minimum of one compact {@link AtomicIntegerArray} then {@code incrementAndGet}/{@code
 *       decrementAndGet} (no weights, no FIFO);
 *   <li>{@code ribbonScan*}: the same scan over Ribbon's own layout, a list of per-server stats objects each
 *       holding an {@code AtomicInteger} (Ribbon's {@code ServerStats.activeRequestsCount}), still without
 *       the per-server {@code LoadingCache} lookup Ribbon adds;
 *   <li>{@code queue*}: {@link LeastConnQueue} alone, HAProxy's order with the pick and the take serialised
 *       ({@code pickAndTake}, then {@code drop}), without the lease and the live counters around it;
 *   <li>{@code lease1}: the lease and counter protocol alone (take a lease on one server, close it), the
 *       fixed cost any picker wired into {@link BackendSnapshot#acquire} pays on top of its own;
 *   <li>{@code p2c*}: stickyroute's {@code balance random(2)} (power of two distinct choices);
 *   <li>{@code roundrobin*}: stickyroute's {@code balance roundrobin} (HAProxy's {@code lb_fwrr} trees under
 *       their small lock) over weights 1, 2, 3, 4, 1, 2, ..., select + take + release as the others.
 * </ul>
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar LeastConnBench -f 1 -wi 2 -i 3 -w 1s -r 1s -prof
 * gc}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class LeastConnBench {

  /** The backends and the scan array, shared by the benchmark threads. */
  @State(Scope.Benchmark)
  public static class Shared {
    @Param({"10", "100", "1000"})
    public int servers;

    Backend leastConn;
    Backend random;
    Backend roundRobin;
    AtomicIntegerArray active;
    java.util.List<ServerStat> stats;
    LeastConnQueue queue;

    @Setup(Level.Trial)
    public void setUp() {
      leastConn = new Backend(config(Balance.leastConn(), servers));
      random = new Backend(config(Balance.random(2), servers));
      BackendConfig.Builder rr = BackendConfig.builder("bench").balance(Balance.roundRobin());
      for (int i = 0; i < servers; i++) {
        rr.server(ServerConfig.builder("s" + i, "10.0.0." + (i % 250), 8000 + i).weight(1 + i % 4).build());
      }
      roundRobin = new Backend(rr.build());
      active = new AtomicIntegerArray(servers);
      queue = new LeastConnQueue(servers);
      int[] members = new int[servers];
      int[] eweight = new int[servers];
      for (int i = 0; i < servers; i++) {
        members[i] = i;
        eweight[i] = 16;
      }
      queue.update(members, eweight, new int[servers]);
      stats = new java.util.ArrayList<>();
      for (int i = 0; i < servers; i++) {
        stats.add(new ServerStat());
      }
    }

    @TearDown(Level.Trial)
    public void check() {
      if (leastConn.snapshot().totalServed() != 0 || random.snapshot().totalServed() != 0
          || roundRobin.snapshot().totalServed() != 0) {
        throw new IllegalStateException("leaked in-flight counts");
      }
      String bad = leastConn.snapshot().inconsistency();
      if (bad == null) {
        bad = queue.inconsistency();
      }
      if (bad == null) {
        bad = roundRobin.snapshot().inconsistency();
      }
      if (bad != null) {
        throw new IllegalStateException(bad);
      }
    }

    private static BackendConfig config(Balance balance, int n) {
      BackendConfig.Builder b = BackendConfig.builder("bench").balance(balance);
      for (int i = 0; i < n; i++) {
        b.server(ServerConfig.builder("s" + i, "10.0.0." + (i % 250), 8000 + i).build());
      }
      return b.build();
    }
  }

  /** A per-server stats object, as Ribbon keeps one per server (its counter is an {@code AtomicInteger}). */
  static final class ServerStat {
    final java.util.concurrent.atomic.AtomicInteger activeRequests = new java.util.concurrent.atomic.AtomicInteger();
    long totalRequests; // Ribbon's ServerStats carries many more fields; one keeps the object realistic in size
  }

  /** One reusable lease per benchmark thread. */
  @State(Scope.Thread)
  public static class PerThread {
    final Lease lease = new Lease();
  }

  private static final RequestView REQUEST = RequestView.of("GET", "/project/42");

  /** Select + take on {@code be}'s current snapshot, then release: one request's worth of work. */
  private static int acquireRelease(Backend be, PerThread t) {
    BackendSnapshot snap = be.snapshot();
    int server = snap.acquire(REQUEST, BackendSnapshot.NO_SERVER, t.lease);
    t.lease.close();
    return server;
  }

  @Benchmark
  @Threads(1)
  public int roundrobin1(Shared s, PerThread t) {
    return acquireRelease(s.roundRobin, t);
  }

  @Benchmark
  @Threads(2)
  public int roundrobin2(Shared s, PerThread t) {
    return acquireRelease(s.roundRobin, t);
  }

  private static int scan(Shared s) {
    AtomicIntegerArray a = s.active;
    int n = a.length();
    int best = 0;
    int min = Integer.MAX_VALUE;
    for (int i = 0; i < n; i++) {
      int v = a.get(i);
      if (v < min) {
        min = v;
        best = i;
      }
    }
    a.incrementAndGet(best);
    a.decrementAndGet(best);
    return best;
  }

  @Benchmark
  @Threads(1)
  public int leastconn1(Shared s, PerThread t) {
    return acquireRelease(s.leastConn, t);
  }

  @Benchmark
  @Threads(2)
  public int leastconn2(Shared s, PerThread t) {
    return acquireRelease(s.leastConn, t);
  }

  /** The lease and counter protocol alone: take a lease on server 0 and close it (no choice at all). */
  private static int lease(Shared s, PerThread t) {
    s.random.snapshot().acquireServer(0, t.lease);
    t.lease.close();
    return 0;
  }

  @Benchmark
  @Threads(1)
  public int lease1(Shared s, PerThread t) {
    return lease(s, t);
  }

  private static int queue(Shared s) {
    LeastConnQueue q = s.queue;
    int server = q.pickAndTake(-1);
    q.drop(server);
    return server;
  }

  @Benchmark
  @Threads(1)
  public int queue1(Shared s) {
    return queue(s);
  }

  @Benchmark
  @Threads(2)
  public int queue2(Shared s) {
    return queue(s);
  }

  @Benchmark
  @Threads(1)
  public int scan1(Shared s) {
    return scan(s);
  }

  @Benchmark
  @Threads(2)
  public int scan2(Shared s) {
    return scan(s);
  }

  private static int ribbonScan(Shared s) {
    java.util.List<ServerStat> list = s.stats;
    int n = list.size();
    ServerStat best = null;
    int bestIndex = 0;
    int min = Integer.MAX_VALUE;
    for (int i = 0; i < n; i++) {
      ServerStat st = list.get(i);
      int v = st.activeRequests.get();
      if (v < min) {
        min = v;
        best = st;
        bestIndex = i;
      }
    }
    best.activeRequests.incrementAndGet();
    best.activeRequests.decrementAndGet();
    return bestIndex;
  }

  @Benchmark
  @Threads(1)
  public int ribbonScan1(Shared s) {
    return ribbonScan(s);
  }

  @Benchmark
  @Threads(2)
  public int ribbonScan2(Shared s) {
    return ribbonScan(s);
  }

  @Benchmark
  @Threads(1)
  public int p2c1(Shared s, PerThread t) {
    return acquireRelease(s.random, t);
  }

  @Benchmark
  @Threads(2)
  public int p2c2(Shared s, PerThread t) {
    return acquireRelease(s.random, t);
  }
}
