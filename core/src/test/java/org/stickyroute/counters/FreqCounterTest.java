package org.stickyroute.counters;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link FreqCounter} against HAProxy 2.6's {@code freq_ctr}: a hand-computed sequence, and random sequences
 * against a line-by-line transcription of {@code update_freq_ctr_period} and {@code freq_ctr_total} (one
 * thread, so the rotation lock never matters).
 */
class FreqCounterTest {
  /** HAProxy's freq_ctr, transcribed: curr_tick (even), curr_ctr, prev_ctr; period 1000 ms. */
  static final class Haproxy {
    long currTick;
    long curr;
    long prev;
    long max;

    void update(long now, int inc) {
      if (now - currTick < 1000) {
        curr += inc;
      } else {
        prev = curr;
        curr = inc;
        long t = currTick + 1000;
        if (now - t >= 1000) {
          prev = 0;
          t = now;
        }
        currTick = t & ~1L;
      }
      max = Math.max(max, curr); // HA_ATOMIC_UPDATE_MAX(sps_max, update_freq_ctr(...))
    }

    long read(long now) {
      long c = curr;
      long past = prev;
      long remain = currTick + 1000 - now;
      if (remain < 0) {
        remain += 1000;
        past = remain >= 0 ? c : 0;
        c = 0;
      }
      if (c == 0 && past <= 1) {
        return past;
      }
      return (past * remain + c * 1000) / 1000;
    }
  }

  @Test
  void handComputedRates() {
    FreqCounter f = new FreqCounter();
    assertEquals(0, f.rate(10_000));
    f.add(10_000, 1); // first event: two periods missed since tick 0, so the period starts at 10 000
    for (int i = 1; i <= 4; i++) {
      f.add(10_000 + 100 * i, 1);
    }
    assertEquals(5, f.rate(10_500)); // (0 * 500 + 5 * 1000) / 1000
    f.add(11_200, 1); // rotates: prev 5, curr 1, tick 11 000
    assertEquals(5, f.rate(11_200)); // (5 * 800 + 1 * 1000) / 1000
    assertEquals(1, f.rate(11_900)); // (5 * 100 + 1000) / 1000 = 1
    assertEquals(1, f.rate(12_300)); // a period later: past = 1, curr = 0, the low-rate rule returns past
    assertEquals(0, f.rate(13_100)); // two periods later: nothing
    assertEquals(5, f.max());
  }

  @Test
  void oddStartTimesKeepAnEvenTickAsHaproxyDoes() {
    FreqCounter f = new FreqCounter();
    Haproxy h = new Haproxy();
    f.add(20_001, 3);
    h.update(20_001, 3);
    f.add(20_999, 2);
    h.update(20_999, 2);
    // tick is 20 000 (20 001 & ~1): 20 999 is still in the period... and 21 000 is not
    assertEquals(h.read(20_999), f.rate(20_999));
    f.add(21_000, 1);
    h.update(21_000, 1);
    assertEquals(h.read(21_000), f.rate(21_000));
    assertEquals(h.read(21_500), f.rate(21_500));
  }

  @Test
  void randomSequencesMatchTheTranscription() {
    long seed = new SplittableRandom().nextLong();
    SplittableRandom r = new SplittableRandom(seed);
    for (int round = 0; round < 200; round++) {
      FreqCounter f = new FreqCounter();
      Haproxy h = new Haproxy();
      long now = 1_000_000 + r.nextInt(5000);
      for (int i = 0; i < 300; i++) {
        now += r.nextInt(10) == 0 ? r.nextInt(2500) : r.nextInt(40);
        if (r.nextInt(4) == 0) {
          long at = now + r.nextInt(1200);
          assertEquals(h.read(at), f.rate(at), "seed " + seed + " round " + round + " read at " + at);
        } else {
          int inc = 1 + r.nextInt(3);
          f.add(now, inc);
          h.update(now, inc);
        }
      }
      assertEquals(h.max, f.max(), "seed " + seed + " round " + round + " max");
    }
  }
}
