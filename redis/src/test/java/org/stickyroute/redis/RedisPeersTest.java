package org.stickyroute.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.stickyroute.Decision;
import org.stickyroute.Router;
import org.stickyroute.config.ConfigLoader;
import org.stickyroute.http.BasicRequest;
import org.stickyroute.testsupport.RedisServer;
import org.stickyroute.testsupport.RequiresProgram;

/** Sharing configured from stickyroute properties, the password from the environment, against a real Redis. */
@RequiresProgram(value = "redis-server", version = "7", install = "apt-get install -y redis-server")
class RedisPeersTest {
  static final String CFG = RedisStickSharingTest.CFG;

  static Router router() {
    return Router.create(ConfigLoader.parse(CFG, "t.cfg", false));
  }

  @Test
  void propertiesWithThePasswordFromTheEnvironment() throws Exception {
    try (RedisServer redis = new RedisServer(List.of("--requirepass", "s3cret-from-env"))) {
      Map<String, String> props = Map.of(
          "backend.users.sticky-failure", "redispatch", // not ours: ignored
          "peers.mesh.redis.uri", redis.uri(),
          "peers.mesh.redis.key-prefix", "app:",
          "peers.mesh.redis.password-env", "STICKY_REDIS_PASSWORD");
      Map<String, String> env = Map.of("STICKY_REDIS_PASSWORD", "s3cret-from-env");
      assertEquals(Set.of("mesh"), RedisPeers.configured(props));
      Router a = router();
      Router b = router();
      try (RedisPeers pa = RedisPeers.start(a, props, env::get); RedisPeers pb = RedisPeers.start(b, props, env::get)) {
        RedisStickSharing sa = pa.sharings().get(0);
        RedisStickSharing sb = pb.sharings().get(0);
        assertEquals("mesh", sa.peers());
        RedisStickSharingTest.await("both connected", () -> sa.connected() && sb.connected());
        String server = RedisStickSharingTest.route(a, "carol");
        RedisStickSharingTest.await("carol on B", () -> RedisStickSharingTest.entry(b, "carol") != null);
        assertEquals(server, RedisStickSharingTest.route(b, "carol"));
      }
      // a wrong password: the instance routes on, never connects
      Router c = router();
      try (RedisPeers pc = RedisPeers.start(c, props, Map.of("STICKY_REDIS_PASSWORD", "wrong")::get)) {
        TimeUnit.MILLISECONDS.sleep(500);
        assertFalse(pc.sharings().get(0).connected());
        assertTrue(pc.sharings().get(0).failures() > 0);
        try (Decision d = new Decision()) {
          c.route(c.backend("users"), BasicRequest.builder("GET", "/").header("x-user", "dave").build(), d);
          assertTrue(d.ok());
        }
      }
    }
  }

  @Test
  void badSettingsNameTheirKeyAndStartNothing() {
    Router r = router();
    assertEquals(Set.of(), RedisPeers.configured(Map.of("backend.users.sticky-failure", "strict")));
    assertEquals(List.of(), RedisPeers.start(r, Map.of(), k -> null).sharings());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RedisPeers.start(r, Map.of("peers.mesh.redis.key-prefix", "x:"), k -> null));
    assertTrue(e.getMessage().startsWith("peers.mesh.redis.uri: required"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> RedisPeers.start(r, Map.of("peers.mesh.redis.uri", "redis://127.0.0.1:1",
            "peers.mesh.redis.password-env", "NOT_SET_ANYWHERE"), k -> null));
    assertTrue(e.getMessage().contains("'NOT_SET_ANYWHERE' is not set"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> RedisPeers.start(r, Map.of("peers.mesh.redis.url", "redis://127.0.0.1:1"), k -> null));
    assertTrue(e.getMessage().startsWith("peers.mesh.redis.url: unknown"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> RedisPeers.start(r, Map.of("peers.other.redis.uri", "redis://127.0.0.1:1"), k -> null));
    assertTrue(e.getMessage().contains("no stick-table says 'peers other'"), e.getMessage());
  }

  @Test
  void theScanPatternMatchesThePrefixOnly() {
    assertEquals("a\\*b\\?\\[c\\]\\\\:", RedisStickSharing.glob("a*b?[c]\\:"));
    assertEquals("stickyroute:", RedisStickSharing.glob("stickyroute:"));
  }
}
