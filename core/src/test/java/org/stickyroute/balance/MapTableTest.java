package org.stickyroute.balance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.stickyroute.AdminState;
import org.stickyroute.Backend;
import org.stickyroute.BackendSnapshot;
import org.stickyroute.SnapshotAccess;
import org.stickyroute.hash.HashType;
import org.stickyroute.testing.Backends;

class MapTableTest {
  private static MapTable table(BackendSnapshot s) {
    return SnapshotAccess.picker(s, MapHashPicker.class).table();
  }

  private static int[] slots(BackendSnapshot s) {
    MapTable m = table(s);
    int[] out = new int[m.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = m.slot(i) + 1; // server numbers, 1-based like s1, s2...
    }
    return out;
  }

  private static BackendSnapshot snapshot(int... weights) {
    return new Backend(Backends.uri(HashType.DEFAULT, weights).build()).snapshot();
  }

  /** Spec §4.1 verified examples. */
  @Test
  void slotFilling() {
    assertArrayEquals(new int[] {1, 2, 3}, slots(snapshot(1, 1, 1)));
    assertArrayEquals(new int[] {1, 3, 2, 3, 2, 3}, slots(snapshot(10, 20, 30)));
    assertArrayEquals(new int[] {1, 2, 1, 2, 2}, slots(snapshot(2, 3)));
  }

  @Test
  void downServerIsRemovedAndTheMapShrinks() {
    Backend b = new Backend(Backends.uri(HashType.DEFAULT, 1, 1, 1).build());
    b.setAdmin("s2", AdminState.MAINT);
    assertArrayEquals(new int[] {1, 3}, slots(b.snapshot()));
    assertEquals(2, b.snapshot().totalWeight());
  }

  @Test
  void weightZeroServersAreNotInTheMap() {
    assertArrayEquals(new int[] {1, 3}, slots(snapshot(4, 0, 4)));
  }

  @Test
  void fastModuloEqualsUnsignedRemainder() {
    long seed = 0xFA57L;
    java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
    int[] edge = {0, 1, 2, 3, -1, -2, Integer.MAX_VALUE, Integer.MIN_VALUE, 0x0046bd63};
    for (int k = 0; k < 200_000; k++) {
      int n = k % 5 == 0 ? r.nextInt(1, 17) : k % 5 == 1 ? r.nextInt(1, 1 << 20) : r.nextInt(1, Integer.MAX_VALUE);
      long m = Long.divideUnsigned(-1L, n) + 1;
      int h = k < edge.length ? edge[k] : r.nextInt();
      assertEquals(Integer.remainderUnsigned(h, n), MapTable.mod(h, m, n), "h=" + h + " n=" + n + " seed " + seed);
    }
  }

  @Test
  void lookupIsUnsignedModulo() {
    BackendSnapshot s = snapshot(1, 1, 1);
    // 0xFFFFFFFF mod 3 == 0 as unsigned (as signed -1 it would be -1).
    assertEquals(0, table(s).lookup(0xFFFFFFFF));
    assertEquals(1, table(s).lookup(0x0046bd63)); // sdbm("/project/42") mod 3 = 1 -> s2
    assertEquals(MapTable.build(new int[0], new int[0], 0).lookup(5), -1);
  }
}
