package org.stickyroute.counters;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A fixed set of {@code long} counters, each spread over a few stripes so that threads adding to the same
 * counter rarely touch the same cache line: a thread adds to its own stripe (chosen from its identity hash), a
 * reader sums the stripes. One {@link AtomicLongArray} holds every stripe of every counter, allocated once;
 * stripes start 64 bytes or more apart. Allocation-free and lock-free after construction (unlike {@link
 * java.util.concurrent.atomic.LongAdder}, which allocates its cells lazily on the first contention, on the
 * request path).
 *
 * <p>A sum read while threads add is a sum of values read one after the other, as HAProxy's per-thread
 * counters are: each stripe is exact, the total may miss an add racing with the read.
 */
public final class StripedCounters {
  /**
   * Stripes per counter set: four per processor, rounded up to a power of two, at most 64. A thread's stripe
   * comes from its identity hash, not from the processor it runs on, so two threads running at once share a
   * stripe with probability 1/STRIPES: one stripe per processor made that 1/2 on two processors (a cache line
   * bouncing between them on every other update), four make it 1/8. Memory: 256 bytes per stripe of a
   * frontend's, backend's or server's totals, 128 for its session rate.
   */
  static final int STRIPES = stripes(4 * Runtime.getRuntime().availableProcessors());

  private static final int LINE_LONGS = 8; // 64-byte cache line

  private final AtomicLongArray cells;
  private final int stride;
  private final int mask;
  private final int counters;

  /** {@code counters} counters, all 0, over {@link #STRIPES} stripes. */
  public StripedCounters(int counters) {
    this(counters, STRIPES);
  }

  /** {@code counters} counters over {@code stripes} stripes (a power of two). */
  public StripedCounters(int counters, int stripes) {
    if (counters <= 0 || stripes <= 0 || Integer.bitCount(stripes) != 1) {
      throw new IllegalArgumentException("counters > 0 and a power-of-two stripe count, got " + counters + ", "
          + stripes);
    }
    this.counters = counters;
    // round up to whole lines, plus one line of padding between stripes (the array's header is not aligned)
    this.stride = (counters + LINE_LONGS - 1) / LINE_LONGS * LINE_LONGS + LINE_LONGS;
    this.mask = stripes - 1;
    this.cells = new AtomicLongArray(stride * stripes);
  }

  static int stripes(int processors) {
    int p = Math.max(1, Math.min(64, processors));
    return Integer.highestOneBit(p - 1 == 0 ? 1 : (p - 1)) << (p == 1 ? 0 : 1);
  }

  private int base() {
    int h = System.identityHashCode(Thread.currentThread());
    h ^= h >>> 16;
    return (h & mask) * stride;
  }

  /** Adds 1 to counter {@code c}. */
  public void increment(int c) {
    cells.getAndIncrement(base() + c);
  }

  /** Adds {@code delta} to counter {@code c}. */
  public void add(int c, long delta) {
    cells.getAndAdd(base() + c, delta);
  }

  /** Adds {@code delta} to counter {@code c} and returns the value of this thread's stripe afterwards. */
  public long addAndGetStripe(int c, long delta) {
    return cells.addAndGet(base() + c, delta);
  }

  /** The sum of counter {@code c} over every stripe. */
  public long sum(int c) {
    long s = 0;
    for (int i = c; i < cells.length(); i += stride) {
      s += cells.get(i);
    }
    return s;
  }

  /** Reads counter {@code c} into 0 on every stripe and returns what the stripes held. */
  public long sumThenReset(int c) {
    long s = 0;
    for (int i = c; i < cells.length(); i += stride) {
      s += cells.getAndSet(i, 0);
    }
    return s;
  }

  /** The number of counters. */
  public int size() {
    return counters;
  }
}
