package org.stickyroute.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.stickyroute.servlet.testing.Http.get;
import static org.stickyroute.servlet.testing.Http.header;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.stickyroute.servlet.testing.Containers;
import org.stickyroute.servlet.testing.EchoServlet;
import org.stickyroute.servlet.testing.ServletContainer;

/**
 * The machine-readable formats of the stats servlet, in both containers, behind the same credentials as the
 * page: {@code <uri>;csv} (HAProxy's CSV, names that need quoting quoted) and {@code <uri>/metrics} (the
 * Prometheus text format with HAProxy's exporter's names).
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Containers.class)
class StatsFormatsServletTest {
  @Parameter Containers kind;

  static final String CONFIG = """
      frontend web
          default_backend app

      backend app
          balance roundrobin
          server a1 127.0.0.1:6001
          server a2 127.0.0.1:6002

      listen admin
          bind 127.0.0.1:4999
          stats enable
          stats auth user:pass
          stats uri /
      """;

  static ServletContainer container;
  static int port;

  @BeforeParameterizedClassInvocation
  static void start(Containers kind) throws Exception {
    Path cfg = Files.createTempFile("formats", ".cfg");
    Files.writeString(cfg, CONFIG);
    cfg.toFile().deleteOnExit();
    container = kind.get()
        .filter("sticky", new StickyRouteFilter(), "/app/*", Map.of("config", cfg.toString(), "frontend", "web"))
        .servlet("echo", new EchoServlet(), "/app/*")
        .servlet("stats", new StickyStatsServlet(), "/stickyroute/stats/*")
        .start();
    port = container.port();
  }

  @AfterParameterizedClassInvocation
  static void stop() throws Exception {
    container.close();
  }

  static String basic(String userPass) {
    return "Basic " + Base64.getEncoder().encodeToString(userPass.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void csvBehindTheCredentialsWithHaproxysHeaderAndRows() {
    assertEquals(401, get(port, "/stickyroute/stats;csv").statusCode());
    for (int i = 0; i < 4; i++) {
      assertEquals(200, get(port, "/app/p" + i).statusCode());
    }
    HttpResponse<String> r = get(port, "/stickyroute/stats;csv", "Authorization", basic("user:pass"));
    assertEquals(200, r.statusCode());
    assertTrue(header(r, "Content-Type").startsWith("text/plain"), header(r, "Content-Type"));
    assertEquals("no-store", header(r, "Cache-Control"));
    String[] lines = r.body().split("\n");
    assertEquals(StatsCsv.header(), lines[0] + "\n");
    assertTrue(lines[1].startsWith("web,FRONTEND,,,0,"), lines[1]);
    assertTrue(lines[2].startsWith("app,a1,"), lines[2]);
    assertTrue(lines[3].startsWith("app,a2,"), lines[3]);
    assertTrue(lines[4].startsWith("app,BACKEND,"), lines[4]);
    assertTrue(lines[5].startsWith("admin,FRONTEND,"), lines[5]);
    int stot = StatsCsv.COLUMNS.indexOf("stot");
    assertEquals("4", lines[4].split(",", -1)[stot], "the backend's sessions: " + lines[4]);
    assertEquals(2 + 2, Long.parseLong(lines[2].split(",", -1)[stot]) + Long.parseLong(lines[3].split(",", -1)[stot]));
    assertTrue(get(port, "/stickyroute/stats;norefresh;csv", "Authorization", basic("user:pass")).body()
        .startsWith(StatsCsv.header()), "options combine, as HAProxy's do");
  }

  @Test
  void prometheusBelowTheUriWithHaproxysExporterNames() {
    assertEquals(401, get(port, "/stickyroute/stats/metrics").statusCode());
    for (int i = 0; i < 3; i++) {
      assertEquals(200, get(port, "/app/m" + i).statusCode());
    }
    HttpResponse<String> r = get(port, "/stickyroute/stats/metrics", "Authorization", basic("user:pass"));
    assertEquals(200, r.statusCode());
    String type = header(r, "Content-Type").replace(" ", ""); // Tomcat drops the spaces
    assertTrue(type.startsWith("text/plain;version=0.0.4"), type);
    assertEquals("no-store", header(r, "Cache-Control"));
    String body = r.body();
    assertTrue(body.contains("# TYPE haproxy_backend_sessions_total counter\n"), body);
    assertTrue(body.contains("haproxy_server_status{proxy=\"app\",server=\"a1\",state=\"UP\"} 1.0\n"), body);
    assertTrue(body.contains("haproxy_frontend_status{proxy=\"web\",state=\"UP\"} 1.0\n"), body);
    long sessions = 0;
    for (String line : body.split("\n")) {
      if (line.startsWith("haproxy_backend_sessions_total{proxy=\"app\"}")) {
        sessions = (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    assertTrue(sessions >= 3, body);
    assertEquals(404, get(port, "/stickyroute/stats/other", "Authorization", basic("user:pass")).statusCode());
  }

  @Test
  void csvQuotesAsHaproxyDoes() {
    StringBuilder b = new StringBuilder();
    StatsCsv.escape("plain", b);
    b.append('|');
    StatsCsv.escape("a,b", b);
    b.append('|');
    StatsCsv.escape("say \"hi\"", b);
    b.append('|');
    StatsCsv.escape("two\nlines", b);
    assertEquals("plain|\"a,b\"|\"say \"\"hi\"\"\"|\"two\nlines\"", b.toString());
  }
}
