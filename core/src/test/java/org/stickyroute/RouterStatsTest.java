package org.stickyroute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.stickyroute.config.ConfigLoader;
import org.stickyroute.config.RoutingConfig;

/** The read model of {@link Router#stats()}: section order, stats-only sections, HAProxy's status texts. */
class RouterStatsTest {
  static final String CFG = String.join("\n",
      "defaults",
      "    mode http",
      "frontend incoming_http",
      "    bind 127.0.0.1:8080",
      "    acl is_project path_beg -i /project",
      "    use_backend sharelatex_project if is_project",
      "    default_backend sharelatex_generic",
      "backend sharelatex_generic",
      "    balance leastconn",
      "    server docker-0 127.0.0.1:5000 check",
      "    server docker-1 127.0.0.1:5001",
      "    server docker-2 127.0.0.1:5002 check rise 2 fall 3",
      "backend sharelatex_project",
      "    balance uri depth 2",
      "    server docker-0 127.0.0.1:5000",
      "listen admin",
      "    bind 127.0.0.1:4999",
      "    stats enable",
      "    stats auth user:pass",
      "    stats uri /",
      "");

  @Test
  void sectionsInConfigurationOrderWithTheStatsOnlyOneMarked() {
    RoutingConfig config = ConfigLoader.parse(CFG, "t.cfg", false);
    RouterStats stats = Router.create(config).stats();
    List<ProxyStats> p = stats.proxies();
    assertEquals(List.of("incoming_http", "sharelatex_generic", "sharelatex_project", "admin"),
        p.stream().map(ProxyStats::name).toList());
    assertNull(p.get(0).backend());
    assertNull(p.get(1).frontend());
    ProxyStats admin = p.get(3);
    assertTrue(admin.statsOnly());
    assertTrue(admin.frontend().statsOnly());
    assertFalse(p.get(0).statsOnly());
    assertEquals(3, stats.visible().size());
    assertEquals("OPEN", p.get(0).frontend().status());
    assertEquals(TrafficStats.EMPTY, p.get(0).frontend().traffic());
  }

  @Test
  void serverStatusTextsShowTheCheckProgressAsHaproxyWritesThem() {
    Router r = Router.create(ConfigLoader.parse(CFG, "t.cfg", false));
    Backend b = r.backend("sharelatex_generic");
    BackendStats s = b.stats();
    // a checked server starts UP with health = rise: one failure from DOWN, "UP 1/3"
    assertEquals("UP 1/3", s.servers().get(0).statusText());
    assertEquals("no check", s.servers().get(1).statusText());
    assertEquals("INI", s.servers().get(0).checkStatus());
    assertNull(s.servers().get(1).checkStatus());
    assertEquals(-1, s.servers().get(0).checkDurationMillis());
    b.recordCheck("docker-0", new CheckResult(true, 200, 3, "Layer7 check passed", java.time.Instant.now()), 4);
    s = b.stats();
    assertEquals("UP", s.servers().get(0).statusText());
    assertEquals("L7OK", s.servers().get(0).checkStatus());
    assertEquals(200, s.servers().get(0).checkCode());
    assertEquals(3, s.servers().get(0).checkDurationMillis());
    b.recordCheck("docker-0", new CheckResult(false, 500, 2, "Layer7 wrong status", java.time.Instant.now()), 3);
    assertEquals("UP 2/3", b.stats().servers().get(0).statusText());
    b.setHealth("docker-0", Health.DOWN);
    b.recordCheck("docker-0", new CheckResult(true, 200, 2, "Layer7 check passed", java.time.Instant.now()), 1);
    assertEquals("DOWN 1/2", b.stats().servers().get(0).statusText());
    b.recordCheck("docker-0", new CheckResult(false, 0, 2, "Layer4 connection problem", java.time.Instant.now()), 0);
    assertEquals("DOWN", b.stats().servers().get(0).statusText());
    assertEquals("L4CON", b.stats().servers().get(0).checkStatus());
    b.setAdmin("docker-1", AdminState.DRAIN);
    assertEquals("DRAIN", b.stats().servers().get(1).statusText());
    b.setAdmin("docker-1", AdminState.MAINT);
    assertEquals("MAINT", b.stats().servers().get(1).statusText());
    BackendStats after = b.stats();
    assertEquals(1, after.activeServers());
    assertEquals("UP", after.status());
    assertEquals(1, after.weight());
    assertEquals(-1, after.traffic().lastsess());
  }

  @Test
  void aBackendWithNoUsableServerIsDownAndCountsItsTransition() {
    Router r = Router.create(ConfigLoader.parse(CFG, "t.cfg", false));
    Backend b = r.backend("sharelatex_project");
    b.setHealth("docker-0", Health.DOWN);
    BackendStats s = b.stats();
    assertEquals("DOWN", s.status());
    assertEquals(1, s.downTransitions());
    assertEquals(0, s.activeServers());
    b.setHealth("docker-0", Health.UP);
    assertEquals("UP", b.stats().status());
  }
}
