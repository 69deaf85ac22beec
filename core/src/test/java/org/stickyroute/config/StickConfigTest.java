package org.stickyroute.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * {@code stick-table} and {@code stick} through the loader: what HAProxy 2.6 accepts loads as written; what
 * would route differently fails in every mode with file, line and word; counters and rates are warnings.
 */
class StickConfigTest {
  private static RoutingConfig load(String lines, boolean strict) {
    return ConfigLoader.parse("backend b\n" + lines + "  server s1 127.0.0.1:80 id 7\n", "t.cfg", strict);
  }

  @Test
  void tablesAndRulesLoad() {
    BackendConfig b = load("  stick-table type string len 64 size 10k expire 30m nopurge peers mypeers store"
        + " server_id\n  stick store-response res.cook(JSESSIONID)\n  stick match req.cook(JSESSIONID),lower"
        + " table b\n  stick on src\n  stick store-request hdr(x-user)\n", true).backend("b");
    StickTableConfig t = b.stick().table();
    assertEquals(StickTableConfig.KeyType.STRING, t.type());
    assertEquals(64, t.keyLength());
    assertEquals(10 * 1024, t.size());
    assertEquals(30 * 60_000L, t.expireMillis());
    assertTrue(t.nopurge());
    assertEquals("mypeers", t.peers());
    assertEquals(4, b.stick().rules().size());
    assertEquals(StickRule.Kind.STORE_RESPONSE, b.stick().rules().get(0).kind());
    assertEquals("req.cook(JSESSIONID),lower", b.stick().rules().get(1).expression().text());
    assertEquals("b", b.stick().rules().get(1).table());
    assertEquals(31, load("  stick-table type string size 1\n", true).backend("b").stick().table().keyLength(),
        "HAProxy's default string key: 32 bytes with the NUL");
    assertEquals(32, load("  stick-table type binary size 1\n", true).backend("b").stick().table().keyLength());
    assertEquals(4, load("  stick-table type ip size 1m\n", true).backend("b").stick().table().keyLength());
    assertNull(load("", true).backend("b").stick().table());
  }

  @Test
  void aRuleMayUseAnotherBackendsTable() {
    RoutingConfig c = ConfigLoader.parse("backend t\n  stick-table type ip size 10\n"
        + "backend b\n  stick on src table t\n  server s1 127.0.0.1:80\n", "t.cfg", true);
    assertEquals("t", c.backend("b").stick().rules().get(0).table());
  }

  @Test
  void countersAreAWarning() {
    RoutingConfig c = load("  stick-table type ip size 10 store gpc0,http_req_rate(10s),server_id\n", false);
    String w = c.warnings().toString();
    assertTrue(w.contains("t.cfg:2: 'gpc0'") && w.contains("'http_req_rate(10s)'"), w);
    assertThrows(ConfigException.class, () -> load("  stick-table type ip size 10 store gpc0\n", true));
  }

  @Test
  void whatWouldRouteDifferentlyFailsInEveryMode() {
    String[][] cases = {
      {"  stick-table type ip size 10\n  stick on src if TRUE\n", "t.cfg:3: 'if'"},
      {"  stick-table type ip size 10\n  stick on src unless x\n", "t.cfg:3: 'unless'"},
      {"  stick-table type ip size 10\n  stick on src foo\n", "t.cfg:3: 'foo'"},
      {"  stick on src\n", "t.cfg:2: 'b': no stick-table named 'b'"},
      {"  stick-table type ip size 10\n  stick on src table nope\n", "t.cfg:3: 'nope'"},
      {"  stick-table type ip size 10\n  stick on req.hdr(x),bytes(1)\n", "t.cfg:3: 'req.hdr(x),bytes(1)'"},
      {"  stick-table type ip size 10\n  stick match res.cook(x)\n", "t.cfg:3: 'res.cook'"},
      {"  stick-table type ip size 10\n  stick store-response req.cook(x)\n", "t.cfg:3: 'req.cook'"},
      {"  stick-table type ip size 10\n  stick on base\n", "t.cfg:3: 'base'"},
      {"  stick-table type ip size 10\n  stick sideways src\n", "t.cfg:3: 'sideways'"},
      {"  stick-table type ip\n", "t.cfg:2: 'stick-table': missing 'size'"},
      {"  stick-table size 5\n", "t.cfg:2: 'stick-table': missing 'type'"},
      {"  stick-table type mac size 5\n", "t.cfg:2: 'mac'"},
      {"  stick-table type ip len 4 size 5\n", "t.cfg:2: 'len'"},
      {"  stick-table type ip size 5x\n", "t.cfg:2: '5x'"},
      {"  stick-table type ip size 5 srvkey addr\n", "t.cfg:2: 'addr'"},
      {"  stick-table type ip size 5 store bogus\n", "t.cfg:2: 'bogus'"},
      {"  stick-table type ip size 5 expire soon\n", "t.cfg:2: 'soon'"},
      {"  stick-table type ip size 5\n  stick-table type ip size 6\n", "t.cfg:3: 'stick-table'"},
    };
    for (String[] c : cases) {
      for (boolean strict : new boolean[] {false, true}) {
        ConfigException e = assertThrows(ConfigException.class, () -> load(c[0], strict), c[0]);
        assertTrue(e.getMessage().startsWith(c[1]), c[0] + ": " + e.getMessage());
      }
    }
    ConfigException d = assertThrows(ConfigException.class,
        () -> ConfigLoader.parse("defaults\n  stick on src\n", "t.cfg", false));
    assertTrue(d.getMessage().startsWith("t.cfg:2: 'stick'"), d.getMessage());
  }
}
