package org.stickyroute.bench;

import java.nio.charset.StandardCharsets;
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
import org.stickyroute.hash.HashFunction;

/**
 * Each of HAProxy's four hash functions ({@code hash-type ... sdbm|djb2|wt6|crc32}) over the 33-byte keys of
 * {@link Targets}: the char path ({@link HashFunction#hash(CharSequence)}, what request keys hash), the
 * {@code byte[]} path ({@link HashFunction#hash(byte[], int, int)}, what the hash converters and {@code
 * balance hash} samples hash) and the {@code balance uri depth 2} key of the 59-byte target with the
 * function ({@code UriKey.hash}: scan and hash).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class HashBench {
  /** The hash function measured. */
  @Param({"SDBM", "DJB2", "WT6", "CRC32"})
  public HashFunction function;

  private String[] keys;
  private byte[][] keyBytes;
  private String[] targets;
  private int next;

  @Setup
  public void setup() {
    keys = Targets.keys(Targets.BENCH_SEED, Targets.BENCH_COUNT);
    targets = Targets.targets(Targets.BENCH_SEED, Targets.BENCH_COUNT);
    keyBytes = new byte[keys.length][];
    for (int i = 0; i < keys.length; i++) {
      keyBytes[i] = keys[i].getBytes(StandardCharsets.ISO_8859_1);
      if (function.hash(keyBytes[i], 0, keyBytes[i].length) != function.hash(keys[i])
          || Targets.DEPTH_2.hash(targets[i], 0, targets[i].length(), function, false) != function.hash(keys[i])) {
        throw new IllegalStateException("the paths hash different bytes");
      }
    }
  }

  private int index() {
    return next = (next + 1) & (Targets.BENCH_COUNT - 1);
  }

  /** The char path over a 33-byte key. */
  @Benchmark
  public int chars() {
    return function.hash(keys[index()]);
  }

  /** The {@code byte[]} path over the same key's bytes. */
  @Benchmark
  public int bytes() {
    byte[] b = keyBytes[index()];
    return function.hash(b, 0, b.length);
  }

  /** {@code balance uri depth 2}'s key of the 59-byte target: scan and hash, no avalanche. */
  @Benchmark
  public int uriKey() {
    String t = targets[index()];
    return Targets.DEPTH_2.hash(t, 0, t.length(), function, false);
  }
}
