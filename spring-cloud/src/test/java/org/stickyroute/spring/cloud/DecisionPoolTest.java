package org.stickyroute.spring.cloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.stickyroute.Decision;

/**
 * The pool hands back what it was given, whichever thread gave it, holds at most 1,024, and never hands one
 * decision to two takers at once.
 */
class DecisionPoolTest {
  @Test
  void aGivenDecisionIsTakenAgain() {
    DecisionPool pool = new DecisionPool();
    Decision d = pool.take();
    pool.give(d);
    assertSame(d, pool.take());
    assertNotSame(d, pool.take(), "the pool held one decision; the second take makes a new one");
  }

  @Test
  void itHoldsOneThousandAndTwentyFourInTheOrderGiven() {
    DecisionPool pool = new DecisionPool();
    for (int lap = 0; lap < 3; lap++) { // the ring wraps: every lap must behave as the first
      Decision[] given = new Decision[1030];
      for (int i = 0; i < given.length; i++) {
        given[i] = new Decision();
        pool.give(given[i]);
      }
      Set<Decision> taken = Collections.newSetFromMap(new IdentityHashMap<>());
      for (int i = 0; i < 1024; i++) {
        Decision d = pool.take();
        assertSame(given[i], d, "lap " + lap + ", take " + i);
        taken.add(d);
      }
      for (int i = 1024; i < given.length; i++) {
        assertTrue(taken.add(pool.take()), "beyond its capacity the pool keeps nothing: new decisions");
      }
    }
  }

  @Test
  void aDecisionGivenBackOnAnotherThreadIsTakenHere() throws Exception {
    DecisionPool pool = new DecisionPool();
    Decision d = pool.take();
    Thread other = new Thread(() -> pool.give(d));
    other.start();
    other.join();
    assertSame(d, pool.take());
  }

  @Test
  void twoThreadsNeverHoldTheSameDecision() throws Exception {
    DecisionPool pool = new DecisionPool();
    Set<Decision> held = ConcurrentHashMap.newKeySet();
    AtomicReference<String> failure = new AtomicReference<>();
    Runnable work = () -> {
      Decision[] mine = new Decision[3];
      for (int round = 0; round < 100_000 && failure.get() == null; round++) {
        for (int k = 0; k < mine.length; k++) {
          mine[k] = pool.take();
          if (!held.add(mine[k])) {
            failure.set("a decision handed to two takers at once, round " + round);
          }
        }
        for (Decision d : mine) {
          held.remove(d);
          pool.give(d);
        }
      }
    };
    Thread a = new Thread(work);
    Thread b = new Thread(work);
    a.start();
    b.start();
    a.join();
    b.join();
    assertEquals(null, failure.get());
    assertEquals(0, held.size());
  }
}
