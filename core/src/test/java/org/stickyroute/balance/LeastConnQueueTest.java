package org.stickyroute.balance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link LeastConnQueue} step for step against {@link FwlcModel} (HAProxy's ebtree, literally) over long
 * seeded random sequences of picks, persistent takes, releases, weight changes, removals, returns and
 * {@code maxconn} changes, at sizes on both sides of the scan/tree threshold. Every failure names its seed
 * and step; {@code -Dstickyroute.seed=N} replays one seed.
 */
class LeastConnQueueTest {
  private static final long BASE_SEED = 0x1EA57C0L;
  private static final int STEPS = 20_000;

  private static long seed(int size) {
    String fixed = System.getProperty("stickyroute.seed");
    long seed = fixed != null ? Long.parseLong(fixed) : BASE_SEED * 1_000_003L + size;
    System.out.println("LeastConnQueueTest size " + size + " seed " + seed);
    return seed;
  }

  /** One queue and its model, driven together. */
  private static final class Pair {
    final int n;
    final LeastConnQueue queue;
    final FwlcModel model;
    final int[] eweight;
    final int[] maxconn;
    final boolean[] member;
    final List<Integer> held = new ArrayList<>();

    Pair(int n) {
      this.n = n;
      queue = new LeastConnQueue(n);
      model = new FwlcModel(n);
      eweight = new int[n];
      maxconn = new int[n];
      member = new boolean[n];
    }

    void apply() {
      List<Integer> members = new ArrayList<>();
      for (int s = 0; s < n; s++) {
        model.maxconn[s] = maxconn[s];
        if (member[s]) {
          members.add(s);
        } else {
          model.down(s);
        }
      }
      for (int s : members) {
        if (model.eweight[s] != eweight[s]) {
          model.weight(s, eweight[s]);
        }
      }
      int[] ew = new int[n];
      for (int s : members) {
        ew[s] = eweight[s];
      }
      queue.update(members.stream().mapToInt(Integer::intValue).toArray(), ew, maxconn.clone());
    }
  }

  private static int randomWeight(SplittableRandom r) {
    switch (r.nextInt(4)) {
      case 0:
        return 16 * r.nextInt(1, 257); // any configured weight
      case 1:
        return r.nextInt(1, 4097); // a slow-start ramp
      default:
        return 16 * r.nextInt(1, 4); // few distinct weights: many equal keys, FIFO decides
    }
  }

  private static void randomChange(Pair p, SplittableRandom r) {
    int s = r.nextInt(p.n);
    switch (r.nextInt(5)) {
      case 0: // weight change (or a server coming back with a weight)
        p.member[s] = true;
        p.eweight[s] = randomWeight(r);
        break;
      case 1: // removal: down, maintenance, drain
        p.member[s] = false;
        break;
      case 2: // back with its old weight
        p.member[s] = true;
        p.eweight[s] = p.eweight[s] == 0 ? randomWeight(r) : p.eweight[s];
        break;
      case 3:
        p.maxconn[s] = r.nextInt(3) == 0 ? 0 : r.nextInt(1, 6);
        break;
      default: // many at once (a reconfiguration)
        for (int i = 0; i < p.n; i++) {
          if (r.nextInt(4) == 0) {
            p.member[i] = r.nextInt(5) != 0;
            p.eweight[i] = r.nextBoolean() ? randomWeight(r) : Math.max(p.eweight[i], 16);
          }
        }
    }
    p.apply();
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 5, 10, 16, 17, 40, 64, 65, 300, 1000})
  void randomSequencesMatchHaproxysOrder(int size) {
    long seed = seed(size);
    SplittableRandom r = new SplittableRandom(seed);
    Pair p = new Pair(size);
    for (int s = 0; s < size; s++) {
      p.member[s] = r.nextInt(8) != 0;
      p.eweight[s] = randomWeight(r);
      p.maxconn[s] = r.nextInt(4) == 0 ? r.nextInt(1, 6) : 0;
    }
    p.apply();
    run(p, r, seed, STEPS);
  }

  @Test
  void renumberingKeepsTheOrder() {
    long seed = seed(-1);
    SplittableRandom r = new SplittableRandom(seed);
    for (int size : new int[] {7, 100}) {
      Pair p = new Pair(size);
      for (int s = 0; s < size; s++) {
        p.member[s] = true;
        p.eweight[s] = 16 * r.nextInt(1, 3);
      }
      p.apply();
      run(p, r, seed, 2_000);
      p.queue.advanceSequence((1L << 31) - 50);
      run(p, r, seed, 2_000); // crosses 2^31 - 1: renumbers once, order unchanged
      assertArrayEquals(p.model.order(), p.queue.order(), "seed " + seed);
    }
  }

  private static void run(Pair p, SplittableRandom r, long seed, int steps) {
    for (int step = 0; step < steps; step++) {
      String ctx = "seed " + seed + ", size " + p.n + ", step " + step;
      int op = r.nextInt(100);
      if (op < 45 || (op < 85 && p.held.isEmpty())) {
        int avoid = r.nextInt(5) == 0 ? r.nextInt(p.n) : -1;
        int expected = p.model.pick(avoid);
        assertEquals(expected, p.queue.peek(avoid), ctx);
        assertEquals(expected, p.queue.pickAndTake(avoid), ctx);
        if (expected >= 0) {
          p.model.take(expected);
          p.held.add(expected);
        }
      } else if (op < 50) {
        int s = r.nextInt(p.n); // persistence: any server, member or not, saturated or not
        p.queue.take(s);
        p.model.take(s);
        p.held.add(s);
      } else if (op < 85) {
        int s = p.held.remove(r.nextInt(p.held.size()));
        p.queue.drop(s);
        p.model.drop(s);
      } else if (op < 88) {
        randomChange(p, r);
      } else if (op < 89) {
        // a burst of releases: back to mostly idle servers, where FIFO order alone decides
        while (p.held.size() > 2) {
          int s = p.held.remove(r.nextInt(p.held.size()));
          p.queue.drop(s);
          p.model.drop(s);
        }
      } else {
        int avoid = r.nextInt(p.n);
        assertEquals(p.model.pick(avoid), p.queue.peek(avoid), ctx);
      }
      if (step % 97 == 0) {
        assertArrayEquals(p.model.order(), p.queue.order(), ctx);
        assertNull(p.queue.inconsistency(), ctx);
        for (int s = 0; s < p.n; s++) {
          assertEquals(p.model.served[s], p.queue.served(s), ctx);
          assertEquals(p.model.eweight[s] == 0 ? -1 : p.model.key[s], p.queue.key(s), ctx);
        }
      }
    }
    assertNull(p.queue.inconsistency(), "seed " + seed);
  }

  @Test
  void idleServersRotateAndBusyOnesFollowHaproxysKeys() {
    LeastConnQueue q = new LeastConnQueue(3);
    q.update(new int[] {0, 1, 2}, new int[] {16, 32, 16}, new int[3]);
    assertEquals(0, q.pickAndTake(-1));
    assertEquals(512, q.key(0)); // weight 1 (eweight 16), 1 in flight: 2 * 4096 / 16
    assertEquals(1, q.pickAndTake(-1));
    assertEquals(256, q.key(1)); // weight 2: 2 * 4096 / 32
    assertEquals(2, q.pickAndTake(-1));
    assertEquals(1, q.pickAndTake(-1)); // 256 < 512
    assertEquals(384, q.key(1));
    assertEquals(1, q.pickAndTake(-1)); // 384 < 512
    assertEquals(0, q.pickAndTake(-1)); // s1, s3, s2 all at 512: s1 was queued first
    assertArrayEquals(new int[] {2, 1, 0}, q.order());
  }

  @Test
  void avoidSaturationAndEmptiness() {
    LeastConnQueue q = new LeastConnQueue(20); // a tree
    assertEquals(LeastConnQueue.NONE, q.pickAndTake(-1));
    int[] ew = new int[20];
    ew[3] = 16;
    ew[17] = 16;
    int[] mc = new int[20];
    mc[3] = 1;
    mc[17] = 1;
    q.update(new int[] {3, 17}, ew, mc);
    assertEquals(17, q.pickAndTake(3)); // avoided
    assertEquals(3, q.pickAndTake(3)); // only the avoided one qualifies
    assertEquals(LeastConnQueue.ALL_SATURATED, q.pickAndTake(-1));
    q.drop(3);
    assertEquals(3, q.pickAndTake(17));
    q.drop(3);
    q.drop(3); // never below zero
    assertEquals(0, q.served(3));
    assertNull(q.inconsistency());
  }

  @Test
  void keysWithoutDivisionAreHaproxysKeys() {
    for (int ew = 1; ew <= LeastConnQueue.EWEIGHT_MAX; ew++) {
      long r = LeastConnKey.reciprocal(ew);
      for (int n = 0; n < 600; n++) {
        assertEquals(LeastConnKey.key(n, ew), LeastConnKey.key(n, ew, r), "served " + n + ", eweight " + ew);
      }
      for (int n = (1 << 18) - 600; n < (1 << 18) + 10; n++) {
        assertEquals(LeastConnKey.key(n, ew), LeastConnKey.key(n, ew, r), "served " + n + ", eweight " + ew);
      }
      for (int n = ew; n < (1 << 18); n += 4093) {
        assertEquals(LeastConnKey.key(n, ew), LeastConnKey.key(n, ew, r), "served " + n + ", eweight " + ew);
      }
    }
  }

  @Test
  void membersNeedAWeight() {
    LeastConnQueue q = new LeastConnQueue(2);
    assertThrows(IllegalArgumentException.class, () -> q.update(new int[] {0}, new int[2], new int[2]));
    assertThrows(IllegalArgumentException.class, () -> q.update(new int[] {0}, new int[] {4097, 0}, new int[2]));
    assertThrows(IllegalArgumentException.class, () -> new LeastConnQueue(LeastConnQueue.MAX_SERVERS + 1));
  }
}
