package org.stickyroute.hash.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AvalancheTest {
  @Test
  void referenceValues() {
    assertEquals(0xab4ed927, Avalanche.fullHash(0));
    assertEquals(0x348681b6, Avalanche.fullHash(1));
    assertEquals(0xe267b84c, Avalanche.fullHash(2));
    assertEquals(0x49c2008b, Avalanche.fullHash(4096));
    assertEquals(0xa4972c87, Avalanche.fullHash(4097));
    assertEquals(0x405afe73, Avalanche.fullHash(8192));
    assertEquals(0x7e64c182, Avalanche.fullHash(0xffffffff));
  }

  @Test
  void noCollisionsOnASample() {
    long seed = 42;
    SplittableRandom r = new SplittableRandom(seed);
    Set<Integer> in = new HashSet<>();
    Set<Integer> out = new HashSet<>();
    for (int i = 0; i < 100_000; i++) {
      int x = r.nextInt();
      if (in.add(x)) {
        out.add(Avalanche.fullHash(x));
      }
    }
    assertEquals(in.size(), out.size(), "full_hash is a bijection; seed " + seed);
    assertNotEquals(Avalanche.fullHash(1), Avalanche.fullHash(2));
  }
}
