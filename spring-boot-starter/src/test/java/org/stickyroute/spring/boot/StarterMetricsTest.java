package org.stickyroute.spring.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.stickyroute.Router;
import org.stickyroute.micrometer.StickyRouteMetrics;

/**
 * The starter with Actuator in a real Spring Boot MVC application on Tomcat: the router's stats are meters of
 * the application's registry under HAProxy's exporter's names, shown by {@code /actuator/metrics}, and the stats
 * servlet answers {@code <path>;csv} and {@code <path>/metrics}.
 */
class StarterMetricsTest {
  @TempDir
  static Path dir;

  static ConfigurableApplicationContext app;
  static int port;
  static final HttpClient client = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    Path file = Files.writeString(dir.resolve("haproxy.cfg"), String.join("\n",
        "frontend web",
        "    default_backend app",
        "backend app",
        "    balance roundrobin",
        "    server s1 127.0.0.1:1",
        "    server s2 127.0.0.1:2",
        "listen admin",
        "    bind 127.0.0.1:4999",
        "    stats enable",
        "    stats auth user:pass",
        "    stats uri /",
        ""));
    Map<String, Object> p = StarterApplicationTest.base();
    p.put("management.endpoints.web.exposure.include", "health,metrics");
    p.put("stickyroute.config", "file:" + file);
    p.put("stickyroute.frontend", "web");
    p.put("stickyroute.stats.enabled", "true");
    app = new SpringApplicationBuilder(EchoApplication.class).properties(p).run();
    port = Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
  }

  static HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(30));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String auth() {
    return "Basic " + Base64.getEncoder().encodeToString("user:pass".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void theStatsAreMetersOfTheApplicationsRegistryAndOfActuator() throws Exception {
    for (int i = 0; i < 6; i++) {
      assertEquals(200, get("/page/" + i).statusCode());
    }
    // The filter counts a response once the chain has returned, which is after the client may have read it
    // (HAProxy also counts at the end of the stream): wait for the sixth 2xx to be counted before reading the
    // meters, which cache one read of the router for a second.
    Router router = app.getBean(Router.class);
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (router.backend("app").stats().traffic().hrsp2xx() < 6 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(6, router.backend("app").stats().traffic().hrsp2xx());
    assertNotNull(app.getBean(StickyRouteMetrics.class));
    app.getBean(StickyRouteMetrics.class).refresh();
    MeterRegistry registry = app.getBean(MeterRegistry.class);
    assertEquals(6, registry.get("haproxy.backend.sessions").tag("proxy", "app").functionCounter().count());
    assertEquals(3, registry.get("haproxy.server.sessions").tags("proxy", "app", "server", "s1").functionCounter()
        .count());
    HttpResponse<String> list = get("/actuator/metrics");
    assertEquals(200, list.statusCode());
    assertTrue(list.body().contains("\"haproxy.backend.sessions\""), list.body());
    HttpResponse<String> one = get("/actuator/metrics/haproxy.backend.http.responses?tag=proxy:app&tag=code:2xx");
    assertEquals(200, one.statusCode(), one.body());
    assertTrue(one.body().contains("\"value\":6.0"), one.body());
  }

  @Test
  void theStatsServletServesCsvAndPrometheusBelowItsPath() throws Exception {
    HttpResponse<String> csv = get("/stickyroute/stats;csv", "Authorization", auth());
    assertEquals(200, csv.statusCode());
    assertTrue(csv.body().startsWith("# pxname,svname,qcur,qmax,scur,"), csv.body());
    assertTrue(csv.body().contains("\napp,s1,"), csv.body());
    HttpResponse<String> metrics = get("/stickyroute/stats/metrics", "Authorization", auth());
    assertEquals(200, metrics.statusCode());
    assertTrue(metrics.body().contains("# TYPE haproxy_backend_sessions_total counter"), metrics.body());
    assertEquals(401, get("/stickyroute/stats/metrics").statusCode());
  }
}
