package org.stickyroute.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.stickyroute.servlet.testing.Http.get;
import static org.stickyroute.servlet.testing.Http.header;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stickyroute.Router;
import org.stickyroute.config.ConfigLoader;
import org.stickyroute.share.SharedEntry;
import org.stickyroute.servlet.testing.ServletContainer;
import org.stickyroute.servlet.testing.TestBackend;
import org.stickyroute.testsupport.RedisServer;
import org.stickyroute.testsupport.RequiresProgram;

/**
 * Two Jetty proxies (the filter and {@link StickyProxyServlet}), each configured only by init-params, sharing a
 * {@code peers} section through a real redis-server: a user learned on A is sent to the same server by B.
 */
@RequiresProgram(value = "redis-server", version = "7", install = "apt-get install -y redis-server")
class PeersThroughRedisTest {
  static final String CONFIG = """
      peers mesh
          peer a 127.0.0.1:10000

      backend users
          balance roundrobin
          stick-table type string len 32 size 1k expire 60s peers mesh
          stick on req.hdr(x-user)
          server u1 127.0.0.1:P1
          server u2 127.0.0.1:P2
      """;

  @TempDir Path dir;

  @Test
  void twoProxiesConfiguredByInitParamsShareWhatTheyLearn() throws Exception {
    try (RedisServer redis = new RedisServer();
        TestBackend b1 = new TestBackend("b1");
        TestBackend b2 = new TestBackend("b2")) {
      Path cfg = Files.writeString(dir.resolve("haproxy.cfg"),
          CONFIG.replace("P1", Integer.toString(b1.port())).replace("P2", Integer.toString(b2.port())));
      // A reads the Redis settings from its sticky-properties file, B from init-params
      Path props = Files.writeString(dir.resolve("sticky.properties"),
          "peers.mesh.redis.uri = " + redis.uri() + "\npeers.mesh.redis.key-prefix = shop:\n");
      StickyRouteFilter fa = new StickyRouteFilter();
      StickyRouteFilter fb = new StickyRouteFilter();
      try (ServletContainer a = proxy(fa, Map.of("config", cfg.toString(), "backend", "users",
              "sticky-properties", props.toString()));
          ServletContainer b = proxy(fb, Map.of("config", cfg.toString(), "backend", "users",
              "peers.mesh.redis.uri", redis.uri(), "peers.mesh.redis.key-prefix", "shop:"))) {
        get(b.port(), "/"); // no x-user: round robin only, which puts B one step ahead of A
        for (int i = 0; i < 20; i++) {
          String user = "user" + i;
          String onA = header(get(a.port(), "/u", "X-User", user), "X-Served-By");
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
          while (entry(fb.router(), user) == null) {
            assertTrue(System.nanoTime() < deadline, user + " not on B within 10 s");
            Thread.sleep(1);
          }
          assertEquals(entry(fa.router(), user), entry(fb.router(), user), user);
          assertEquals(onA, header(get(b.port(), "/u", "X-User", user), "X-Served-By"), user);
        }
        assertTrue(alive("stickyroute-redis-mesh"));
      }
      // destroy() stopped both instances' sharing
      assertFalse(alive("stickyroute-redis-mesh"));
    }
  }

  @Test
  void aMissingRedisModuleOrABadSettingFailsTheStart() throws Exception {
    Router r = Router.create(ConfigLoader.parse(CONFIG.replace("P1", "1").replace("P2", "2"), "t.cfg", false));
    assertNull(PeersSharing.start(r, Map.of(), "init-params", PeersSharing.BRIDGE));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PeersSharing.start(r, Map.of("peers.mesh.redis.uri", "redis://127.0.0.1:1"), "init-params",
            "org.stickyroute.redis.NotThere"));
    assertTrue(e.getMessage().startsWith("peers.mesh.redis.uri (init-params): sharing stick tables through Redis"
        + " needs org.stickyroute:stickyroute-redis"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> PeersSharing.start(r, Map.of("peers.mesh.redis.uri", "redis://127.0.0.1:1",
            "peers.mesh.redis.password-env", "NOT_SET_ANYWHERE_STICKY"), "init-params", PeersSharing.BRIDGE));
    assertTrue(e.getMessage().contains("'NOT_SET_ANYWHERE_STICKY' is not set"), e.getMessage());
  }

  static ServletContainer proxy(StickyRouteFilter filter, Map<String, String> initParams) throws Exception {
    return ServletContainer.jetty()
        .filterForServlet("sticky", filter, "proxy", initParams)
        .servletWithParams("proxy", new StickyProxyServlet(), "/*", Map.of())
        .start();
  }

  /** The server {@code router}'s shared table has for {@code user}, or {@code null} (without routing). */
  static String entry(Router router, String user) {
    String hex = HexFormat.of().formatHex(user.getBytes(StandardCharsets.US_ASCII));
    for (SharedEntry e : router.sharedTables("mesh").entries()) {
      if (e.key().equals(hex)) {
        return e.server();
      }
    }
    return null;
  }

  static boolean alive(String threadName) {
    return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(threadName) && t.isAlive());
  }
}
