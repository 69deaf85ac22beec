package org.stickyroute.counters;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * {@link SlidingAverage} and the time averages of {@link TrafficCounters} against HAProxy 2.6's {@code
 * swrate_add_dynamic} and {@code swrate_avg} with {@code TIME_STATS_SAMPLES} = 512, the window the 2.6 binary
 * uses (its management guide says 1024).
 */
class SlidingAverageTest {
  @Test
  void aPlainMeanUntil512RequestsThenHaproxysDecay() {
    TrafficCounters t = new TrafficCounters();
    // 3 requests: a plain sum over a window of req_tot = 3
    for (int v : new int[] {10, 20, 30}) {
      t.increment(TrafficCounters.REQ_TOT);
      t.times(v, v, v, v);
    }
    assertEquals(20, t.ttime()); // (60 + 3 - 1) / 3
    t = new TrafficCounters();
    for (int i = 0; i < 512; i++) {
      t.increment(TrafficCounters.REQ_TOT);
      t.times(0, 0, 0, 100);
    }
    assertEquals(100, t.ttime()); // (51200 + 511) / 512
    t.increment(TrafficCounters.REQ_TOT); // the 513th: req_tot > 512, so n = 512
    t.times(0, 0, 0, 612);
    // sum = 51200 - (51200 + 511) / 512 + 612 = 51712; avg = (51712 + 511) / 512 = 101
    assertEquals(101, t.ttime());
    assertEquals(612, t.ttimeMax());
    assertEquals(0, t.qtime());
  }

  @Test
  void theFormulasOnUnsigned32BitSums() {
    assertEquals(51712, SlidingAverage.next(51200, 512, 612));
    assertEquals(7, SlidingAverage.next(0, 0, 7));
    // unsigned: a sum above 2^31 stays positive in HAProxy's arithmetic
    int big = (int) 3_000_000_000L;
    assertEquals((int) (3_000_000_000L - (3_000_000_000L + 511) / 512 + 5), SlidingAverage.next(big, 512, 5));
    assertEquals((int) ((3_000_000_000L + 511) / 512), SlidingAverage.average(big, 512));
    assertEquals(0, SlidingAverage.average(0, 512));
  }

  @Test
  void noRequestReadsZero() {
    TrafficCounters t = new TrafficCounters();
    assertEquals(0, t.qtime());
    assertEquals(-1, t.lastSessionAge(5000));
  }
}
