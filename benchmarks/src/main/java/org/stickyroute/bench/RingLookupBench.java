package org.stickyroute.bench;

import java.util.Arrays;
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
import org.openjdk.jmh.annotations.Warmup;
import org.stickyroute.balance.ConsistentRing;
import org.stickyroute.hash.internal.Avalanche;
import org.stickyroute.hash.HashFunction;

/**
 * Ring lookup alone, at equal points: 160 per server in every ring, key hashes computed in advance (each
 * ring in its own hash domain), so only the walk from a hash to a server is timed.
 *
 * <ul>
 *   <li>{@code stickyroute}: {@link ConsistentRing#lookup} with {@code pointsPerWeight(160)} at weight 1
 *       (sorted {@code int[]} + top-bits index, nearest point);
 *   <li>{@code ketamaTreeMap}: Dubbo's ring, {@code TreeMap<Long, Integer>.ceilingEntry(Long.valueOf(h))}
 *       with the wrap to {@code firstEntry()} (allgood-consistent-hash's ring is the same {@code TreeMap}
 *       walk; its API offers no lookup without hashing);
 *   <li>{@code ketamaTreeMapPreboxed}: the same with the {@code Long} boxed in advance (the peer's best
 *       case);
 *   <li>{@code sortedArray}: a reference, not a library: the sorted {@code long[]} + {@code
 *       Arrays.binarySearch} that Envoy- and gRPC-style rings use, over the ketama points.
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class RingLookupBench {
  /** Number of servers. */
  @Param({"3", "100", "1000"})
  public int servers;

  /** Points per server in every ring measured here. */
  static final int POINTS = 160;

  private ConsistentRing ring;
  private int[] ringHashes;
  private KetamaRing ketama;
  private long[] ketamaPoints;
  private Long[] ketamaBoxed;
  private long[] sortedPoints;
  private int[] sortedOwners;
  private int next;

  @Setup
  public void setup() {
    String[] keys = Targets.keys(Targets.BENCH_SEED, Targets.BENCH_COUNT);
    // The ring of BenchBackends.consistent(servers, 1, 0, POINTS): ids 1..n, POINTS points each.
    int[] members = new int[servers];
    int[] ids = new int[servers];
    int[] points = new int[servers];
    for (int i = 0; i < servers; i++) {
      members[i] = i;
      ids[i] = i + 1;
      points[i] = POINTS;
    }
    ring = ConsistentRing.build(members, ids, points, POINTS);
    if (ring.size() != servers * POINTS) {
      throw new IllegalStateException("ring has " + ring.size() + " points");
    }
    ketama = new KetamaRing(KetamaRing.addresses(servers), POINTS);
    sortedPoints = ketama.points();
    sortedOwners = ketama.owners();
    ringHashes = new int[keys.length];
    ketamaPoints = new long[keys.length];
    ketamaBoxed = new Long[keys.length];
    for (int i = 0; i < keys.length; i++) {
      ringHashes[i] = Avalanche.fullHash(HashFunction.SDBM.hash(keys[i]));
      ketamaPoints[i] = KetamaRing.keyPoint(keys[i]);
      ketamaBoxed[i] = ketamaPoints[i];
      if (sortedArray(i) != ketama.lookup(ketamaPoints[i])) {
        throw new IllegalStateException("array and tree disagree");
      }
    }
  }

  private int index() {
    return next = (next + 1) & (Targets.BENCH_COUNT - 1);
  }

  private int sortedArray(int i) {
    int p = Arrays.binarySearch(sortedPoints, ketamaPoints[i]);
    if (p < 0) {
      p = -p - 1;
      if (p == sortedPoints.length) {
        p = 0;
      }
    }
    return sortedOwners[p];
  }

  /** Our ring: nearest of the two neighbouring points, found through the top-bits index. */
  @Benchmark
  public int stickyroute() {
    return ring.lookup(ringHashes[index()], -1, null, null);
  }

  /** Dubbo's ring lookup, boxing as Dubbo does. */
  @Benchmark
  public int ketamaTreeMap() {
    return ketama.lookup(ketamaPoints[index()]);
  }

  /** Dubbo's ring lookup with the key already boxed. */
  @Benchmark
  public int ketamaTreeMapPreboxed() {
    return ketama.lookup(ketamaBoxed[index()]);
  }

  /** Reference: binary search over a sorted {@code long[]}. */
  @Benchmark
  public int sortedArray() {
    return sortedArray(index());
  }
}
