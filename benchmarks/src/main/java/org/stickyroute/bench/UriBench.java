package org.stickyroute.bench;

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
import org.stickyroute.Backend;
import org.stickyroute.BackendSnapshot;
import org.stickyroute.config.BackendConfig;
import org.stickyroute.config.Balance;
import org.stickyroute.config.ServerConfig;
import org.stickyroute.hash.HashFunction;
import org.stickyroute.hash.HashType;

/**
 * {@code balance uri depth 2} on an Overleaf-style 60-byte request-target: key extraction + hash + table
 * lookup, beside bare sdbm over the already extracted key (the floor). Targets rotate over 64 projects so
 * branch predictors and caches see varied input.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class UriBench {
  @Param({"100"})
  public int servers;

  @Param({"1"})
  public int weight;

  private String[] targets;
  private String[] keys;
  private int next;
  private BackendSnapshot map;
  private BackendSnapshot consistent;
  private BackendSnapshot bounded;

  @Setup
  public void setup() {
    targets = new String[64];
    keys = new String[64];
    java.util.SplittableRandom r = new java.util.SplittableRandom(7);
    for (int i = 0; i < targets.length; i++) {
      String id = String.format("%016x%08x", r.nextLong(), r.nextInt());
      targets[i] = "/project/" + id + "/compile?auto_compile=true";
      keys[i] = "/project/" + id;
    }
    map = backend(HashType.DEFAULT, 0);
    consistent = backend(HashType.consistent(), 0);
    bounded = backend(HashType.consistent(), 125);
  }

  private BackendSnapshot backend(HashType type, int factor) {
    BackendConfig.Builder b = BackendConfig.builder("b").balance(Balance.uri().depth(2)).hashType(type)
        .hashBalanceFactor(factor);
    for (int i = 0; i < servers; i++) {
      b.server(ServerConfig.builder("s" + i, "127.0.0.1", 10000 + i).weight(weight).build());
    }
    return new Backend(b.build()).snapshot();
  }

  private int index() {
    return next = (next + 1) & 63;
  }

  /** The floor: sdbm over the already extracted key, no scanning, no lookup. */
  @Benchmark
  public int sdbmOfKey() {
    return HashFunction.SDBM.hash(keys[index()]);
  }

  /** Key extraction + sdbm + {@code map[h mod total]}. */
  @Benchmark
  public int mapBased() {
    return map.select(targets[index()]);
  }

  /** Key extraction + sdbm + avalanche + nearest ring point. */
  @Benchmark
  public int consistent() {
    return consistent.select(targets[index()]);
  }

  /** Consistent with hash-balance-factor 125 over the live (idle) counters. */
  @Benchmark
  public int boundedLoad() {
    return bounded.select(targets[index()]);
  }
}
