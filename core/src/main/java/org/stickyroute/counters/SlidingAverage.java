package org.stickyroute.counters;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * HAProxy 2.6's sliding-window average ({@code swrate_add_dynamic}, {@code swrate_avg} in {@code
 * include/haproxy/freq_ctr.h}), as its stats keep {@code qtime}, {@code ctime}, {@code rtime} and {@code
 * ttime}: one unsigned 32-bit sum, updated per sample {@code v} over a window of {@code n} samples as
 *
 * <pre>
 *   sum = sum - (n == 0 ? 0 : (sum + n - 1) / n) + v        (unsigned 32-bit arithmetic)
 *   avg = (sum + n - 1) / n
 * </pre>
 *
 * HAProxy passes {@code n = 0} (a plain sum) until more than {@code TIME_STATS_SAMPLES} requests were counted,
 * then {@code n = TIME_STATS_SAMPLES}; it reads the average over {@code min(requests, TIME_STATS_SAMPLES)}.
 * Lock-free (a compare-and-set loop, as HAProxy's), allocation-free.
 */
public final class SlidingAverage {
  private static final long U32 = 0xFFFF_FFFFL;

  private final AtomicInteger sum = new AtomicInteger();

  /** An empty average. */
  public SlidingAverage() {}

  /** Adds sample {@code v} (≥ 0) over a window of {@code n} samples (0 = no decay yet). */
  public void add(int n, int v) {
    int old;
    int next;
    do {
      old = sum.get();
      next = next(old, n, v);
    } while (!sum.compareAndSet(old, next));
  }

  /** HAProxy's {@code swrate_add_dynamic} step on a 32-bit unsigned sum. */
  public static int next(int sum, int n, int v) {
    long s = sum & U32;
    long decay = n == 0 ? 0 : ((s + n - 1) & U32) / n;
    return (int) ((s - decay + (v & U32)) & U32);
  }

  /** HAProxy's {@code swrate_avg}: the average of the sum over {@code n} samples ({@code n > 0}). */
  public static int average(int sum, int n) {
    return (int) Math.min(Integer.MAX_VALUE, (((sum & U32) + n - 1) & U32) / n);
  }

  /** The raw sum. */
  public int sum() {
    return sum.get();
  }
}
