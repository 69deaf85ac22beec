package org.stickyroute.balance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.stickyroute.Backend;
import org.stickyroute.BackendSnapshot;
import org.stickyroute.SnapshotAccess;
import org.stickyroute.hash.HashType;
import org.stickyroute.testing.Backends;

class ConsistentRingTest {
  private static ConsistentRing ring(int... weights) {
    BackendSnapshot s = new Backend(Backends.uri(HashType.consistent(), weights).build()).snapshot();
    return SnapshotAccess.picker(s, ConsistentHashPicker.class).ring();
  }

  /** Spec §4.2: s1's 16 node keys for ids 1..3 at weight 1, and the ring's extremes. */
  @Test
  void nodeKeysAreHaproxys() {
    ConsistentRing r = ring(1, 1, 1);
    assertEquals(48, r.size());
    int[] s1 = {
      0x49c2008b, 0xa4972c87, 0xb5417c4a, 0x2654ba86, 0xccb65be3, 0x3981f3fd, 0x3fadf34a, 0xa898bb16,
      0x70cd86fc, 0xed3ce4e4, 0x2ef8980b, 0xdb287eb2, 0x63541f49, 0x1d804ea4, 0x8532b09d, 0x3602af74
    };
    List<Integer> ofS1 = new ArrayList<>();
    for (int i = 0; i < r.size(); i++) {
      if (r.owner(i) == 0) {
        ofS1.add(r.key(i));
      }
    }
    List<Integer> expected = new ArrayList<>();
    for (int k : s1) {
      expected.add(k);
    }
    expected.sort(Integer::compareUnsigned);
    assertEquals(expected, ofS1);
    assertEquals(0x048e6a3d, r.key(0));
    assertEquals(2, r.owner(0));
    assertEquals(0x16312e7f, r.key(1));
    assertEquals(0x18b66546, r.key(2));
    assertEquals(1, r.owner(2));
    assertEquals(0x1d804ea4, r.key(3));
    assertEquals(0xf212ae04, r.key(47));
    assertEquals(1, r.owner(47));
    assertEquals(0xed3ce4e4, r.key(46));
    assertEquals(0xec961b4a, r.key(45));
  }

  @Test
  void nearestNodeInEitherDirectionTiesGoToTheLowerKey() {
    ConsistentRing r = ring(1, 1, 1);
    // Between 0x048e6a3d (s3) and 0x16312e7f (s3): both s3.
    assertEquals(2, r.lookup(0x10000000, -1, null, null));
    // Between 0x16312e7f (s3) and 0x18b66546 (s2): midpoint rounds to prev on a tie.
    int a = 0x16312e7f;
    int b = 0x18b66546;
    int mid = a + (b - a) / 2; // dp = (b-a)/2, dn = (b-a) - (b-a)/2 >= dp
    assertEquals(2, r.lookup(mid, -1, null, null));
    assertEquals(1, r.lookup(mid + 1, -1, null, null));
    // Exact node key -> that node.
    assertEquals(1, r.lookup(b, -1, null, null));
    // Wrap-around: above the largest key (s2's 0xf212ae04) the nearest may be the smallest (s3's 0x048e6a3d).
    assertEquals(1, r.lookup(0xf3000000, -1, null, null));
    assertEquals(2, r.lookup(0xff000000, -1, null, null));
    assertEquals(2, r.lookup(0x01000000, -1, null, null));
  }

  @Test
  void avoidWalksToTheNextServer() {
    ConsistentRing r = ring(1, 1, 1);
    assertEquals(1, r.lookup(0x18b66546, -1, null, null));
    // Next nodes after 0x18b66546 (s2) is 0x1d804ea4 (s1).
    assertEquals(0, r.lookup(0x18b66546, 1, null, null));
  }

  @Test
  void whenNothingIsAcceptedTheWalkStopsAfterTwoWrapsOnTheLastNodesServer() {
    ConsistentRing r = ring(1, 1, 1);
    ServerFilter none = (s, l) -> false;
    // The last node (highest key) belongs to s2 (index 1).
    assertEquals(1, r.lookup(0x10000000, -1, none, LoadView.of(new int[3])));
    assertEquals(1, r.lookup(0xfff00000, -1, none, LoadView.of(new int[3])));
  }

  @Test
  void pointsPerWeight() {
    assertEquals(16 * 6, ring(1, 2, 3).size());
    assertEquals(16 * 256, ring(256).size());
  }
}
