package org.stickyroute.spring.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.stickyroute.Router;
import org.stickyroute.config.ConfigLoader;
import org.stickyroute.http.BasicRequest;
import org.stickyroute.http.RequestView;

/**
 * The starter in a real Spring Boot MVC application on Tomcat, on a loopback port, configured only by {@code
 * stickyroute.*} properties: the filter decides as the library does (uri, source behind a trusted proxy, the
 * persistence cookie with the secure-cookie policy), the stats page answers behind its credentials, and
 * Actuator shows a health indicator per backend that follows stickyroute's own health checks.
 */
class StarterApplicationTest {
  @TempDir
  static Path dir;

  static HttpServer checked;
  static final AtomicInteger checkStatus = new AtomicInteger(200);
  static ConfigurableApplicationContext app;
  static String cfg;
  static int port;
  static final HttpClient client = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    checked = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    checked.createContext("/", x -> {
      x.sendResponseHeaders(checkStatus.get(), -1);
      x.close();
    });
    checked.start();
    cfg = String.join("\n",
        "defaults",
        "    mode http",
        "    timeout connect 1s",
        "frontend web",
        "    bind 127.0.0.1:8080",
        "    acl p path_beg /project",
        "    acl s path_beg /source",
        "    use_backend projects if p",
        "    use_backend bysource if s",
        "    default_backend app",
        "backend app",
        "    balance roundrobin",
        "    cookie SERVERID insert indirect nocache",
        "    server s1 127.0.0.1:1 cookie s1",
        "    server s2 127.0.0.1:2 cookie s2",
        "    server s3 127.0.0.1:3 cookie s3",
        "backend projects",
        "    balance uri depth 2",
        "    hash-type consistent",
        "    server s1 127.0.0.1:1",
        "    server s2 127.0.0.1:2",
        "    server s3 127.0.0.1:3",
        "backend bysource",
        "    balance source",
        "    server s1 127.0.0.1:1",
        "    server s2 127.0.0.1:2",
        "    server s3 127.0.0.1:3",
        "backend checked",
        "    option httpchk GET /health",
        "    server c1 127.0.0.1:" + checked.getAddress().getPort() + " check inter 100 fall 1 rise 1",
        "listen admin",
        "    bind 127.0.0.1:4999",
        "    stats enable",
        "    stats auth user:pass",
        "    stats uri /",
        "");
    Path file = Files.writeString(dir.resolve("haproxy.cfg"), cfg);
    Map<String, Object> p = base();
    p.put("stickyroute.config", "file:" + file);
    p.put("stickyroute.frontend", "web");
    p.put("stickyroute.trusted-proxies", "127.0.0.1");
    p.put("stickyroute.secure-cookie", "always");
    p.put("stickyroute.stats.enabled", "true");
    app = new SpringApplicationBuilder(EchoApplication.class).properties(p).run();
    port = Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
  }

  static Map<String, Object> base() {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("server.address", "127.0.0.1");
    p.put("server.port", "0");
    p.put("spring.main.banner-mode", "off");
    p.put("management.endpoints.web.exposure.include", "health");
    p.put("management.endpoint.health.show-details", "always");
    p.put("management.endpoint.health.show-components", "always");
    return p;
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
    if (checked != null) {
      checked.stop(0);
    }
  }

  static HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void requestsGoWhereTheLibraryRoutesThem() throws Exception {
    Router router = Router.create(ConfigLoader.parse(cfg, "haproxy.cfg", false));
    long seed = Long.getLong("stickyroute.seed", System.nanoTime());
    System.out.println("StarterApplicationTest seed " + seed);
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = 0; i < 200; i++) {
      boolean source = i % 2 == 1;
      String target = source ? "/source/" + i : "/project/" + Long.toHexString(r.nextLong()) + "/file/" + r.nextInt(100);
      String clientAddress = "198.51." + r.nextInt(256) + "." + r.nextInt(256);
      HttpResponse<String> resp = get(target, "X-Forwarded-For", clientAddress);
      assertEquals(200, resp.statusCode(), target);
      RequestView view = BasicRequest.builder("GET", target).client(clientAddress).build();
      var backend = router.backendFor(router.frontend("web"), target);
      String expected = backend.snapshot().server(backend.snapshot().select(view)).name();
      assertEquals(expected, resp.headers().firstValue("X-Served-By").orElse("-"), "seed " + seed + ": " + target);
      // the trusted proxy's X-Forwarded-For is the client the application sees, too
      assertTrue(resp.body().contains("client=" + clientAddress + "\n"), resp.body());
    }
  }

  @Test
  void persistenceCookieAsHaproxyWritesItWithTheSecurePolicy() throws Exception {
    HttpResponse<String> first = get("/login");
    String server = first.headers().firstValue("X-Served-By").orElseThrow();
    assertEquals("SERVERID=" + server + "; path=/; Secure", first.headers().firstValue("Set-Cookie").orElseThrow());
    // nocache: only a cacheable response gets Cache-Control: private (this one has no validator or freshness)
    assertFalse(first.headers().firstValue("Cache-Control").isPresent(), first.headers().map().toString());
    HttpResponse<String> cacheable = get("/static/app.js");
    assertTrue(cacheable.headers().firstValue("Set-Cookie").isPresent());
    assertEquals("private", cacheable.headers().firstValue("Cache-Control").orElse(null), cacheable.headers().map().toString());
    for (String s : new String[] {"s1", "s2", "s3"}) {
      HttpResponse<String> again = get("/login", "Cookie", "SERVERID=" + s + "; lang=en");
      assertEquals(s, again.headers().firstValue("X-Served-By").orElseThrow());
      assertTrue(again.body().contains("cookie=lang=en\n"), "indirect: the application never sees SERVERID: " + again.body());
      assertFalse(again.headers().firstValue("Set-Cookie").isPresent(), "a valid cookie is not set again");
    }
  }

  @Test
  void statsPageBehindTheConfiguredCredentials() throws Exception {
    assertEquals(401, get("/stickyroute/stats").statusCode());
    String basic = "Basic " + Base64.getEncoder().encodeToString("user:pass".getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> stats = get("/stickyroute/stats?format=json", "Authorization", basic);
    assertEquals(200, stats.statusCode());
    for (String backend : new String[] {"app", "projects", "bysource", "checked"}) {
      assertTrue(stats.body().contains("\"" + backend + "\""), backend + " in " + stats.body());
    }
    assertEquals(405, get("/stickyroute/stats/admin", "Authorization", basic).statusCode(),
        "the JSON admin endpoint below the page reaches the stats servlet (it takes POST only)");
  }

  @Test
  void aHealthIndicatorPerBackendFollowsTheChecks() throws Exception {
    HttpResponse<String> all = get("/actuator/health/stickyroute");
    for (String backend : new String[] {"app", "projects", "bysource", "checked"}) {
      assertTrue(all.body().contains("\"" + backend + "\""), backend + " in " + all.body());
    }
    String projects = get("/actuator/health/stickyroute/projects").body();
    assertTrue(projects.endsWith("\"status\":\"UP\"}"), projects);
    checkStatus.set(500);
    String down = awaitHealth("checked", "DOWN");
    assertTrue(down.contains("\"c1\":\"DOWN\""), down);
    checkStatus.set(200);
    awaitHealth("checked", "UP");
  }

  static String awaitHealth(String backend, String status) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    String body;
    do {
      body = get("/actuator/health/stickyroute/" + backend).body();
      if (body.endsWith("\"status\":\"" + status + "\"}")) {
        return body;
      }
      Thread.sleep(50);
    } while (System.nanoTime() < deadline);
    throw new AssertionError("backend " + backend + " never became " + status + ": " + body);
  }

  @Test
  void configurationMetadataForIdeCompletion() throws Exception {
    try (InputStream in = StickyRouteProperties.class.getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
      assertNotNull(in, "spring-boot-configuration-processor wrote no metadata");
      String json = new String(in.readAllBytes(), StandardCharsets.UTF_8).replaceAll("\\s+", "");
      for (String name : new String[] {"stickyroute.config", "stickyroute.frontend", "stickyroute.backend",
          "stickyroute.trusted-proxies", "stickyroute.secure-cookie", "stickyroute.health-checks",
          "stickyroute.stats.enabled", "stickyroute.stats.path", "stickyroute.filter.url-patterns"}) {
        assertTrue(json.contains("\"name\":\"" + name + "\""), name);
      }
      assertTrue(json.contains("LocationoftheHAProxy2.6configuration"), "descriptions come from the Javadoc");
    }
  }

  @Test
  void withoutAConfigurationNothingIsRegistered() {
    try (ConfigurableApplicationContext plain = new SpringApplicationBuilder(EchoApplication.class).properties(base()).run()) {
      assertTrue(plain.getBeansOfType(Router.class).isEmpty());
      assertTrue(plain.getBeansOfType(StickyRouteHealthChecks.class).isEmpty());
    }
  }

  @Test
  void aBadConfigurationFailsTheStartWithFileLineAndWord() throws Exception {
    Path bad = Files.writeString(dir.resolve("bad.cfg"), "backend app\n    balance nosuchalgorithm\n    server s1 127.0.0.1:1\n");
    Map<String, Object> p = base();
    p.put("stickyroute.config", "file:" + bad);
    Throwable e = assertThrows(Throwable.class, () -> new SpringApplicationBuilder(EchoApplication.class).properties(p).run());
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    assertTrue(root.getMessage().contains("bad.cfg") && root.getMessage().contains("2") && root.getMessage().contains("nosuchalgorithm"),
        root.getMessage());
  }
}
