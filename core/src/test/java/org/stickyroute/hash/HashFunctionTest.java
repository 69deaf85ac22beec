package org.stickyroute.hash;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HashFunctionTest {

  /** Reference values of spec §2.2 (cross-checked against the real binary through routing decisions). */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "''            | 00000000 | 00001505 | f99a0360 | 00000000",
        "a             | 00000061 | 0002b606 | 714bf225 | e8b7be43",
        "/project/1    | 96c1e68c | 7e7fd36b | ba0a881a | ffe02d28",
        "/project/42   | 0046bd63 | 4e7a4160 | 3a20c38c | 52e8029f",
        "'hello world' | 19ae84c4 | 3551c8c1 | 6f46a0aa | 0d4a1185",
      })
  void referenceValues(String input, String sdbm, String djb2, String wt6, String crc32) {
    assertEquals(Integer.parseUnsignedInt(sdbm, 16), HashFunction.SDBM.hash(input));
    assertEquals(Integer.parseUnsignedInt(djb2, 16), HashFunction.DJB2.hash(input));
    assertEquals(Integer.parseUnsignedInt(wt6, 16), HashFunction.WT6.hash(input));
    assertEquals(Integer.parseUnsignedInt(crc32, 16), HashFunction.CRC32.hash(input));
  }

  @Test
  void sdbmIsTimes65599PlusByte() {
    long seed = 0x5DB3L;
    SplittableRandom r = new SplittableRandom(seed);
    for (int n = 0; n < 1000; n++) {
      byte[] b = randomBytes(r);
      int expected = 0;
      for (byte x : b) {
        expected = expected * 65599 + (x & 0xFF);
      }
      assertEquals(expected, HashFunction.SDBM.hash(b, 0, b.length), "seed " + seed);
    }
  }

  @Test
  void crc32MatchesTheJdk() {
    long seed = 0xC3C3L;
    SplittableRandom r = new SplittableRandom(seed);
    for (int n = 0; n < 1000; n++) {
      byte[] b = randomBytes(r);
      CRC32 crc = new CRC32();
      crc.update(b);
      assertEquals((int) crc.getValue(), HashFunction.CRC32.hash(b, 0, b.length), "seed " + seed);
      assertEquals((int) crc.getValue(), HashFunction.CRC32.hash(latin1(b)), "seed " + seed);
    }
  }

  /** The fast char loops and the byte-at-a-time kernel agree for every function. */
  @Test
  void charAndByteViewsAgree() {
    long seed = 0xB17EL;
    SplittableRandom r = new SplittableRandom(seed);
    for (HashFunction fn : HashFunction.values()) {
      for (int n = 0; n < 500; n++) {
        byte[] b = randomBytes(r);
        assertEquals(fn.hash(b, 0, b.length), fn.hash(latin1(b)), fn + " seed " + seed);
      }
    }
  }

  /** Chars above 0xFF hash as their UTF-8 bytes; unpaired surrogates as '?'. */
  @Test
  void charsAboveFfHashAsUtf8() {
    String[] samples = {"/projé", "/€uro/x", "/\uD83D\uDE00/smile", "/日本/語", "ab\u0100cd"};
    for (HashFunction fn : HashFunction.values()) {
      for (String s : samples) {
        // Latin-1 chars keep one byte even beside wide ones; wide chars are UTF-8.
        byte[] utf8 = byteView(s);
        assertEquals(fn.hash(utf8, 0, utf8.length), fn.hash(s), fn + " " + s);
      }
      byte[] euro = {'/', (byte) 0xE2, (byte) 0x82, (byte) 0xAC};
      assertEquals(fn.hash(euro, 0, 4), fn.hash("/\u20AC"), fn + " euro sign as E2 82 AC");
      byte[] e9 = {'/', (byte) 0xE9};
      assertEquals(fn.hash(e9, 0, 2), fn.hash("/\u00E9"), fn + " e-acute as the single byte E9");
      byte[] q = "a?b".getBytes(StandardCharsets.ISO_8859_1);
      assertEquals(fn.hash(q, 0, 3), fn.hash("a\uD800b"), fn + " lone high surrogate");
      assertEquals(fn.hash(q, 0, 3), fn.hash("a\uDC00b"), fn + " lone low surrogate");
    }
  }

  @Test
  void rangesHashOnlyTheirChars() {
    for (HashFunction fn : HashFunction.values()) {
      assertEquals(fn.hash("project"), fn.hash("/project/1", 1, 8));
    }
  }

  @Test
  void configNamesRoundTrip() {
    for (HashFunction fn : HashFunction.values()) {
      assertEquals(fn, HashFunction.fromConfigName(fn.configName()));
    }
    assertEquals(null, HashFunction.fromConfigName("SDBM"));
    assertEquals(null, HashFunction.fromConfigName("none"));
  }

  static byte[] byteView(String s) {
    return org.stickyroute.testing.ByteViews.of(s);
  }

  static byte[] randomBytes(SplittableRandom r) {
    byte[] b = new byte[r.nextInt(0, 80)];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) r.nextInt(256);
    }
    return b;
  }

  static String latin1(byte[] b) {
    return new String(b, StandardCharsets.ISO_8859_1);
  }
}
