package org.stickyroute.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import net.openhft.hashing.LongHashFunction;
import org.junit.jupiter.api.Test;

/**
 * The inlined XXH64 against an independent implementation (OpenHFT's zero-allocation-hashing, kept as a
 * test-only oracle) over many random inputs of every length around the algorithm's 4-, 8- and 32-byte
 * boundaries, with seed 0 (what HAProxy's dynamic cookies use) and random seeds. The generator's seed is
 * printed; replay with {@code -Dxxh64.seed=N}.
 */
class XXH64Test {
  @Test
  void referenceVectors() {
    // xxHash's own test vectors (XXH64 of the empty input, and of "a" and "abc", seed 0)
    assertEquals(0xEF46DB3751D8E999L, XXH64.hash(new byte[0], 0));
    assertEquals(0xD24EC4F1A98C6E5BL, XXH64.hash("a".getBytes(StandardCharsets.ISO_8859_1), 0));
    assertEquals(0x44BC2CF5AD770999L, XXH64.hash("abc".getBytes(StandardCharsets.ISO_8859_1), 0));
  }

  @Test
  void agreesWithTheOracleOnRandomInputs() {
    long seed = Long.getLong("xxh64.seed", System.nanoTime());
    System.out.println("XXH64Test seed " + seed + " (-Dxxh64.seed=" + seed + ")");
    SplittableRandom rnd = new SplittableRandom(seed);
    int checked = 0;
    for (int len = 0; len <= 300; len++) {
      for (int k = 0; k < 40; k++) {
        byte[] b = new byte[len];
        for (int i = 0; i < len; i++) {
          b[i] = (byte) rnd.nextInt(256);
        }
        long s = k == 0 ? 0 : rnd.nextLong();
        assertEquals(LongHashFunction.xx(s).hashBytes(b), XXH64.hash(b, s), "seed " + seed + " len " + len + " k " + k);
        checked++;
      }
    }
    for (int k = 0; k < 200; k++) {
      byte[] b = new byte[300 + rnd.nextInt(5000)];
      for (int i = 0; i < b.length; i++) {
        b[i] = (byte) rnd.nextInt(256);
      }
      assertEquals(LongHashFunction.xx(0).hashBytes(b), XXH64.hash(b, 0), "seed " + seed + " long input " + k);
      checked++;
    }
    assertEquals(301 * 40 + 200, checked);
  }
}
