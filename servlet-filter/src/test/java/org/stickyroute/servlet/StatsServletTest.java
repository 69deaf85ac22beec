package org.stickyroute.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.stickyroute.servlet.testing.Http.get;
import static org.stickyroute.servlet.testing.Http.header;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.stickyroute.BackendStats;
import org.stickyroute.ServerStatusWord;
import org.stickyroute.ServerStatsRow;
import org.stickyroute.CheckResult;
import org.stickyroute.servlet.testing.Containers;
import org.stickyroute.servlet.testing.EchoServlet;
import org.stickyroute.servlet.testing.ServletContainer;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * The stats servlet beside a filter configured by init-params, in both containers: Basic credentials from
 * the configuration's {@code stats auth} (and from init-params), 401 with the challenge otherwise, JSON
 * that parses and counts the traffic, an HTML table.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Containers.class)
class StatsServletTest {
  @Parameter Containers kind;

  static final String CONFIG = """
      frontend web
          default_backend app

      backend app
          balance leastconn
          cookie SERVERID insert indirect nocache
          server a1 127.0.0.1:6001 cookie a1
          server a2 127.0.0.1:6002 cookie a2

      listen admin
          bind 127.0.0.1:4999
          stats enable
          stats auth user:pass
          stats auth ops:s3cr:et
          stats uri /
      """;

  static ServletContainer container;
  static int port;

  @BeforeParameterizedClassInvocation
  static void start(Containers kind) throws Exception {
    java.nio.file.Path cfg = java.nio.file.Files.createTempFile("stats", ".cfg");
    java.nio.file.Files.writeString(cfg, CONFIG);
    cfg.toFile().deleteOnExit();
    StickyStatsServlet explicit = new StickyStatsServlet();
    container = kind.get()
        .filter("sticky", new StickyRouteFilter(), "/app/*", Map.of("config", cfg.toString(), "frontend", "web"))
        .servlet("echo", new EchoServlet(), "/app/*")
        .servlet("stats", new StickyStatsServlet(), "/stickyroute/stats")
        .servletWithParams("stats2", explicit, "/other/stats", Map.of("auth", "viewer:look"))
        .start();
    port = container.port();
  }

  @AfterParameterizedClassInvocation
  static void stop() throws Exception {
    container.close();
  }

  private static String basic(String userPass) {
    return "Basic " + Base64.getEncoder().encodeToString(userPass.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void missingOrWrongCredentialsGet401WithTheChallenge() {
    for (String[] headers : List.of(new String[0], new String[] {"Authorization", basic("user:wrong")},
        new String[] {"Authorization", basic("viewer:look")}, new String[] {"Authorization", "Bearer x"})) {
      HttpResponse<String> r = get(port, "/stickyroute/stats", headers);
      assertEquals(401, r.statusCode(), List.of(headers).toString());
      assertEquals("Basic realm=\"stickyroute\"", header(r, "WWW-Authenticate"));
      assertFalse(r.body().contains("a1"), "nothing leaks before authentication");
    }
  }

  @Test
  void theConfigurationsStatsAuthLetsIn() {
    get(port, "/app/x");
    HttpResponse<String> html = get(port, "/stickyroute/stats", "Authorization", basic("user:pass"));
    assertEquals(200, html.statusCode());
    assertTrue(header(html, "Content-Type").startsWith("text/html"));
    assertEquals("no-store", header(html, "Cache-Control"));
    assertTrue(html.body().contains(">a1</a>") && html.body().contains(">a2</a>"), html.body());
    assertEquals(200, get(port, "/stickyroute/stats", "Authorization", basic("ops:s3cr:et")).statusCode());
  }

  @Test
  void initParamCredentialsReplaceTheConfigurations() {
    assertEquals(200, get(port, "/other/stats", "Authorization", basic("viewer:look")).statusCode());
    assertEquals(401, get(port, "/other/stats", "Authorization", basic("user:pass")).statusCode());
  }

  @Test
  @SuppressWarnings("unchecked")
  void jsonParsesAndCountsTheTraffic() {
    for (int i = 0; i < 3; i++) {
      get(port, "/app/page" + i);
    }
    HttpResponse<String> r = get(port, "/stickyroute/stats?format=json", "Authorization", basic("user:pass"));
    assertEquals(200, r.statusCode());
    assertTrue(header(r, "Content-Type").startsWith("application/json"));
    Map<String, Object> root;
    try (JsonParser p = new JsonFactory().createParser(ObjectReadContext.empty(), r.body())) {
      p.nextToken();
      root = (Map<String, Object>) read(p);
    }
    List<Map<String, Object>> backends = (List<Map<String, Object>>) root.get("backends");
    Map<String, Object> app = backends.stream().filter(b -> "app".equals(b.get("name"))).findFirst().orElseThrow();
    assertEquals("leastconn", app.get("balance"));
    List<Map<String, Object>> servers = (List<Map<String, Object>>) app.get("servers");
    long total = 0;
    for (Map<String, Object> s : servers) {
      assertEquals("UP", s.get("status"));
      assertEquals(0L, s.get("scur"), "every lease was released");
      total += (Long) s.get("stot");
    }
    assertTrue(total >= 3, "stot counts the requests: " + total);
    HttpResponse<String> byAccept = get(port, "/stickyroute/stats", "Authorization", basic("user:pass"),
        "Accept", "application/json");
    assertTrue(byAccept.body().startsWith("{\"frontends\":[") && byAccept.body().contains("\"backends\":["), byAccept.body());
  }

  @Test
  void htmlEscapesEverythingItShows() {
    Instant now = Instant.parse("2026-11-29T12:00:00Z");
    ServerStatsRow s = new ServerStatsRow("<b>s1</b>", ServerStatusWord.DOWN, false, 1, 16, 100, false, 0, 2, 7, 0, true, 0,
        new CheckResult(false, 0, 3, "Layer4 <script>alert('x')</script> & \"more\"", now), 4, 1, now);
    BackendStats b = new BackendStats("be<&>", "roundrobin", 3, 0, 0, false, List.of(s), now);
    String html = StatsHtml.page("stats <title>", List.of(b), 0);
    assertFalse(html.contains("<script>"), html);
    assertFalse(html.contains("<b>s1</b>"), html);
    assertTrue(html.contains("&lt;b&gt;s1&lt;/b&gt;"), html);
    assertTrue(html.contains("Layer4 &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;more&quot;"), html);
    assertTrue(html.contains("href=\"#be&lt;&amp;&gt;\">be&lt;&amp;&gt;</a>"), html);
    assertTrue(html.contains("<title>stats &lt;title&gt;</title>"), html);
    assertEquals("a\uFFFDb", StatsHtml.escape("a\u0000b"));
    // without the server configurations (rise, fall): no check progress, and no failure
    ServerStatsRow checkedUp = new ServerStatsRow("s2", ServerStatusWord.UP, true, 1, 16, 100, true, 0, 0, 0, 0, true, 2,
        new CheckResult(true, 200, 1, "Layer7 check passed", now), 0, 0, now);
    String up = StatsHtml.tables(List.of(new BackendStats("be", "roundrobin", 1, 0, 1, false, List.of(checkedUp), now)));
    assertTrue(up.contains("<tr class=\"backup_up\">") && up.contains("0s UP</td>"), up);
  }

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
}
