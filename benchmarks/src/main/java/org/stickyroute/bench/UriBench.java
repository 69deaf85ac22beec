package org.stickyroute.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.stickyroute.Backend;
import org.stickyroute.BackendSnapshot;
import org.stickyroute.Lease;
import org.stickyroute.config.BackendConfig;
import org.stickyroute.hash.HashFunction;
import org.stickyroute.http.RequestView;

/**
 * {@code balance uri depth 2} on an Overleaf-style 59-byte request-target ({@link Targets}): key extraction
 * + sdbm (+ avalanche) + table lookup, as one {@link BackendSnapshot#select(RequestView)} call on a request
 * view over the raw target (what {@code Router.route} does), beside bare sdbm over the already extracted
 * 33-byte key (the floor: no scan, no lookup).
 *
 * <p>Each call takes the next of {@link Targets#BENCH_COUNT} distinct targets, so caches and branch
 * predictors see varied keys and large rings are read at scattered places. Bounded load is measured twice:
 * with idle counters (the eligibility test always passes at once) and "busy", with {@code 8 * servers}
 * requests held in flight (placed by the bounded-load rule itself), so some servers sit at their cap and
 * lookups walk past them.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class UriBench {
  /** Number of servers in the backend, all of weight 1 unless the benchmark name says otherwise. */
  @Param({"3", "100", "1000"})
  public int servers;

  /** In-flight requests per server held during {@link #boundedLoadBusy}. */
  static final int BUSY_PER_SERVER = 8;

  /** The {@code hash-balance-factor} measured (a server may hold 125 % of the average). */
  static final int BALANCE_FACTOR = 125;

  private String[] targets;
  private RequestView[] requests;
  private String[] keys;
  private int next;
  private BackendSnapshot map;
  private BackendSnapshot consistentW1;
  private BackendSnapshot consistentW10;
  private BackendSnapshot consistentW100;
  private BackendSnapshot boundedIdle;
  private BackendSnapshot boundedBusy;
  private Lease[] held;

  @Setup
  public void setup() {
    targets = Targets.targets(Targets.BENCH_SEED, Targets.BENCH_COUNT);
    keys = Targets.keys(Targets.BENCH_SEED, Targets.BENCH_COUNT);
    requests = new RequestView[targets.length];
    for (int i = 0; i < targets.length; i++) {
      requests[i] = RequestView.of("GET", targets[i]);
    }
    int ppw = BackendConfig.HAPROXY_POINTS_PER_WEIGHT;
    map = BenchBackends.mapBased(servers).snapshot();
    consistentW1 = BenchBackends.consistent(servers, 1, 0, ppw).snapshot();
    consistentW10 = BenchBackends.consistent(servers, 10, 0, ppw).snapshot();
    consistentW100 = BenchBackends.consistent(servers, 100, 0, ppw).snapshot();
    boundedIdle = BenchBackends.consistent(servers, 1, BALANCE_FACTOR, ppw).snapshot();
    Backend busy = BenchBackends.consistent(servers, 1, BALANCE_FACTOR, ppw);
    boundedBusy = busy.snapshot();
    // Other users' requests, in flight for the whole trial: their own keys, placed by the same rule.
    String[] others = Targets.targets(Targets.BENCH_SEED + 1, BUSY_PER_SERVER * servers);
    held = new Lease[others.length];
    for (int i = 0; i < others.length; i++) {
      held[i] = new Lease();
      boundedBusy.acquire(RequestView.of("GET", others[i]), BackendSnapshot.NO_SERVER, held[i]);
    }
    if (boundedBusy.totalServed() != others.length) {
      throw new IllegalStateException("busy backend holds " + boundedBusy.totalServed());
    }
    // Every selector must agree with the plain path on the same input (guards against a mis-wired bench).
    if (map.select(requests[0]) < 0 || consistentW1.select(requests[0]) != boundedIdle.select(requests[0])
        || map.select(requests[0]) != map.select(targets[0])) {
      throw new IllegalStateException("selectors disagree");
    }
  }

  @TearDown
  public void tearDown() {
    for (Lease l : held) {
      l.close();
    }
  }

  private int index() {
    return next = (next + 1) & (Targets.BENCH_COUNT - 1);
  }

  /** The floor: sdbm over the already extracted key, no scanning, no lookup. */
  @Benchmark
  public int sdbmOfKey() {
    return HashFunction.SDBM.hash(keys[index()]);
  }

  /** {@code hash-type map-based}: key extraction + sdbm + {@code map[h mod total_weight]}. */
  @Benchmark
  public int mapBased() {
    return map.select(requests[index()]);
  }

  /** {@code hash-type consistent}, weight 1 (16 points per server): key + sdbm + avalanche + nearest point. */
  @Benchmark
  public int consistentW1() {
    return consistentW1.select(requests[index()]);
  }

  /** {@code hash-type consistent}, weight 10 (160 points per server). */
  @Benchmark
  public int consistentW10() {
    return consistentW10.select(requests[index()]);
  }

  /** {@code hash-type consistent}, weight 100 (1,600 points per server). */
  @Benchmark
  public int consistentW100() {
    return consistentW100.select(requests[index()]);
  }

  /** Consistent, weight 1, {@code hash-balance-factor 125}, nothing in flight. */
  @Benchmark
  public int boundedLoadIdle() {
    return boundedIdle.select(requests[index()]);
  }

  /** Consistent, weight 1, {@code hash-balance-factor 125}, {@code 8 * servers} requests in flight. */
  @Benchmark
  public int boundedLoadBusy() {
    return boundedBusy.select(requests[index()]);
  }
}
