package org.stickyroute.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Every {@code balance} keyword of HAProxy 2.6 through the loader: the supported ones load as written, the
 * rest (and what stickyroute cannot evaluate) fail in every mode with the file, the line and the word; words
 * HAProxy ignores are warnings (errors under {@code --strict}).
 */
class BalanceConfigTest {
  private static Balance load(String balance, boolean strict) {
    String cfg = "backend b\n  balance " + balance + "\n  server s1 127.0.0.1:80\n";
    return ConfigLoader.parse(cfg, "t.cfg", strict).backend("b").balance();
  }

  private static RoutingConfig config(String balance) {
    return ConfigLoader.parse("backend b\n  balance " + balance + "\n  server s1 127.0.0.1:80\n", "t.cfg", false);
  }

  @Test
  void everyHttpAlgorithmLoads() {
    assertEquals(Balance.first(), load("first", true));
    assertEquals(Balance.source(), load("source", true));
    assertEquals(Balance.hdr("X-Tenant", false), load("hdr(X-Tenant)", true));
    assertEquals(Balance.hdr("host", true), load("hdr(host) use_domain_only", true));
    assertEquals(Balance.urlParam("user", false), load("url_param user", true));
    assertEquals(Balance.urlParam("user", true), load("url_param user check_post", true));
    assertEquals(Balance.hash(SampleExpression.parse("req.hdr(host),lower")), load("hash req.hdr(host),lower", true));
    assertEquals(Balance.random(16), load("random(0x10)", true));
    assertEquals(Balance.random(8), load("random(010)", true), "strtol base 0: octal");
    assertEquals(Balance.random(2), load("random()", true));
    assertEquals("hash req.cook(sid)", load("'hash' req.cook(sid)", true).toString());
  }

  @Test
  void whatHaproxyIgnoresIsAWarning() {
    String[][] cases = {
      {"source extra", "'extra': unexpected argument"},
      {"first 3", "'3': unexpected argument"},
      {"url_param id check_post 64", "'64': check_post's <max_wait> is ignored"},
      {"hdr(x)y", "'hdr(x)y': the text after ')' is ignored"},
      {"randomfoo", "'randomfoo': read as 'random'"},
      {"random 3", "'3': unexpected argument"},
      {"hash req.hdr", "'req.hdr': 'req.hdr' without a header name never finds a value"},
    };
    for (String[] c : cases) {
      String w = config(c[0]).warnings().toString();
      assertTrue(w.contains("t.cfg:2: " + c[1]), c[0] + ": " + w);
      ConfigException e = assertThrows(ConfigException.class, () -> load(c[0], true), c[0]);
      assertTrue(e.getMessage().startsWith("t.cfg:2: "), e.getMessage());
    }
  }

  @Test
  void whatCannotBeReproducedFailsInEveryMode() {
    String[][] cases = {
      {"rdp-cookie", "rdp-cookie", "TCP"},
      {"rdp-cookie(mstshash)", "rdp-cookie(mstshash)", "TCP"},
      {"hash req.payload(0,10)", "req.payload", "sample fetch not supported by stickyroute"},
      {"hash path,regsub(a,b)", "regsub", "converter not supported by stickyroute"},
      {"hash path,nosuch", "nosuch", "converter not supported"},
      {"hash req.hdr(host), lower", "lower", "hash takes no other argument"},
      {"hash path,field(0,.)", "0", "Unexpected value 0 for index"},
      {"hash", "hash", "requires a sample expression"},
      {"hdr()", "hdr()", "hdr requires an http header field name"},
      {"hdr(host) use_domain", "use_domain", "only accepts 'use_domain_only'"},
      {"url_param", "url_param", "requires an URL parameter name"},
      {"url_param user post", "post", "only accepts 'check_post'"},
      {"random(0)", "random(0)", "at least 1"},
      {"random(2", "random(2", "missing closing parenthesis"},
      {"random(2x)", "random(2x)", "unexpected character 'x'"},
      {"roundrobinx", "roundrobinx", "unknown balance algorithm"},
      {"Source", "Source", "unknown balance algorithm"},
    };
    for (String[] c : cases) {
      for (boolean strict : new boolean[] {false, true}) {
        ConfigException e = assertThrows(ConfigException.class, () -> load(c[0], strict), c[0]);
        assertEquals(c[1], e.word(), c[0] + ": " + e.getMessage());
        assertEquals(2, e.location().line(), c[0]);
        assertTrue(e.getMessage().startsWith("t.cfg:2: '"), e.getMessage());
        assertTrue(e.getMessage().contains(c[2]), c[0] + ": " + e.getMessage());
      }
    }
  }
}
