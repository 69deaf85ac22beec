package org.stickyroute.key;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.stickyroute.Frontend;
import org.stickyroute.Router;
import org.stickyroute.config.AclConfig;
import org.stickyroute.config.BackendConfig;
import org.stickyroute.config.FrontendConfig;
import org.stickyroute.config.RoutingConfig;
import org.stickyroute.config.ServerConfig;
import org.stickyroute.config.SourceLocation;
import org.stickyroute.config.UseBackendRule;
import org.stickyroute.fuzz.FuzzInput;
import org.stickyroute.fuzz.Reference;
import org.stickyroute.hash.HashFunction;

/**
 * Hostile request-targets against key extraction ({@link UriKey#hash} and {@link UriKey#range} under every
 * combination of {@code len}, {@code depth}, {@code whole}, {@code path-only}, hash function and avalanche),
 * {@link RequestTarget} and the frontend's {@code acl path_beg} rules. Besides "never throws", every run
 * compares with the naive byte-level {@link Reference}, and checks that the result does not depend on where
 * the range sits inside a larger buffer. (Linear time is checked by {@code LinearityTest}, not here.)
 *
 * <p>Regression inputs: {@code src/test/resources/org/stickyroute/key/RequestTargetFuzzTestInputs/<method>/};
 * input formats in each method's comment; see docs/reliability.md, to fuzz for longer.
 */
class RequestTargetFuzzTest {
  private static final HashFunction[] FUNCTIONS = {
    HashFunction.SDBM, HashFunction.DJB2, HashFunction.WT6, HashFunction.CRC32
  };

  /**
   * Input: byte 0 = flags (bit 0 whole, bit 1 path-only, bits 2-3 hash function sdbm/djb2/wt6/crc32, bit 4
   * avalanche, bit 5 also hash the target embedded in a larger buffer); byte 1 = {@code len} (0 absent, 255
   * = Integer.MAX_VALUE); byte 2 = {@code depth} (same); the rest = the request-target ({@link FuzzInput#chars}).
   */
  @FuzzTest(maxDuration = "5m")
  void uriKey(byte[] data) {
    int flags = FuzzInput.u8(data, 0, 0);
    int len = option(FuzzInput.u8(data, 1, 0));
    int depth = option(FuzzInput.u8(data, 2, 0));
    String target = FuzzInput.chars(data, Math.min(3, data.length), data.length);
    boolean whole = (flags & 1) != 0;
    boolean pathOnly = (flags & 2) != 0;
    int fn = (flags >>> 2) & 3;
    boolean avalanche = (flags & 16) != 0;
    UriKey key = new UriKey(len, depth, whole, pathOnly);

    int h = key.hash(target, 0, target.length(), FUNCTIONS[fn], avalanche);
    byte[] bytes = Reference.byteView(target, 0, target.length());
    byte[] expectedKey = Reference.uriKey(bytes, len, depth, whole, pathOnly);
    int expected = Reference.hash(fn, expectedKey);
    if (avalanche) {
      expected = Reference.fullHash(expected);
    }
    assertEquals(expected, h, () -> "hash of [" + show(target) + "] " + key);

    long r = key.range(target, 0, target.length());
    int start = UriKey.rangeStart(r);
    int end = UriKey.rangeEnd(r);
    int partial = UriKey.rangePartial(r);
    assertTrue(0 <= start && start <= end && end <= target.length() && partial <= 3, () -> "range " + r);
    assertTrue(partial == 0 || end < target.length(), "a partial char must exist");
    byte[] fromRange = Reference.byteView(target, start, end);
    if (partial > 0) {
      byte[] unit = Reference.byteView(target, end, Math.min(target.length(), end + 2));
      fromRange = concat(fromRange, Arrays.copyOf(unit, partial));
    }
    assertTrue(Arrays.equals(expectedKey, fromRange), () -> "range of [" + show(target) + "] " + key);

    if ((flags & 32) != 0) {
      String padded = "/x?/" + target + "/y?z";
      int from = 4;
      int to = 4 + target.length();
      assertEquals(h, key.hash(padded, from, to, FUNCTIONS[fn], avalanche), "embedded in a larger buffer");
      long pr = key.range(padded, from, to);
      assertEquals(start + from, UriKey.rangeStart(pr));
      assertEquals(end + from, UriKey.rangeEnd(pr));
      assertEquals(partial, UriKey.rangePartial(pr));
    }
  }

  /** The string with everything but printable ASCII escaped, for readable failure messages. */
  static String show(String s) {
    StringBuilder sb = new StringBuilder();
    for (char ch : s.toCharArray()) {
      if (ch >= 0x20 && ch < 0x7F) {
        sb.append(ch);
      } else {
        sb.append(String.format("\\u%04x", (int) ch));
      }
    }
    return sb.length() > 300 ? sb.substring(0, 300) + "...(" + s.length() + " chars)" : sb.toString();
  }

  private static int option(int code) {
    return code == 255 ? Integer.MAX_VALUE : code;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  /** Fixed patterns of ACLs {@code a} and {@code b}; ACL {@code c} takes the fuzzer's patterns. */
  private static final String[] A = {"/project", "/API/"};
  private static final String[] B = {"/static/", "/%70", "/\u00e9t\u00e9"};

  /**
   * Input: byte 0 = flags (bit 0: ACL {@code a} is {@code -i}; bit 1: ACL {@code c} is {@code -i}); then
   * fields separated by 0xFE: the request-target, then up to four {@code path_beg} patterns of ACL {@code c}.
   * Rules: {@code use_backend b0 if a !b}, {@code use_backend b1 if b or c}, {@code use_backend b2 unless a c},
   * {@code default_backend b3}.
   */
  @FuzzTest(maxDuration = "5m")
  void frontendRules(byte[] data) {
    int flags = FuzzInput.u8(data, 0, 0);
    List<String> fields = FuzzInput.fields(data, Math.min(1, data.length));
    String target = fields.get(0);
    List<String> c = new ArrayList<>(fields.subList(1, Math.min(fields.size(), 5)));
    if (c.isEmpty()) {
      c.add("/");
    }
    boolean aCase = (flags & 1) != 0;
    boolean cCase = (flags & 2) != 0;
    Frontend fe = frontend(aCase, c, cCase);

    byte[] bytes = Reference.byteView(target, 0, target.length());
    int ps = RequestTarget.pathStart(target, 0, target.length());
    int refStart = Reference.pathStart(bytes);
    assertEquals(refStart < 0, ps < 0, () -> "has a path: [" + show(target) + "]");
    if (ps >= 0) {
      int pe = RequestTarget.pathEnd(target, ps, target.length());
      assertTrue(ps <= pe && pe <= target.length(), "path range");
      assertEquals(refStart, Reference.byteView(target, 0, ps).length, () -> "path start of [" + show(target) + "]");
    }

    boolean a = any(bytes, A, aCase);
    boolean b = any(bytes, B, false);
    boolean cm = any(bytes, c.toArray(new String[0]), cCase);
    int expected = a && !b ? 0 : b || cm ? 1 : !(a && cm) ? 2 : 3;
    assertEquals(expected, fe.backendIndex(target, 0, target.length()), () -> "rules for [" + show(target) + "] " + show(c.toString()));
    String padded = "/project/" + target + "?/static/";
    assertEquals(expected, fe.backendIndex(padded, 9, 9 + target.length()), "embedded in a larger buffer");
  }

  private static boolean any(byte[] target, String[] patterns, boolean ignoreCase) {
    for (String p : patterns) {
      if (Reference.pathBeg(target, p, ignoreCase)) {
        return true;
      }
    }
    return false;
  }

  private static Frontend frontend(boolean aCase, List<String> c, boolean cCase) {
    RoutingConfig.Builder rc = RoutingConfig.builder();
    for (int i = 0; i < 4; i++) {
      rc.backend(BackendConfig.builder("b" + i).server(ServerConfig.builder("s", "10.0.0.1", 80).build()).build());
    }
    SourceLocation at = SourceLocation.BUILDER;
    List<UseBackendRule.Term> aNotB = List.of(new UseBackendRule.Term("a", false), new UseBackendRule.Term("b", true));
    rc.frontend(FrontendConfig.builder("fe")
        .acl(AclConfig.pathBeg("a", aCase, A))
        .acl(AclConfig.pathBeg("b", false, B))
        .acl(AclConfig.pathBeg("c", cCase, c.toArray(new String[0])))
        .rule(new UseBackendRule("b0", false, List.of(aNotB), at))
        .rule(new UseBackendRule("b1", false,
            List.of(List.of(new UseBackendRule.Term("b", false)), List.of(new UseBackendRule.Term("c", false))), at))
        .rule(new UseBackendRule("b2", true,
            List.of(List.of(new UseBackendRule.Term("a", false), new UseBackendRule.Term("c", false))), at))
        .defaultBackend("b3")
        .build());
    return Router.create(rc.build()).frontend("fe");
  }
}
