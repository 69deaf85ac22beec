package org.stickyroute.balance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** hash-balance-factor: chash_server_is_eligible's arithmetic. */
class BoundedLoadTest {
  @Test
  void boundedLoadSlotArithmetic() {
    // Weights 1, 2, 3 of a dynamic algorithm: eweight 16, 32, 48.
    int[] eweight = {16, 32, 48};
    ServerGroup group = new ServerGroup(new int[] {0, 1, 2}, -1, 96, 3, new boolean[] {true, true, true},
        new boolean[3], eweight, new int[] {1, 2, 3}, new int[3],
        Weights.cumulative(new boolean[3], new boolean[] {true, true, true}, eweight), new Object[3],
        LoadView.of(new int[3]));
    BoundedLoad s = new BoundedLoad(150, group);
    // total served 10 -> tot_slots = ceil(11 * 1.5) = 17; tot_weight 96; per_w 0; rem 17.
    // cum: 0, 16, 48; eweight 16, 32, 48.
    // s1: 16*17/96 - 0 = 2; s2: (48*17)/96 - (16*17)/96 = 8 - 2 = 6; s3: (96*17)/96 - (48*17)/96 = 17 - 8 = 9.
    int[] slots = {2, 6, 9};
    for (int srv = 0; srv < 3; srv++) {
      int[] served = new int[3];
      served[srv] = slots[srv] - 1;
      served[(srv + 1) % 3] = 10 - served[srv];
      assertTrue(s.accept(srv, LoadView.of(served)), "server " + srv + " below its slots");
      served[srv] = slots[srv];
      served[(srv + 1) % 3] = 10 - served[srv];
      assertFalse(s.accept(srv, LoadView.of(served)), "server " + srv + " at its slots");
    }
  }

  /** The reciprocal divisions give chash_server_is_eligible's slots exactly, on both sides of 2^32. */
  @Test
  void boundedLoadSlotsMatchThePlainFormula() {
    long seed = 0xB0_07DEDL;
    java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
    for (int i = 0; i < 2_000_000; i++) {
      int totalWeight = switch (r.nextInt(4)) {
        case 0 -> r.nextInt(1, 4);
        case 1 -> r.nextInt(1, 5000);
        case 2 -> r.nextInt(1, 1 << 22);
        default -> r.nextInt(1, Integer.MAX_VALUE);
      };
      int eweight = r.nextInt(0, Math.min(totalWeight, 4096 * 16) + 1);
      int cumulative = r.nextInt(0, totalWeight - eweight + 1);
      int served = r.nextBoolean() ? r.nextInt(0, 100_000) : r.nextInt(0, Integer.MAX_VALUE - 1);
      int factor = r.nextInt(101, 1000);
      long totSlots = ((long) (served + 1) * factor + 99) / 100;
      long expected = eweight * (totSlots / totalWeight)
          + ((cumulative + (long) eweight) * (totSlots % totalWeight)) / totalWeight
          - (cumulative * (totSlots % totalWeight)) / totalWeight;
      if (expected == 0) {
        expected = 1;
      }
      long actual = BoundedLoad.slots(served, factor, eweight, cumulative, totalWeight,
          BoundedLoad.reciprocal(totalWeight));
      assertEquals(expected, actual, "seed " + seed + " case " + i + ": served " + served + " factor " + factor
          + " eweight " + eweight + " cumulative " + cumulative + " total " + totalWeight);
    }
    for (int d = 1; d < 70_000; d++) {
      long m = BoundedLoad.reciprocal(d);
      for (long x : new long[] {0, 1, d - 1, d, d + 1, 0xFFFFFFFFL, 0xFFFFFFFFL - d, 0x100000000L, 1L << 40}) {
        if (x >= 0) {
          assertEquals(x / d, BoundedLoad.divide(x, d, m), x + " / " + d);
        }
      }
    }
  }
}
