package org.stickyroute.balance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.stickyroute.http.RequestView;
import org.stickyroute.key.KeyExtractor;

/**
 * A hash-based algorithm whose request has no key falls back as HAProxy 2.6's {@code assign_server} does:
 * round robin on the same map ({@code map_get_server_rr}) or the next node of the ring ({@code
 * chash_get_next_server}), skipping saturated servers and the server to avoid.
 */
class HashFallbackTest {
  private static final RequestView REQUEST = RequestView.of("GET", "/");
  private static final KeyExtractor NO_KEY = r -> KeyExtractor.NO_KEY;

  /** Three active servers of weights 1, 2, 1 (dynamic: eweight 16, 32, 16), ids 1..3, with these maxconns. */
  private static ServerGroup group(boolean staticWeights, int[] maxconn, int[] served) {
    int[] ew = staticWeights ? new int[] {1, 2, 1} : new int[] {16, 32, 16};
    boolean[] usable = {true, true, true};
    return new ServerGroup(new int[] {0, 1, 2}, -1, ew[0] + ew[1] + ew[2], 3, usable, new boolean[3], ew,
        new int[] {1, 2, 3}, maxconn, Weights.cumulative(new boolean[3], usable, ew), new Object[3], LoadView.of(served));
  }

  private static List<Integer> picks(Picker p, int n, int avoid, LoadView load) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(p.pick(REQUEST, avoid, load));
    }
    return out;
  }

  @Test
  void mapBasedWithoutKeyWalksTheSameMap() {
    int[] served = new int[3];
    ServerGroup g = group(true, new int[3], served);
    MapHashPicker p = MapHashPicker.build(g, NO_KEY);
    MapTable map = p.table();
    List<Integer> expected = new ArrayList<>();
    for (int i = 0; i < 2 * map.size(); i++) {
      expected.add(map.slot(i % map.size()));
    }
    assertEquals(expected, picks(p, 2 * map.size(), Picker.NO_SERVER, g.live()));
    // recalc_server_map for weights 1, 2, 1 over 4 slots: scores (1,2,1) -> s1; (-2,4,2) -> s2;
    // (-1,2,3) -> s2 (the first of equal (score + 4) / 4); (0,0,4) -> s3.
    assertEquals(List.of(0, 1, 1, 2), expected.subList(0, 4));
  }

  @Test
  void mapBasedWithoutKeySkipsSaturatedAndAvoided() {
    int[] served = {0, 1, 0};
    ServerGroup g = group(true, new int[] {0, 1, 0}, served);
    MapHashPicker p = MapHashPicker.build(g, NO_KEY);
    for (int s : picks(p, 8, 0, g.live())) {
      assertEquals(2, s, "s2 is at its maxconn, s1 is avoided: only s3 remains");
    }
    ServerGroup full = group(true, new int[] {1, 1, 1}, new int[] {1, 1, 1});
    assertEquals(Picker.SATURATED, MapHashPicker.build(full, NO_KEY).pick(REQUEST, Picker.NO_SERVER, full.live()));
    // Only the avoided server qualifies: it is used.
    ServerGroup one = group(true, new int[] {0, 1, 1}, new int[] {0, 1, 1});
    assertEquals(0, MapHashPicker.build(one, NO_KEY).pick(REQUEST, 0, one.live()));
  }

  @Test
  void consistentWithoutKeyTakesTheNextNodeOfTheRing() {
    ServerGroup g = group(false, new int[3], new int[3]);
    ConsistentHashPicker p = ConsistentHashPicker.build(g, NO_KEY, 0, Weights.SCALE);
    ConsistentRing ring = p.ring();
    assertEquals(64, ring.size());
    List<Integer> expected = new ArrayList<>();
    for (int i = 0; i < ring.size() + 5; i++) {
      expected.add(ring.owner(i % ring.size())); // from the first node, in key order, then around again
    }
    assertEquals(expected, picks(p, ring.size() + 5, Picker.NO_SERVER, g.live()));
  }

  @Test
  void consistentWithoutKeySkipsSaturatedAndAvoidedNodes() {
    int[] served = {0, 1, 0};
    ServerGroup g = group(false, new int[] {0, 1, 0}, served);
    ConsistentHashPicker p = ConsistentHashPicker.build(g, NO_KEY, 0, Weights.SCALE);
    ConsistentRing ring = p.ring();
    // Sequentially, each pick takes the next node owned by s3 (s1 avoided, s2 saturated).
    List<Integer> s3Nodes = new ArrayList<>();
    for (int i = 0; i < ring.size(); i++) {
      if (ring.owner(i) == 2) {
        s3Nodes.add(i);
      }
    }
    for (int k = 0; k < s3Nodes.size() + 2; k++) {
      assertEquals(2, p.pick(REQUEST, 0, g.live()));
    }
    ServerGroup full = group(false, new int[] {1, 1, 1}, new int[] {1, 1, 1});
    assertEquals(Picker.SATURATED,
        ConsistentHashPicker.build(full, NO_KEY, 0, Weights.SCALE).pick(REQUEST, Picker.NO_SERVER, full.live()));
    ServerGroup one = group(false, new int[] {0, 1, 1}, new int[] {0, 1, 1});
    assertEquals(0, ConsistentHashPicker.build(one, NO_KEY, 0, Weights.SCALE).pick(REQUEST, 0, one.live()),
        "only the avoided server qualifies: it is used");
  }

  @Test
  void consistentWithoutKeyResumesAfterTheAvoidedNodeItFellBackTo() {
    // Only s1 is unsaturated and it is avoided: HAProxy returns it and resumes after the last of its nodes
    // that the walk met.
    int[] served = {0, 1, 1};
    ServerGroup g = group(false, new int[] {0, 1, 1}, served);
    ConsistentHashPicker p = ConsistentHashPicker.build(g, NO_KEY, 0, Weights.SCALE);
    ConsistentRing ring = p.ring();
    int last = -1;
    for (int i = 0; i < ring.size(); i++) {
      if (ring.owner(i) == 0) {
        last = i;
      }
    }
    assertEquals(0, p.pick(REQUEST, 0, g.live()));
    served[1] = 0;
    served[2] = 0;
    assertEquals(ring.owner((last + 1) % ring.size()), p.pick(REQUEST, Picker.NO_SERVER, g.live()));
    assertEquals(ring.owner((last + 2) % ring.size()), p.pick(REQUEST, Picker.NO_SERVER, g.live()));
  }

  @Test
  void oneServerInUseIsNeverHashed() {
    int[] ew = {16};
    ServerGroup g = new ServerGroup(new int[] {0}, -1, 16, 1, new boolean[] {true}, new boolean[1], ew,
        new int[] {1}, new int[1], new int[1], new Object[1], LoadView.of(new int[1]));
    KeyExtractor failing = r -> {
      throw new AssertionError("hashed with one server in use");
    };
    assertEquals(0, MapHashPicker.build(g, failing).pick(REQUEST, Picker.NO_SERVER, g.live()));
    assertEquals(0, ConsistentHashPicker.build(g, failing, 0, 16).pick(REQUEST, Picker.NO_SERVER, g.live()));
  }
}
