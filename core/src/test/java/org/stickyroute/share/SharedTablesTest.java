package org.stickyroute.share;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.stickyroute.Decision;
import org.stickyroute.Router;
import org.stickyroute.config.ConfigLoader;
import org.stickyroute.config.StickTableConfig;
import org.stickyroute.http.BasicRequest;
import org.stickyroute.stick.StickShare;
import org.stickyroute.stick.StickTable;

class SharedTablesTest {
  static final String CFG = """
      peers mesh
        peer a 127.0.0.1:10000
      backend ips
        balance roundrobin
        stick-table type ip size 100 expire 30s peers mesh
        stick on src
        server s1 10.0.0.1:80
        server s2 10.0.0.2:80
      backend users
        balance roundrobin
        stick-table type string len 8 size 100 expire 30s peers mesh
        stick on hdr(x-user)
        server s1 10.0.0.1:80
        server s2 10.0.0.2:80
      backend ids
        balance roundrobin
        stick-table type integer size 100 peers mesh
        stick on url_param(id)
        server s1 10.0.0.1:80
        server s2 10.0.0.2:80
      backend local
        balance roundrobin
        stick-table type integer size 2
        stick on url_param(id)
        server s1 10.0.0.1:80
      """;

  static Router router() {
    return Router.create(ConfigLoader.parse(CFG, "t.cfg", false));
  }

  static String route(Router r, String backend, BasicRequest req) {
    try (Decision d = new Decision()) {
      r.route(r.backend(backend), req, d);
      return d.serverName();
    }
  }

  @Test
  void localStoresComeOutInAStableEncodingAndApplyElsewhere() throws Exception {
    Router a = router();
    Router b = router();
    SharedTables sa = a.sharedTables("mesh");
    SharedTables sb = b.sharedTables("mesh");
    assertEquals(List.of("ips", "users", "ids"), sa.tables());
    route(a, "ips", BasicRequest.builder("GET", "/").client("10.1.2.3").build());
    String user = route(a, "users", BasicRequest.builder("GET", "/").header("x-user", "alice").build());
    route(a, "ids", BasicRequest.builder("GET", "/?id=4294967295").build());
    SharedEntry ip = sa.poll(1, TimeUnit.SECONDS);
    SharedEntry str = sa.poll(1, TimeUnit.SECONDS);
    SharedEntry id = sa.poll(1, TimeUnit.SECONDS);
    assertEquals("10.1.2.3", ip.key());
    assertEquals("616c696365", str.key());
    assertEquals("4294967295", id.key());
    assertEquals(SharedEntry.NO_EXPIRY, id.ttlMillis());
    assertTrue(ip.ttlMillis() > 29_000 && ip.ttlMillis() <= 30_000, ip.toString());
    assertNull(sa.poll(10, TimeUnit.MILLISECONDS));
    // B routes "alice" by round robin elsewhere first unless it applies A's entry
    String other = user.equals("s1") ? "s2" : "s1";
    assertTrue(sb.apply(str));
    assertTrue(sb.apply(ip));
    assertTrue(sb.apply(id));
    assertTrue(sb.apply(new SharedEntry("users", "626f62", other, 10_000)));
    assertEquals(user, route(b, "users", BasicRequest.builder("GET", "/").header("x-user", "alice").build()));
    assertEquals(other, route(b, "users", BasicRequest.builder("GET", "/").header("x-user", "bob").build()));
    assertEquals(ip.server(), route(b, "ips", BasicRequest.builder("GET", "/").client("10.1.2.3").build()));
    assertEquals(id.server(), route(b, "ids", BasicRequest.builder("GET", "/?id=4294967295").build()));
    // applied entries are not handed back out (no echo); B's own matches re-store (stick on) and do
    assertEquals(4, sb.entries().size());
    assertFalse(sb.apply(new SharedEntry("local", "1", "s1", 1000)), "not shared");
    assertFalse(sb.apply(new SharedEntry("ips", "300.1.1.1", "s1", 1000)));
    assertFalse(sb.apply(new SharedEntry("users", "00112233445566778899", "s1", 1000)), "longer than len");
    assertFalse(sb.apply(new SharedEntry("ids", "4294967296", "s1", 1000)));
    assertThrows(IllegalArgumentException.class, () -> a.sharedTables("nobody"));
  }

  @Test
  void aFullQueueDropsAndCountsAndAKeyIsQueuedOnce() throws Exception {
    Router a = router();
    SharedTables sa = a.sharedTables("mesh");
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < 20_000; i++) {
        route(a, "ids", BasicRequest.builder("GET", "/?id=" + (i % 50)).build());
      }
    }
    // 50 distinct keys, each queued once however often stored (a full table would churn its entries)
    int n = 0;
    while (sa.poll(0, TimeUnit.MILLISECONDS) != null) {
      n++;
    }
    assertEquals(50, n);
    assertEquals(0, sa.dropped());
  }

  @Test
  void aFullQueueDropsAndCounts() throws Exception {
    StickTable t = new StickTable(StickTableConfig.of("t", StickTableConfig.KeyType.INTEGER, 100, 0));
    StickShare s = new StickShare("p", List.of(t), 4, () -> 1000L);
    for (int k = 0; k < 10; k++) {
      assertTrue(t.reserve(1000));
      t.commit(k, null, "s1", 1, 1000, 1000);
    }
    assertEquals(6, s.dropped());
    for (int k = 0; k < 4; k++) {
      assertEquals(Integer.toString(k), s.poll(0, TimeUnit.MILLISECONDS).key());
    }
    assertNull(s.poll(0, TimeUnit.MILLISECONDS));
    assertEquals(10, s.entries().size(), "dropped stores stay local, for the next resync");
  }
}
