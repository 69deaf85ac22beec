package org.stickyroute.bench;

import com.dynatrace.hash4j.consistent.ConsistentBucketHasher;
import com.dynatrace.hash4j.consistent.ConsistentHashing;
import com.dynatrace.hash4j.hashing.Hasher64;
import com.dynatrace.hash4j.random.PseudoRandomGeneratorProvider;
import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.dubbo.rpc.RpcInvocation;
import org.ishugaliy.allgood.consistent.hash.HashRing;
import org.ishugaliy.allgood.consistent.hash.hasher.DefaultHasher;
import org.ishugaliy.allgood.consistent.hash.node.SimpleNode;
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

/**
 * The peers on the same workload as {@link UriBench}: hash + select for the {@code uri depth 2} key of the
 * same {@link Targets}, the way each library is meant to be called.
 *
 * <p>Peers are handed the key already extracted (a {@code String}, the 33-byte {@code /project/<id>}), so
 * they skip the scan of the 59-byte target that {@link UriBench} pays for: a head start in their favour.
 * Each peer's state is its own {@code @State} class, so a fork only builds (and, for Dubbo, starts) what
 * its benchmark uses.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class PeerUriBench {
  /** Number of servers (buckets, nodes, invokers). */
  @Param({"3", "100", "1000"})
  public int servers;

  /** Ring points per server for the ring peers (Dubbo's default {@code hash.nodes}). */
  static final int RING_POINTS = 160;

  private String[] keys;
  private int next;

  @Setup
  public void setup() {
    keys = Targets.keys(Targets.BENCH_SEED, Targets.BENCH_COUNT);
  }

  private String key() {
    return keys[next = (next + 1) & (Targets.BENCH_COUNT - 1)];
  }

  /** Guava: murmur3_128 of the key's UTF-8 bytes (allocates the bytes and a HashCode), then jump hash. */
  @State(Scope.Thread)
  public static class GuavaState {
    final HashFunction murmur = Hashing.murmur3_128();
  }

  /** hash4j: komihash 5.0 of the key's chars, then JumpBackHash (its generator is per thread). */
  @State(Scope.Thread)
  public static class Hash4jState {
    final Hasher64 hasher = com.dynatrace.hash4j.hashing.Hashing.komihash5_0();
    final ConsistentBucketHasher jumpBack =
        ConsistentHashing.jumpBackHash(PseudoRandomGeneratorProvider.splitMix64_V1());
  }

  /** Apache Dubbo 3.3.6's own ConsistentHashLoadBalance over stub invokers. */
  @State(Scope.Thread)
  public static class DubboState {
    DubboConsistentHash dubbo;
    RpcInvocation[] invocations;

    @Setup
    public void setup(PeerUriBench bench) {
      dubbo = new DubboConsistentHash(KetamaRing.addresses(bench.servers));
      invocations = new RpcInvocation[Targets.BENCH_COUNT];
      for (int i = 0; i < invocations.length; i++) {
        invocations[i] = DubboConsistentHash.invocation(bench.keys[i]);
      }
    }
  }

  /** The same ketama ring without Dubbo's per-call plumbing ({@link KetamaRing}). */
  @State(Scope.Thread)
  public static class KetamaState {
    KetamaRing ring;

    @Setup
    public void setup(PeerUriBench bench) {
      ring = new KetamaRing(KetamaRing.addresses(bench.servers), RING_POINTS);
    }
  }

  /** allgood-consistent-hash: murmur3 ring, 160 partitions per node (its default is 1,000). */
  @State(Scope.Thread)
  public static class AllgoodState {
    HashRing<SimpleNode> ring;

    @Setup
    public void setup(PeerUriBench bench) {
      List<SimpleNode> nodes = new ArrayList<>();
      for (int i = 0; i < bench.servers; i++) {
        nodes.add(SimpleNode.of("s" + i));
      }
      ring = HashRing.<SimpleNode>newBuilder()
          .name("bench")
          .hasher(DefaultHasher.MURMUR_3)
          .partitionRate(RING_POINTS)
          .nodes(nodes)
          .build();
    }
  }

  /** Guava {@code Hashing.consistentHash(murmur3_128().hashString(key, UTF_8), n)}. */
  @Benchmark
  public int guavaJump(GuavaState g) {
    return Hashing.consistentHash(g.murmur.hashString(key(), StandardCharsets.UTF_8), servers);
  }

  /** hash4j {@code jumpBackHash.getBucket(komihash5_0.hashCharsToLong(key), n)}. */
  @Benchmark
  public int hash4jJumpBack(Hash4jState h) {
    return h.jumpBack.getBucket(h.hasher.hashCharsToLong(key()), servers);
  }

  /** Dubbo's {@code ConsistentHashLoadBalance.select} (160 virtual nodes, MD5 per call). */
  @Benchmark
  public Object dubboConsistentHash(DubboState d) {
    next = (next + 1) & (Targets.BENCH_COUNT - 1);
    return d.dubbo.selectInvoker(d.invocations[next]);
  }

  /** Dubbo's ring and MD5 alone: {@code TreeMap.ceilingEntry(MD5(key) word 0)}, 160 points per server. */
  @Benchmark
  public int ketamaMd5(KetamaState k) {
    return k.ring.select(key());
  }

  /** allgood {@code HashRing.locate(key)} (read lock, murmur3, TreeMap, a HashSet and an Optional). */
  @Benchmark
  public Object allgoodLocate(AllgoodState a) {
    return a.ring.locate(key());
  }
}
