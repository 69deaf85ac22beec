package org.stickyroute.counters;

import java.util.concurrent.atomic.AtomicLong;

/**
 * HAProxy 2.6's {@code freq_ctr} over a one-second period ({@code include/haproxy/freq_ctr.h}, {@code
 * src/freq_ctr.c}): events are counted in the current period; the first event after the period ends rotates it
 * (the current count becomes the previous one; when two or more periods went by without an event, the previous
 * count is 0 and the new period starts now). The rate read at time {@code now} is HAProxy's {@code
 * read_freq_ctr}:
 *
 * <pre>
 *   remain = tick + 1000 - now                       (ms of the current period still to come)
 *   if remain &lt; 0: remain += 1000; past = remain &gt;= 0 ? curr : 0; curr = 0
 *   if curr == 0 and past &lt;= 1: rate = past         (no flapping at very low rates)
 *   else rate = (past * remain + curr * 1000) / 1000  (integer division)
 * </pre>
 *
 * where {@code tick} is the current period's start (milliseconds, kept even as HAProxy keeps it, its low bit
 * being the rotation lock). The maximum ({@code rate_max}) is HAProxy's maximum of the current period's count.
 *
 * <p>The current count is striped ({@link StripedCounters}); the rotation is claimed by one thread with a
 * compare-and-set. Where HAProxy makes other updaters wait while a rotation is in progress, these add to the
 * current count at once: an event racing with a rotation may be counted in the period before. Exact when
 * updates do not race with a rotation (a single thread, as in the tests). Allocation-free, lock-free.
 */
public final class FreqCounter {
  /** The period, in milliseconds. */
  public static final long PERIOD = 1000;

  private final StripedCounters curr = new StripedCounters(1);
  private final AtomicLong tick = new AtomicLong();
  private volatile long prev;
  private volatile long maxSeen;

  /** A counter with no event. */
  public FreqCounter() {}

  /** Counts {@code inc} events at {@code nowMillis} (HAProxy's {@code update_freq_ctr}). */
  public void add(long nowMillis, int inc) {
    long t = tick.get();
    if (nowMillis - t < PERIOD) {
      curr.add(0, inc);
      return;
    }
    if ((t & 1) != 0 || !tick.compareAndSet(t, t | 1)) {
      curr.add(0, inc); // another thread rotates: count in whichever period this lands
      return;
    }
    long old = curr.sumThenReset(0);
    if (old > maxSeen) {
      maxSeen = old; // only the rotating thread writes it
    }
    prev = old;
    curr.add(0, inc);
    t += PERIOD;
    if (nowMillis - t >= PERIOD) { // at least two periods missed
      prev = 0;
      t = nowMillis;
    }
    tick.set(t & ~1L);
  }

  /** The rate at {@code nowMillis}, events per second (HAProxy's {@code read_freq_ctr}). */
  public int rate(long nowMillis) {
    long t = tick.get() & ~1L;
    long c = curr.sum(0);
    long past = prev;
    long remain = t + PERIOD - nowMillis;
    if (remain < 0) {
      remain += PERIOD;
      past = remain >= 0 ? c : 0;
      c = 0;
    }
    if (c == 0 && past <= 1) {
      return (int) past;
    }
    return (int) Math.min(Integer.MAX_VALUE, (past * remain + c * PERIOD) / PERIOD);
  }

  /** The most events counted in one period so far, the current one included (HAProxy's {@code sps_max}). */
  public int max() {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(maxSeen, curr.sum(0)));
  }
}
