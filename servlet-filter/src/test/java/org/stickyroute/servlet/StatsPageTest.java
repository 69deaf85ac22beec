package org.stickyroute.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.stickyroute.servlet.testing.Http.get;
import static org.stickyroute.servlet.testing.Http.header;
import static org.stickyroute.servlet.testing.Http.send;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.stickyroute.AdminState;
import org.stickyroute.Backend;
import org.stickyroute.CheckResult;
import org.stickyroute.Health;
import org.stickyroute.Router;
import org.stickyroute.ServerStatusWord;
import org.stickyroute.servlet.testing.Containers;
import org.stickyroute.servlet.testing.EchoServlet;
import org.stickyroute.servlet.testing.ServletContainer;

/**
 * The stats page through real HTTP in both containers: HAProxy's layout (grouped columns, frontend, server and
 * backend rows, legend), the stats-only sections left out, escaping, {@code stats refresh} and {@code ;up} /
 * {@code ;norefresh}, and the admin actions: credentials required, the CSRF token and origin checks, refused
 * without {@code stats admin}, and the JSON endpoint changing the router's state.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Containers.class)
class StatsPageTest {
  @Parameter Containers kind;

  static final String CONFIG = """
      frontend web
          default_backend app

      backend app
          balance roundrobin
          server a1 127.0.0.1:6001
          server a2 127.0.0.1:6002
          server a3 127.0.0.1:6003 weight 10
          server a4 127.0.0.1:6004 check inter 1h
          server b1 127.0.0.1:6005 backup

      listen admin
          bind 127.0.0.1:4999
          stats enable
          stats uri /
          stats auth user:pass
          stats auth other:word
          stats admin if TRUE
          stats refresh 7s

      listen readonly
          bind 127.0.0.1:4998
          stats uri /
          stats auth viewer:look
      """;

  static ServletContainer container;
  static int port;
  static StickyRouteFilter filter;

  @BeforeParameterizedClassInvocation
  static void start(Containers kind) throws Exception {
    Path cfg = Files.createTempFile("stats-page", ".cfg");
    Files.writeString(cfg, CONFIG);
    cfg.toFile().deleteOnExit();
    filter = new StickyRouteFilter();
    container = kind.get()
        .filter("sticky", filter, "/app/*", Map.of("config", cfg.toString(), "frontend", "web"))
        .servlet("echo", new EchoServlet(), "/app/*")
        .servlet("stats", new StickyStatsServlet(), "/stickyroute/stats/*")
        .servletWithParams("ro", new StickyStatsServlet(), "/ro/stats/*", Map.of("stats-section", "readonly"))
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

  static final String USER = basic("user:pass");

  static Backend app() {
    Router r = filter.router();
    return r.backend("app");
  }

  static ServerStatusWord status(String server) {
    return app().stats().servers().stream().filter(s -> s.name().equals(server)).findFirst().orElseThrow().status();
  }

  static String page(String target) {
    HttpResponse<String> r = get(port, target, "Authorization", USER);
    assertEquals(200, r.statusCode(), r.body());
    return r.body();
  }

  static String token(String html) {
    Matcher m = Pattern.compile("name=\"token\" value=\"([^\"]+)\"").matcher(html);
    assertTrue(m.find(), "the admin form carries a token: " + html);
    return m.group(1);
  }

  static HttpResponse<String> form(String auth, String body, String... headers) {
    String[] h = new String[headers.length + 4];
    h[0] = "Content-Type";
    h[1] = "application/x-www-form-urlencoded";
    h[2] = "Authorization";
    h[3] = auth;
    System.arraycopy(headers, 0, h, 4, headers.length);
    return send("POST", port, "/stickyroute/stats", body, h);
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Test
  void haproxysLayoutGroupedColumnsRowsAndLegend() {
    get(port, "/app/warm");
    String html = page("/stickyroute/stats");
    for (String group : List.of("<th colspan=3>Queue</th>", "<th colspan=3>Session rate</th>",
        "<th colspan=6>Sessions</th>", "<th colspan=2>Bytes</th>", "<th colspan=2>Denied</th>",
        "<th colspan=3>Errors</th>", "<th colspan=2>Warnings</th>", "<th colspan=9>Server</th>")) {
      assertTrue(html.contains(group), group);
    }
    assertTrue(html.contains("<th>Status</th><th>LastChk</th><th>Wght</th><th>Act</th><th>Bck</th><th>Chk</th>"
        + "<th>Dwn</th><th>Dwntme</th><th>Thrtle</th>"), "Server sub-columns");
    assertTrue(html.contains("<tr class=\"frontend\">") && html.contains("href=\"#web/Frontend\">Frontend</a>"));
    assertTrue(html.contains("<tr class=\"backend\">") && html.contains("href=\"#app/Backend\">Backend</a>"));
    assertTrue(html.contains("<tr class=\"active_no_check\">"), "unchecked active servers");
    assertTrue(html.contains("<i>no check</i>"), "unchecked servers' status");
    assertTrue(html.contains("<tr class=\"backup_no_check\">"), "unchecked backup server");
    assertTrue(html.contains("href=\"#app/a1\">a1</a>"));
    for (String legend : List.of("active_up", "backup_up", "active_going_down", "backup_going_down",
        "active_going_up", "backup_going_up", "active_down", "active_no_check", "maintain", "active_draining")) {
      assertTrue(html.contains("<td class=\"" + legend + "\">"), "legend " + legend);
    }
    assertTrue(html.contains("General process information"));
    // every row has 1 name + 30 data cells, +1 checkbox column in the tables of proxies with servers (admin)
    Matcher row = Pattern.compile("<tr class=\"(?:frontend|backend|active_\\w+|backup_\\w+|maintain)\">(.*?)</tr>")
        .matcher(html.replaceAll("<div class=tips>.*?</div>", "")); // tooltips hold tables of their own
    int rows = 0;
    while (row.find()) {
      rows++;
      int cells = 0;
      Matcher td = Pattern.compile("<td(?: class=\\w+)?(?: colspan=(\\d+))?[ >]").matcher(row.group(1));
      while (td.find()) {
        cells += td.group(1) == null ? 1 : Integer.parseInt(td.group(1));
      }
      assertEquals(row.group().startsWith("<tr class=\"frontend\">") ? 31 : 32, cells, row.group());
    }
    assertEquals(1 + 5 + 1, rows, "frontend web, 5 servers, backend app");
  }

  @Test
  void statsOnlySectionsAreLeftOut() {
    String json = page("/stickyroute/stats?format=json");
    assertTrue(json.startsWith("{\"frontends\":[{\"name\":\"web\",\"status\":\"OPEN\",\"traffic\":{"), json);
    assertFalse(json.contains("\"name\":\"admin\"") || json.contains("\"name\":\"readonly\""), json);
    assertTrue(json.contains("\"lbtot\":") && json.contains("\"hrsp_5xx\":"), "HAProxy's counter names: " + json);
    String html = page("/stickyroute/stats");
    assertFalse(html.contains("href=\"#admin\""), "listen admin is a stats page, not traffic");
    assertFalse(html.contains("href=\"#readonly\""));
    assertTrue(html.contains("href=\"#web\"") && html.contains("href=\"#app\""));
  }

  @Test
  void checkDetailsAreEscaped() {
    // Names are checked by the loader (letters, digits, '-', '_', '.', ':'); a check's detail is free text.
    String evil = "Layer7 wrong status <script>alert('x')</script> & \"more\"";
    String html = "";
    for (int i = 0; i < 50 && !html.contains("&lt;script&gt;"); i++) {
      app().recordCheck("a4", new CheckResult(false, 503, 2, evil, Instant.now()), 0);
      html = page("/stickyroute/stats");
    }
    assertFalse(html.contains("<script>"), html);
    assertTrue(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;more&quot;"), html);
    assertTrue(html.contains("L7STS/503 in 2ms"), html);
  }

  @Test
  void refreshFromTheConfigurationAndHaproxysUrlOptions() {
    HttpResponse<String> r = get(port, "/stickyroute/stats", "Authorization", USER);
    assertEquals("7", header(r, "Refresh"), "stats refresh 7s");
    assertEquals("DENY", header(r, "X-Frame-Options"));
    assertNull(header(get(port, "/stickyroute/stats;norefresh", "Authorization", USER), "Refresh"));
    assertTrue(r.body().contains("href=\"/stickyroute/stats;norefresh\">Disable refresh</a>"), r.body());
    app().setAdmin("a1", AdminState.MAINT);
    try {
      assertTrue(page("/stickyroute/stats").contains("href=\"#app/a1\""));
      String up = page("/stickyroute/stats;up");
      assertFalse(up.contains("href=\"#app/a1\""), ";up hides MAINT and DOWN servers");
      assertTrue(up.contains("href=\"#app/a2\""));
      assertTrue(page("/stickyroute/stats").contains("<tr class=\"maintain\">"));
    } finally {
      app().setAdmin("a1", AdminState.READY);
    }
    assertNull(header(get(port, "/ro/stats", "Authorization", basic("viewer:look")), "Refresh"),
        "the readonly section has no stats refresh");
  }

  @Test
  void credentialsAreRequiredForEverything() {
    assertEquals(401, get(port, "/stickyroute/stats").statusCode());
    assertEquals(401, form(basic("user:wrong"), "b=app&s=a2&action=drain&token=x").statusCode());
    assertEquals(401, send("POST", port, "/stickyroute/stats/admin", "{\"backend\":\"app\",\"server\":\"a2\","
        + "\"state\":\"drain\"}", "Content-Type", "application/json").statusCode());
    assertEquals(ServerStatusWord.UP, status("a2"));
  }

  @Test
  void theAdminFormNeedsItsToken() {
    String token = token(page("/stickyroute/stats"));
    String action = "b=app&s=a2&action=drain";
    assertEquals(403, form(USER, action).statusCode(), "no token");
    assertEquals(403, form(USER, action + "&token=" + enc(token + "x")).statusCode(), "wrong token");
    assertEquals(403, form(USER, action + "&token=" + enc("1." + token.substring(token.indexOf('.') + 1)))
        .statusCode(), "signature of another time");
    assertEquals(403, form(basic("other:word"), action + "&token=" + enc(token)).statusCode(), "another user's");
    assertEquals(403, form(USER, action + "&token=" + enc(token), "Origin", "http://evil.example").statusCode());
    assertEquals(403, form(USER, action + "&token=" + enc(token), "Origin", "null").statusCode());
    assertEquals(ServerStatusWord.UP, status("a2"), "nothing changed");

    HttpResponse<String> ok = form(USER, action + "&token=" + enc(token), "Origin", "http://127.0.0.1:" + port);
    try {
      assertEquals(303, ok.statusCode(), ok.body());
      assertEquals("/stickyroute/stats;st=DONE", header(ok, "Location"));
      assertEquals(ServerStatusWord.DRAIN, status("a2"));
      String after = page("/stickyroute/stats;st=DONE");
      assertTrue(after.contains("Action processed successfully."));
      assertTrue(after.contains("<tr class=\"active_draining\">"), "DRAIN's colour");
      assertTrue(Pattern.compile("<td class=ac>\\d+s DRAIN &darr;</td>").matcher(after).find(),
          "DRAIN in the Status column, with HAProxy's arrow for an unchecked server below the top of its counter");
      HttpResponse<String> weight = form(USER, "b=app&s=a2&s=nosuch&action=weight&weight=7&token=" + enc(token));
      assertEquals("/stickyroute/stats;st=PART", header(weight, "Location"));
      assertEquals(7, app().stats().servers().get(1).weight());
      assertEquals("/stickyroute/stats;st=ERRP",
          header(form(USER, "b=app&s=a2&action=fly&token=" + enc(token)), "Location"));
    } finally {
      app().setAdmin("a2", AdminState.READY);
      app().setWeight("a2", 1);
    }
  }

  @Test
  void noAdminWithoutStatsAdmin() {
    String viewer = basic("viewer:look");
    String html = get(port, "/ro/stats", "Authorization", viewer).body();
    assertFalse(html.contains("name=\"token\""), "no admin form");
    assertFalse(html.contains("type=\"checkbox\" name=\"s\""));
    HttpResponse<String> f = send("POST", port, "/ro/stats", "b=app&s=a3&action=maint&token=x",
        "Authorization", viewer, "Content-Type", "application/x-www-form-urlencoded");
    assertEquals(403, f.statusCode());
    HttpResponse<String> j = send("POST", port, "/ro/stats/admin", "{\"backend\":\"app\",\"server\":\"a3\","
        + "\"state\":\"maint\"}", "Authorization", viewer, "Content-Type", "application/json");
    assertEquals(403, j.statusCode());
    assertEquals(ServerStatusWord.UP, status("a3"));
  }

  @Test
  void theJsonEndpointChangesState() {
    String url = "/stickyroute/stats/admin";
    try {
      HttpResponse<String> r = send("POST", port, url, "{\"backend\":\"app\",\"server\":\"a3\",\"state\":\"drain\"}",
          "Authorization", USER, "Content-Type", "application/json");
      assertEquals(200, r.statusCode(), r.body());
      assertTrue(r.body().contains("\"status\":\"DRAIN\""), r.body());
      assertEquals(ServerStatusWord.DRAIN, status("a3"));

      r = send("POST", port, url, "{\"backend\":\"app\",\"server\":\"a3\",\"state\":\"ready\",\"health\":\"down\","
          + "\"weight\":42}", "Authorization", USER, "Content-Type", "application/json; charset=utf-8");
      assertEquals(200, r.statusCode(), r.body());
      assertEquals(ServerStatusWord.DOWN, status("a3"));
      assertEquals(42, app().stats().servers().get(2).weight());
      assertTrue(page("/stickyroute/stats").contains("<tr class=\"active_down\">"));

      assertEquals(415, send("POST", port, url, "backend=app", "Authorization", USER,
          "Content-Type", "application/x-www-form-urlencoded").statusCode(), "a form cannot reach it");
      assertEquals(404, send("POST", port, url, "{\"backend\":\"app\",\"server\":\"zz\",\"state\":\"drain\"}",
          "Authorization", USER, "Content-Type", "application/json").statusCode());
      assertEquals(404, send("POST", port, url, "{\"backend\":\"zz\",\"server\":\"a3\",\"state\":\"drain\"}",
          "Authorization", USER, "Content-Type", "application/json").statusCode());
      for (String bad : List.of("{\"backend\":\"app\",\"server\":\"a3\",\"weight\":257}", "[1]", "{",
          "{\"backend\":\"app\",\"server\":\"a3\"}", "{\"backend\":\"app\",\"server\":\"a3\",\"state\":\"up\"}",
          "{\"backend\":\"app\",\"server\":\"a3\",\"colour\":\"red\"}")) {
        HttpResponse<String> e = send("POST", port, url, bad, "Authorization", USER, "Content-Type", "application/json");
        assertEquals(400, e.statusCode(), bad + " -> " + e.body());
        assertTrue(e.body().startsWith("{\"error\":"), e.body());
      }
      assertEquals(403, send("POST", port, url, "{\"backend\":\"app\",\"server\":\"a3\",\"state\":\"maint\"}",
          "Authorization", USER, "Content-Type", "application/json", "Origin", "https://evil.example")
          .statusCode(), "cross-origin");
      assertEquals(405, get(port, url, "Authorization", USER).statusCode());
    } finally {
      app().setAdmin("a3", AdminState.READY);
      app().setHealth("a3", Health.UP);
      app().setWeight("a3", 10);
    }
    assertNotNull(app());
  }
}
