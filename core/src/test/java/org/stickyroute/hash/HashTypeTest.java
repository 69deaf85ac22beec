package org.stickyroute.hash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.stickyroute.hash.internal.Avalanche;

class HashTypeTest {
  private static HashType parse(String s) {
    return HashType.parse(Arrays.asList(s.split(" ")));
  }

  @Test
  void haproxyDefaults() {
    assertEquals(HashType.DEFAULT, parse("map-based"));
    assertEquals(new HashType(HashType.Method.MAP_BASED, HashFunction.SDBM, false), HashType.DEFAULT);
    // Only a bare 'consistent' implies avalanche.
    assertEquals(new HashType(HashType.Method.CONSISTENT, HashFunction.SDBM, true), parse("consistent"));
    assertEquals(new HashType(HashType.Method.CONSISTENT, HashFunction.SDBM, false), parse("consistent sdbm"));
    assertEquals(
        new HashType(HashType.Method.CONSISTENT, HashFunction.SDBM, true), parse("consistent sdbm avalanche"));
    assertEquals(
        new HashType(HashType.Method.MAP_BASED, HashFunction.CRC32, true), parse("map-based crc32 avalanche"));
    assertEquals(new HashType(HashType.Method.MAP_BASED, HashFunction.WT6, false), parse("map-based wt6"));
    assertEquals(HashType.consistent(), parse("consistent"));
    assertEquals(HashType.consistent(HashFunction.DJB2).withAvalanche(), parse("consistent djb2 avalanche"));
  }

  @Test
  void errorsNameTheWord() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> parse("consistent none")).getMessage().startsWith("'none'"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> parse("ring")).getMessage().startsWith("'ring'"));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> parse("map-based sdbm fast")).getMessage().startsWith("'fast'"));
  }

  @Test
  void hashAppliesTheModifier() {
    HashType t = parse("map-based djb2 avalanche");
    assertEquals(Avalanche.fullHash(HashFunction.DJB2.hash("/x")), t.hash("/x", 0, 2));
    assertEquals("consistent sdbm avalanche", parse("consistent").toString());
  }
}
