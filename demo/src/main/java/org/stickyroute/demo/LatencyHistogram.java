package org.stickyroute.demo;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/** Latencies: 10 µs buckets to 100 ms, then 1 ms buckets to 120 s. */
final class LatencyHistogram {
  private static final int FINE = 10_000;
  private final AtomicLongArray counts = new AtomicLongArray(FINE + 120_000);
  private final AtomicLong max = new AtomicLong();

  void record(long nanos) {
    long micros = Math.max(0, nanos / 1000);
    int i = micros < 100_000 ? (int) (micros / 10) : (int) Math.min(FINE + micros / 1000 - 100, counts.length() - 1);
    counts.incrementAndGet(i);
    max.accumulateAndGet(nanos, Math::max);
  }

  /** The upper edge of the bucket holding the {@code q} quantile, in milliseconds. */
  double percentile(double q) {
    long total = 0;
    for (int i = 0; i < counts.length(); i++) {
      total += counts.get(i);
    }
    long rank = (long) Math.ceil(q * total);
    long seen = 0;
    for (int i = 0; i < counts.length(); i++) {
      seen += counts.get(i);
      if (seen >= rank && seen > 0) {
        return i < FINE ? (i + 1) / 100.0 : (i - FINE + 101);
      }
    }
    return 0;
  }

  double max() {
    return max.get() / 1e6;
  }
}
