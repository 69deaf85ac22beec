package org.stickyroute.counters;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link StripedCounters}: sums over stripes are exact once the adding threads are done. */
class StripedCountersTest {
  @Test
  void concurrentAddsSumExactly() throws InterruptedException {
    StripedCounters c = new StripedCounters(3, 4);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      Thread th = new Thread(() -> {
        for (int i = 0; i < 100_000; i++) {
          c.increment(0);
          c.add(2, 3);
        }
      });
      threads.add(th);
      th.start();
    }
    for (Thread th : threads) {
      th.join();
    }
    assertEquals(400_000, c.sum(0));
    assertEquals(0, c.sum(1));
    assertEquals(1_200_000, c.sum(2));
    assertEquals(400_000, c.sumThenReset(0));
    assertEquals(0, c.sum(0));
  }

  @Test
  void stripeCountsArePowersOfTwo() {
    assertEquals(1, StripedCounters.stripes(1));
    assertEquals(2, StripedCounters.stripes(2));
    assertEquals(4, StripedCounters.stripes(3));
    assertEquals(64, StripedCounters.stripes(1000));
  }
}
