package org.stickyroute.key;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.stickyroute.hash.internal.Avalanche;
import org.stickyroute.hash.HashFunction;
import org.stickyroute.hash.HashType;

class UriKeyTest {
  private static final UriKey DEPTH2 = UriKey.depth(2);

  /** Spec §3.2 examples. */
  @ParameterizedTest(name = "{0} [{1}] -> {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "/project/42/a/b            | depth 2            | /project/42",
        "/project/42/a/b            | depth 1            | /project",
        "/project/42/               | depth 2            | /project/42",
        "/project/42/x              | depth 2            | /project/42",
        "/project/42/               | plain              | /project/42/",
        "/project/42                | depth 5            | /project/42",
        "/project//x                | depth 2            | /project/",
        "/project/42?x=1            | depth 2            | /project/42",
        "/project?a=/b/c            | depth 2            | /project",
        "/project?a=/b/c            | depth 2 whole      | /project?a=/b",
        "/p/q?x=1                   | whole              | /p/q?x=1",
        "/project/42?x=1            | len 10             | /project/4",
        "/project/42?x=1            | len 10 whole       | /project/4",
        "/ab?cdef                   | len 2              | /a",
        "/PROJECT/42                | depth 2            | /PROJECT/42",
        "/%70roject/42/z            | depth 2            | /%70roject/42",
        "http://host/project/1/a    | depth 2            | http://host",
        "http://host/project/1/a    | depth 3            | http://host/project",
        "http://host/project/1/a    | depth 1            | http:/",
        "http://host/project/1/a    | depth 2 path-only  | /project/1",
        "http://u@h:8/p/q?z=1       | path-only whole    | /p/q?z=1",
        "/p/q?z                     | path-only          | /p/q",
        "*                          | path-only          | ''",
        "host:443                   | path-only          | ''",
        "http://host                | path-only          | ''",
        "http://host?x=/a           | path-only          | /a",
        "''                         | depth 2            | ''",
        "?a                         | plain              | ''",
      })
  void keys(String target, String options, String key) {
    UriKey k = parse(options);
    assertEquals(key, k.key(target));
    HashType t = HashType.DEFAULT;
    assertEquals(HashFunction.SDBM.hash(key), k.hash(target, t), "hash of the key");
  }

  static UriKey parse(String options) {
    int len = 0;
    int depth = 0;
    boolean whole = false;
    boolean pathOnly = false;
    String[] w = options.trim().split(" ");
    for (int i = 0; i < w.length; i++) {
      switch (w[i]) {
        case "len":
          len = Integer.parseInt(w[++i]);
          break;
        case "depth":
          depth = Integer.parseInt(w[++i]);
          break;
        case "whole":
          whole = true;
          break;
        case "path-only":
          pathOnly = true;
          break;
        default:
          break;
      }
    }
    return new UriKey(len, depth, whole, pathOnly);
  }

  @Test
  void avalancheIsAppliedAfterTheFunction() {
    HashType t = HashType.consistent();
    assertEquals(Avalanche.fullHash(HashFunction.SDBM.hash("/project/42")), DEPTH2.hash("/project/42/x", t));
  }

  /** The fused scan + sdbm and the generic path agree with "hash the extracted key" for every option mix. */
  @Test
  void hashEqualsHashOfKeyForRandomTargets() {
    long seed = 0x0BADCAFEL;
    SplittableRandom r = new SplittableRandom(seed);
    for (int n = 0; n < 20_000; n++) {
      String target = RandomTargets.next(r);
      UriKey k = new UriKey(r.nextInt(4) == 0 ? r.nextInt(1, 20) : 0, r.nextInt(0, 5), r.nextBoolean(), r.nextBoolean());
      for (HashFunction fn : HashFunction.values()) {
        long range = k.range(target, 0, target.length());
        byte[] key = keyBytes(target, range);
        boolean aval = r.nextBoolean();
        int expected = fn.hash(key, 0, key.length);
        if (aval) {
          expected = Avalanche.fullHash(expected);
        }
        assertEquals(expected, k.hash(target, 0, target.length(), fn, aval), "seed " + seed + " " + k + " " + target);
      }
    }
  }

  /** {@code len} counts bytes of the byte view: a cut inside a multi-byte char keeps its first bytes. */
  @Test
  void lenCutsMultiByteCharacters() {
    String target = "/a\u20ACb"; // '/' 'a' E2 82 AC 'b'
    UriKey k = new UriKey(4, 0, false, false);
    long range = k.range(target, 0, target.length());
    assertEquals(0, UriKey.rangeStart(range));
    assertEquals(2, UriKey.rangeEnd(range));
    assertEquals(2, UriKey.rangePartial(range));
    byte[] expected = {'/', 'a', (byte) 0xE2, (byte) 0x82};
    for (HashFunction fn : HashFunction.values()) {
      assertEquals(fn.hash(expected, 0, 4), k.hash(target, 0, target.length(), fn, false), fn.toString());
    }
    // Without a cut, the whole UTF-8 sequence is in the key and '/' after it still counts.
    UriKey d = UriKey.depth(1);
    byte[] full = "/\u20AC".getBytes(StandardCharsets.UTF_8);
    assertEquals(HashFunction.SDBM.hash(full, 0, full.length), d.hash("/\u20AC/x", HashType.DEFAULT));
  }

  @Test
  void subRangesAreRespected() {
    String line = "GET /project/42/a HTTP/1.1";
    assertEquals(DEPTH2.hash("/project/42/a", HashType.DEFAULT),
        DEPTH2.hash(line, 4, 17, HashFunction.SDBM, false));
  }

  @Test
  void configForm() {
    assertEquals("uri len 10 depth 2 whole path-only", new UriKey(10, 2, true, true).toString());
    assertEquals("uri", UriKey.PLAIN.toString());
  }

  static byte[] keyBytes(String target, long range) {
    int start = UriKey.rangeStart(range);
    int end = UriKey.rangeEnd(range);
    byte[] view = org.stickyroute.testing.ByteViews.of(target.substring(start, end));
    int partial = UriKey.rangePartial(range);
    if (partial == 0) {
      return view;
    }
    byte[] next = org.stickyroute.testing.ByteViews.of(
        target.substring(end, Character.isHighSurrogate(target.charAt(end)) ? end + 2 : end + 1));
    byte[] out = new byte[view.length + partial];
    System.arraycopy(view, 0, out, 0, view.length);
    System.arraycopy(next, 0, out, view.length, partial);
    return out;
  }
}
