package org.stickyroute.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.stickyroute.CheckResult;
import org.junit.jupiter.api.Test;

/** The rise/fall state machine (spec section 7). */
class HealthCounterTest {

  @Test
  void startsUpWithHealthRiseAndFirstFailureMarksDown() {
    HealthCounter c = HealthCounter.initial(2, 3);
    assertTrue(c.up());
    assertEquals(2, c.health());
    assertFalse(c.fullyUp(), "not yet at rise + fall - 1");
    assertFalse(c.next(false).up());
    assertEquals(0, c.next(false).health());
    assertEquals(4, c.next(true).health(), "one success: fully up");
  }

  @Test
  void fullyUpNeedsExactlyFallFailuresAndDownNeedsExactlyRiseSuccesses() {
    for (int rise = 1; rise <= 6; rise++) {
      for (int fall = 1; fall <= 6; fall++) {
        HealthCounter c = new HealthCounter(rise + fall - 1, rise, fall);
        for (int i = 1; i <= fall; i++) {
          c = c.next(false);
          assertEquals(i < fall, c.up(), "rise " + rise + " fall " + fall + " failure " + i);
        }
        assertEquals(0, c.health());
        for (int i = 1; i <= rise; i++) {
          c = c.next(true);
          assertEquals(i == rise, c.up(), "rise " + rise + " fall " + fall + " success " + i);
        }
        assertTrue(c.fullyUp());
      }
    }
  }

  /** HAProxy 2.6 set_server_check_status, transcribed. */
  private static int reference(int health, int rise, int fall, boolean passed) {
    if (!passed) {
      return health > rise ? health - 1 : 0;
    }
    if (health < rise + fall - 1) {
      health++;
      if (health >= rise) {
        health = rise + fall - 1;
      }
    }
    return health;
  }

  @Test
  void randomSequencesMatchHaproxy() {
    long seed = 0x5eed_2026L;
    SplittableRandom rnd = new SplittableRandom(seed);
    for (int run = 0; run < 500; run++) {
      int rise = 1 + rnd.nextInt(5);
      int fall = 1 + rnd.nextInt(5);
      HealthCounter c = HealthCounter.initial(rise, fall);
      int h = rise;
      for (int step = 0; step < 200; step++) {
        boolean ok = rnd.nextInt(3) != 0;
        c = c.next(ok);
        h = reference(h, rise, fall, ok);
        String ctx = "seed " + seed + " run " + run + " step " + step;
        assertEquals(h, c.health(), ctx);
        assertEquals(h >= rise, c.up(), ctx);
      }
    }
  }

  @Test
  void intervalFollowsSrvGetinter() {
    assertEquals(2000, new HealthCounter(4, 2, 3).interval(2000, 500, 10000));
    assertEquals(10000, new HealthCounter(0, 2, 3).interval(2000, 500, 10000));
    assertEquals(500, new HealthCounter(2, 2, 3).interval(2000, 500, 10000), "start-up is transitional");
    assertEquals(2000, new HealthCounter(1, 2, 3).interval(2000, 0, 0), "unset: inter");
    assertEquals(2000, new HealthCounter(0, 2, 3).interval(2000, 0, 0));
  }

  @Test
  void statusesTwoHundredToThreeNinetyNinePass() {
    assertFalse(CheckResult.passes(199));
    assertTrue(CheckResult.passes(200));
    assertTrue(CheckResult.passes(302));
    assertTrue(CheckResult.passes(399));
    assertFalse(CheckResult.passes(400));
    assertFalse(CheckResult.passes(503));
    assertThrows(IllegalArgumentException.class, () -> new HealthCounter(5, 2, 3));
  }
}
