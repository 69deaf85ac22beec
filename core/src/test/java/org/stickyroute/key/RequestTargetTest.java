package org.stickyroute.key;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.stickyroute.Router;
import org.stickyroute.config.ConfigLoader;

/** {@link RequestTarget}: the path that {@code path_beg} and {@code path-only} see. */
class RequestTargetTest {
  @Test
  void pathStartAndEnd() {
    String[][] cases = {
      {"/p/q?x", "0", "4"}, {"http://h:80/p?x", "11", "13"}, {"*", "-1", "-1"}, {"h:80", "-1", "-1"},
      {"http://h", "-1", "-1"}, {"", "-1", "-1"}, {"1abc/x", "4", "6"}, {"/\ud83d\ude00?", "0", "3"},
    };
    for (String[] c : cases) {
      int start = RequestTarget.pathStart(c[0], 0, c[0].length());
      assertEquals(Integer.parseInt(c[1]), start, c[0]);
      if (start >= 0) {
        assertEquals(Integer.parseInt(c[2]), RequestTarget.pathEnd(c[0], start, c[0].length()), c[0]);
      }
    }
  }

  /**
   * Regression (found by RequestTargetFuzzTest#frontendRules): an unpaired surrogate is {@code ?} in the byte
   * view — {@code balance uri} stops the key there — but the ACL path ran past it, so {@code path_beg /a?b}
   * matched {@code /a\uD800b}, whose path in bytes is {@code /a}. The path now ends there too.
   */
  @Test
  void anUnpairedSurrogateEndsThePathAsItsByteViewQuestionMarkDoes() {
    assertEquals(2, RequestTarget.pathEnd("/a\ud800b", 0, 4));
    assertEquals(2, RequestTarget.pathEnd("/a\udc00b", 0, 4));
    assertEquals(2, RequestTarget.pathEnd("/a\ud83d", 0, 3), "a high surrogate at the end of the range");
    assertEquals(2, RequestTarget.pathEnd("/a\ud83d\ude00", 0, 3), "its low half lies outside the range");
    Router r = Router.create(ConfigLoader.parse("""
        frontend fe
            acl q path_beg /a?b
            acl a path_beg /a
            use_backend b1 if q
            use_backend b2 if a
        backend b1
            server s 10.0.0.1:80
        backend b2
            server s 10.0.0.2:80
        """, "t.cfg", false));
    assertEquals("b2", r.backendFor(r.frontend("fe"), "/a\ud800b").name());
    assertEquals("b2", r.backendFor(r.frontend("fe"), "/a?b").name(), "the same as the bytes HAProxy would see");
  }
}
