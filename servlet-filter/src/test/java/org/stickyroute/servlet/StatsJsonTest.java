package org.stickyroute.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.stickyroute.Backend;
import org.stickyroute.Health;
import org.stickyroute.Lease;
import org.stickyroute.config.Balance;
import org.stickyroute.config.BackendConfig;
import org.stickyroute.config.ServerConfig;
import org.stickyroute.CheckResult;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/** The stats JSON parses back to the values of the stats records. */
class StatsJsonTest {

  /** A tiny tree reader over Jackson's streaming parser: objects become maps, arrays lists. */
  private static Object read(JsonParser p) {
    JsonToken t = p.currentToken();
    switch (t) {
      case START_OBJECT: {
        Map<String, Object> m = new HashMap<>();
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
          String name = p.currentName();
          p.nextToken();
          m.put(name, read(p));
        }
        return m;
      }
      case START_ARRAY: {
        List<Object> l = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          l.add(read(p));
        }
        return l;
      }
      case VALUE_STRING:
        return p.getString();
      case VALUE_NUMBER_INT:
        return p.getLongValue();
      case VALUE_TRUE:
        return true;
      case VALUE_FALSE:
        return false;
      case VALUE_NULL:
        return null;
      default:
        throw new AssertionError("unexpected " + t);
    }
  }

  @SuppressWarnings("unchecked")
  @Test
  void renderedStatsParseBack() {
    BackendConfig cfg = BackendConfig.builder("be \"quoted\"").balance(Balance.leastConn())
        .server(ServerConfig.builder("s1", "127.0.0.1", 1).maxconn(10).check(true).build())
        .server(ServerConfig.builder("s2", "127.0.0.1", 2).weight(3).build())
        .build();
    Backend be = new Backend(cfg);
    Lease a = new Lease();
    Lease b = new Lease();
    be.snapshot().acquireServer(0, a);
    be.snapshot().acquireServer(0, b);
    b.close();
    be.recordCheck("s1", new CheckResult(true, 200, 3, "Layer7 check passed", Instant.parse("2026-01-02T03:04:05Z")), 4);
    be.setHealth("s2", Health.DOWN);

    String json = StatsJson.render(List.of(be.stats()));
    Map<String, Object> root;
    try (JsonParser p = new JsonFactory().createParser(ObjectReadContext.empty(), json)) {
      p.nextToken();
      root = (Map<String, Object>) read(p);
      assertNull(p.nextToken(), "one document");
    }
    List<Object> backends = (List<Object>) root.get("backends");
    assertEquals(1, backends.size());
    Map<String, Object> backend = (Map<String, Object>) backends.get(0);
    assertEquals("be \"quoted\"", backend.get("name"));
    assertEquals("leastconn", backend.get("balance"));
    assertEquals(1L, backend.get("scur"));
    assertEquals(1L, backend.get("usable"));
    List<Object> servers = (List<Object>) backend.get("servers");
    Map<String, Object> s1 = (Map<String, Object>) servers.get(0);
    assertEquals("s1", s1.get("name"));
    assertEquals("UP", s1.get("status"));
    assertEquals(1L, s1.get("scur"));
    assertEquals(2L, s1.get("smax"));
    assertEquals(2L, s1.get("stot"));
    assertEquals(10L, s1.get("slim"));
    assertEquals(16L, s1.get("eweight"));
    assertEquals(4L, s1.get("health"));
    Map<String, Object> check = (Map<String, Object>) s1.get("lastCheck");
    assertEquals(200L, check.get("code"));
    assertEquals(3L, check.get("durationMs"));
    assertEquals("2026-01-02T03:04:05Z", check.get("at"));
    Map<String, Object> s2 = (Map<String, Object>) servers.get(1);
    assertEquals("DOWN", s2.get("status"));
    assertEquals(1L, s2.get("chkdown"));
    assertEquals(48L, s2.get("eweight"));
    assertNull(s2.get("lastCheck"));
    assertEquals(be.stats().servers().get(1).lastTransition().toString(), s2.get("lastTransition"));
    a.close();
  }
}
