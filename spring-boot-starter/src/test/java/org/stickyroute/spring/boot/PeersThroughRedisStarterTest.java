package org.stickyroute.spring.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.stickyroute.Router;
import org.stickyroute.redis.RedisPeers;
import org.stickyroute.share.SharedEntry;
import org.stickyroute.testsupport.RedisServer;
import org.stickyroute.testsupport.RequiresProgram;

/**
 * Two Spring Boot applications configured only by {@code stickyroute.*} properties sharing a {@code peers}
 * section through a real redis-server: a user learned by A's filter is routed the same by B's.
 */
@RequiresProgram(value = "redis-server", version = "7", install = "apt-get install -y redis-server")
class PeersThroughRedisStarterTest {
  static final String CONFIG = """
      peers mesh
          peer a 127.0.0.1:10000
      backend users
          balance roundrobin
          stick-table type string len 32 size 1k expire 60s peers mesh
          stick on req.hdr(x-user)
          server u1 127.0.0.1:1
          server u2 127.0.0.1:2
      """;

  static final HttpClient CLIENT = HttpClient.newHttpClient();

  @TempDir Path dir;

  @Test
  void twoApplicationsShareWhatTheyLearn() throws Exception {
    Path cfg = Files.writeString(dir.resolve("haproxy.cfg"), CONFIG);
    try (RedisServer redis = new RedisServer()) {
      Map<String, Object> p = StarterApplicationTest.base();
      p.put("stickyroute.config", "file:" + cfg);
      p.put("stickyroute.backend", "users");
      p.put("stickyroute.peers.mesh.redis.uri", redis.uri());
      p.put("stickyroute.peers.mesh.redis.key-prefix", "boot:");
      try (ConfigurableApplicationContext a = new SpringApplicationBuilder(EchoApplication.class).properties(p).run();
          ConfigurableApplicationContext b = new SpringApplicationBuilder(EchoApplication.class).properties(p).run()) {
        RedisPeers peersB = b.getBean(RedisPeers.class);
        assertEquals(1, peersB.sharings().size());
        Router ra = a.getBean(Router.class);
        Router rb = b.getBean(Router.class);
        get(b, "/"); // no x-user: round robin only, which puts B one step ahead of A
        for (int i = 0; i < 20; i++) {
          String user = "user" + i;
          String onA = get(a, "/u", "X-User", user).headers().firstValue("X-Served-By").orElseThrow();
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
          while (entry(rb, user) == null) {
            assertTrue(System.nanoTime() < deadline, user + " not on B within 10 s");
            Thread.sleep(1);
          }
          assertEquals(entry(ra, user), entry(rb, user), user);
          assertEquals(onA, get(b, "/u", "X-User", user).headers().firstValue("X-Served-By").orElseThrow(), user);
        }
      }
      // closing the applications stopped the sharing
      assertFalse(Thread.getAllStackTraces().keySet().stream()
          .anyMatch(t -> t.getName().equals("stickyroute-redis-mesh") && t.isAlive()));
    }
  }

  @Test
  void aMissingUriFailsTheStartNamingTheProperty() throws Exception {
    Path cfg = Files.writeString(dir.resolve("haproxy.cfg"), CONFIG);
    Map<String, Object> p = StarterApplicationTest.base();
    p.put("stickyroute.config", "file:" + cfg);
    p.put("stickyroute.backend", "users");
    p.put("stickyroute.peers.mesh.redis.key-prefix", "boot:");
    Throwable t = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
        () -> new SpringApplicationBuilder(EchoApplication.class).properties(p).run().close());
    while (t.getCause() != null && !(t instanceof IllegalStateException)) {
      t = t.getCause();
    }
    assertTrue(t.getMessage().startsWith("stickyroute.peers.mesh.redis.uri: required"), t.getMessage());
  }

  @Test
  void peersWithoutTheRedisModuleFailTheStart() {
    StickyRouteProperties props = new StickyRouteProperties();
    StickyRouteAutoConfiguration.requireRedisModule(props, "org.stickyroute.redis.NotThere"); // nothing asked
    props.getPeers().put("mesh", new StickyRouteProperties.Peers());
    StickyRouteAutoConfiguration.requireRedisModule(props, StickyRouteAutoConfiguration.PEERS_BRIDGE); // present
    IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
        () -> StickyRouteAutoConfiguration.requireRedisModule(props, "org.stickyroute.redis.NotThere"));
    assertTrue(e.getMessage().startsWith("stickyroute.peers.mesh: sharing stick tables through Redis needs"
        + " org.stickyroute:stickyroute-redis"), e.getMessage());
  }

  static HttpResponse<String> get(ConfigurableApplicationContext app, String path, String... headers)
      throws Exception {
    int port = Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(30));
    if (headers.length > 0) {
      r.headers(headers);
    }
    HttpResponse<String> resp = CLIENT.send(r.build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, resp.statusCode(), path);
    return resp;
  }

  static String entry(Router router, String user) {
    String hex = HexFormat.of().formatHex(user.getBytes(StandardCharsets.US_ASCII));
    for (SharedEntry e : router.sharedTables("mesh").entries()) {
      if (e.key().equals(hex)) {
        return e.server();
      }
    }
    return null;
  }
}
