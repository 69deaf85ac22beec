package org.stickyroute.balance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * More threads than cores (so lock holders get descheduled and waiters reach the sleeping back-off) pick,
 * take, release and change weights and membership on one {@link LeastConnQueue} at once; afterwards every
 * count is exactly what the threads still hold and the queue's invariants hold. Seeded per thread (the seeds
 * are printed); what a thread does depends on the interleaving, so a failure is replayed by running again,
 * not step for step.
 */
class LeastConnQueueStressTest {
  private static final int THREADS = 4;
  private static final int OPS = 50_000;

  @ParameterizedTest
  @ValueSource(ints = {4, 16, 200})
  void countsNeverLeakAndTheOrderStaysConsistent(int servers) throws Exception {
    LeastConnQueue q = new LeastConnQueue(servers);
    int[] all = new int[servers];
    int[] ew = new int[servers];
    for (int i = 0; i < servers; i++) {
      all[i] = i;
      ew[i] = 16;
    }
    q.update(all, ew, new int[servers]);
    AtomicLongArray held = new AtomicLongArray(servers);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicLong picks = new AtomicLong();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      long seed = 0x5EEDL * 7919 + servers * 31L + t;
      System.out.println("LeastConnQueueStressTest servers " + servers + " thread " + t + " seed " + seed);
      Thread th = new Thread(() -> {
        SplittableRandom r = new SplittableRandom(seed);
        List<Integer> mine = new ArrayList<>();
        try {
          start.await();
          for (int op = 0; op < OPS; op++) {
            int k = r.nextInt(100);
            if (k < 45 || (mine.isEmpty() && k < 99)) {
              int s = q.pickAndTake(r.nextInt(8) == 0 ? r.nextInt(servers) : -1);
              if (s >= 0) {
                held.incrementAndGet(s);
                mine.add(s);
                picks.incrementAndGet();
              }
            } else if (k < 50) {
              int s = r.nextInt(servers);
              q.take(s);
              held.incrementAndGet(s);
              mine.add(s);
            } else if (k < 99) {
              int s = mine.remove(r.nextInt(mine.size()));
              held.decrementAndGet(s);
              q.drop(s);
            } else {
              int[] w = new int[servers];
              List<Integer> members = new ArrayList<>();
              for (int i = 0; i < servers; i++) {
                if (r.nextInt(6) != 0) {
                  members.add(i);
                  w[i] = 16 * r.nextInt(1, 4);
                }
              }
              q.update(members.stream().mapToInt(Integer::intValue).toArray(), w, new int[servers]);
            }
          }
          for (int s : mine) {
            held.decrementAndGet(s);
            q.drop(s);
          }
        } catch (Throwable e) {
          failure.compareAndSet(null, e);
        }
      });
      threads.add(th);
      th.start();
    }
    start.countDown();
    for (Thread th : threads) {
      th.join(TimeUnit.MINUTES.toMillis(5));
      assertFalse(th.isAlive(), "a thread is still running after 5 minutes");
    }
    assertNull(failure.get());
    assertTrue(picks.get() > 0);
    for (int s = 0; s < servers; s++) {
      assertEquals(0, held.get(s));
      assertEquals(0, q.served(s), "server " + s);
    }
    assertNull(q.inconsistency());
  }
}
