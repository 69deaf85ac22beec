package org.stickyroute.bench;

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.stickyroute.config.SourceLocation;
import org.stickyroute.config.StickTableConfig;
import org.stickyroute.stick.StickShare;
import org.stickyroute.stick.StickTable;

/**
 * The local store path of a table shared through a {@code peers} section (issue 14, item 3): the store of a key
 * already present (reserve + write under the table's write lock, as {@code StickTableBench.storeExisting}) plus
 * the hand-off to the sharing thread ({@code StickShare.offer}: a compare-and-set on the entry, one on the
 * queue, an unpark when the sharing thread sleeps). {@code shared=false} is the same table without sharing.
 *
 * <p>A drain thread stands in for the Redis thread and empties the queue all along, so most stores really
 * enqueue. Its share clock is far in the future, so every entry it takes out counts as expired and it builds no
 * {@code SharedEntry}: JMH's {@code -prof gc} counts every thread's allocation, and this way {@code
 * gc.alloc.rate.norm} is the store path's alone. {@link #storeThenTake} has no drain thread: it takes each store
 * out itself, so that every store enqueues.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar StickShareBench -f 1 -wi 2 -i 3 -w 1s -r 1s -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgs = {"-Xmx2g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class StickShareBench {
  static final int ENTRIES = 100_000;
  static final long NOW = 1_790_000_000_000L;

  @Param({"true", "false"})
  boolean shared;

  StickTable table;
  StickShare share;
  long[] keys;
  int i;
  volatile boolean running;
  Thread drain;

  @Setup(Level.Trial)
  public void setup(BenchmarkParams params) {
    table = new StickTable(new StickTableConfig("t", StickTableConfig.KeyType.IP, 4, ENTRIES, 1_800_000, false,
        shared ? "mesh" : null, SourceLocation.BUILDER));
    SplittableRandom r = new SplittableRandom(14);
    keys = new long[1024];
    for (int k = 0; k < ENTRIES; k++) {
      long key = r.nextInt() & 0xFFFFFFFFL;
      if (table.reserve(NOW)) {
        table.commit(key, null, "s" + (k % 4 + 1), k % 4 + 1, NOW, NOW);
      }
      if (k % (ENTRIES / keys.length) == 0 && k / (ENTRIES / keys.length) < keys.length) {
        keys[k / (ENTRIES / keys.length)] = key;
      }
    }
    if (shared) {
      share = new StickShare("mesh", List.of(table), 16_384, () -> Long.MAX_VALUE / 4);
    }
    if (shared && params.getBenchmark().endsWith("storeExisting")) { // the drain thread: storeExisting only
      running = true;
      drain = new Thread(() -> {
        while (running) {
          try {
            share.poll(1, TimeUnit.MILLISECONDS);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "drain");
      drain.setDaemon(true);
      drain.start();
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws InterruptedException {
    if (drain != null) {
      running = false;
      drain.join();
    }
    if (share != null) {
      System.out.println("\nshared stores dropped (queue full): " + share.dropped());
    }
  }

  /**
   * A store, then the sharing side takes it out of the queue on the same thread: every store really enqueues
   * (none finds its key still waiting), and the figure covers both ends of the queue.
   */
  @Benchmark
  public Object storeThenTake() throws InterruptedException {
    storeExisting();
    return share == null ? null : share.poll(0, TimeUnit.NANOSECONDS);
  }

  @Benchmark
  public void storeExisting() {
    long key = keys[i++ & (keys.length - 1)];
    if (table.reserve(NOW + 1000)) {
      table.commit(key, null, "s1", 1, NOW + 1000, NOW + 1000);
    }
  }
}
