package org.stickyroute.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.stickyroute.Backend;
import org.stickyroute.BackendSnapshot;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * The demo end to end, in-process on an ephemeral port with a short health-check interval, over real HTTP:
 * project stickiness with the compile counter, cookie stickiness, X-Served-By through the proxy, the stats
 * and admin pages behind the configuration's credentials, an instance going DOWN (redispatch with a new
 * cookie, health checks noticing), and the command line's exit statuses.
 */
class DemoTest {
  static Demo demo;
  static String base;
  static final HttpClient CLIENT = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .followRedirects(HttpClient.Redirect.NEVER)
      .build();

  @BeforeAll
  static void start() throws Exception {
    demo = Demo.start(0, 300);
    base = "http://127.0.0.1:" + demo.port();
  }

  @AfterAll
  static void stop() {
    demo.close();
  }

  static HttpResponse<String> send(String method, String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20))
        .method(method, HttpRequest.BodyPublishers.noBody());
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> get(String path, String... headers) throws Exception {
    return send("GET", path, headers);
  }

  static String auth() {
    String up = demo.credential().user() + ":" + demo.credential().password();
    return "Basic " + Base64.getEncoder().encodeToString(up.getBytes(StandardCharsets.UTF_8));
  }

  static String header(HttpResponse<?> r, String name) {
    return r.headers().firstValue(name).orElse(null);
  }

  @Test
  void aProjectsCompilesAlwaysReachTheSameInstance() throws Exception {
    String first = null;
    for (int n = 1; n <= 3; n++) {
      HttpResponse<String> r = get("/project/5f3c/compile");
      assertEquals(200, r.statusCode());
      String by = header(r, "X-Served-By");
      assertTrue(Demo.INSTANCES.contains(by), by);
      if (first == null) {
        first = by;
      }
      assertEquals(first, by, "balance uri depth 2");
      assertTrue(r.body().contains("compile #" + n + " of project 5f3c on " + by), r.body());
    }
  }

  @Test
  void theServeridCookieKeepsABrowserOnOneInstance() throws Exception {
    HttpResponse<String> first = get("/");
    String by = header(first, "X-Served-By");
    assertEquals("SERVERID=" + by + "; path=/", header(first, "Set-Cookie"));
    for (int i = 0; i < 4; i++) {
      HttpResponse<String> again = get("/dashboard?i=" + i, "Cookie", "SERVERID=" + by + "; overleaf_session=abc");
      assertEquals(by, header(again, "X-Served-By"));
      assertNull(header(again, "Set-Cookie"), "a valid cookie is not re-issued");
      assertTrue(again.body().contains("cookie header received: overleaf_session=abc\n"),
          "insert indirect: the instance never sees SERVERID: " + again.body());
    }
  }

  @Test
  void statsNeedTheConfiguredCredentialsAndParse() throws Exception {
    HttpResponse<String> denied = get("/stickyroute/stats");
    assertEquals(401, denied.statusCode());
    assertEquals("Basic realm=\"stickyroute\"", header(denied, "WWW-Authenticate"));
    assertEquals(401, get("/stickyroute/stats", "Authorization", "Basic dXNlcjp3cm9uZw==").statusCode());
    HttpResponse<String> html = get("/stickyroute/stats", "Authorization", auth());
    assertEquals(200, html.statusCode());
    assertTrue(html.body().contains("href=\"#sharelatex_project\">sharelatex_project</a>"), html.body());
    assertTrue(html.body().contains("name=\"token\""), "examples/overleaf.cfg has stats admin: the admin form");
    assertFalse(html.body().contains("href=\"#admin\""), "listen admin only serves the page");
    assertEquals("10", header(html, "Refresh"), "stats refresh 10s");
    HttpResponse<String> json = get("/stickyroute/stats?format=json", "Authorization", auth());
    assertEquals(List.of("UP", "UP", "UP"), statuses(json.body(), "sharelatex_generic"));
    assertEquals("user", demo.credential().user(), "examples/overleaf.cfg: stats auth user:pass");
  }

  @Test
  void prometheusAtStickyrouteMetricsAndCsvBelowTheStatsUri() throws Exception {
    assertEquals(401, get("/stickyroute/metrics").statusCode());
    HttpResponse<String> metrics = get("/stickyroute/metrics", "Authorization", auth());
    assertEquals(200, metrics.statusCode());
    assertTrue(metrics.body().contains("haproxy_server_status{proxy=\"sharelatex_generic\",server=\"docker-0\","),
        metrics.body());
    assertTrue(metrics.body().contains("# TYPE haproxy_backend_http_responses_total counter"), metrics.body());
    HttpResponse<String> csv = get("/stickyroute/stats;csv", "Authorization", auth());
    assertEquals(200, csv.statusCode());
    assertTrue(csv.body().startsWith("# pxname,svname,qcur,"), csv.body());
    assertTrue(csv.body().contains("\nsharelatex_generic,docker-0,"), csv.body());
  }

  @Test
  void theAdminPageIsProtectedAndRefusesCrossSitePosts() throws Exception {
    assertEquals(401, get("/stickyroute/").statusCode());
    HttpResponse<String> page = get("/stickyroute/", "Authorization", auth());
    assertEquals(200, page.statusCode());
    assertTrue(page.body().contains("docker-2"), page.body());
    HttpResponse<String> forged = send("POST", "/stickyroute/instance?name=docker-2&state=DOWN",
        "Authorization", auth(), "Origin", "http://evil.example");
    assertEquals(403, forged.statusCode());
    assertEquals(DemoInstance.State.UP, demo.instance("docker-2").state());
    assertEquals(400, send("POST", "/stickyroute/instance?name=docker-9&state=DOWN", "Authorization", auth())
        .statusCode());
    assertEquals(401, send("POST", "/stickyroute/instance?name=docker-2&state=DOWN").statusCode());
  }

  @Test
  void anInstanceGoingDownIsRedispatchedWithANewCookieAndTheChecksNotice() throws Exception {
    HttpResponse<String> first = get("/");
    String victim = header(first, "X-Served-By");
    HttpResponse<String> down = send("POST", "/stickyroute/instance?name=" + victim + "&state=DOWN",
        "Authorization", auth());
    assertEquals(victim + " is now DOWN\n", down.body());
    try {
      HttpResponse<String> moved = get("/", "Cookie", "SERVERID=" + victim);
      assertEquals(200, moved.statusCode(), moved.body());
      String by = header(moved, "X-Served-By");
      assertNotEquals(victim, by);
      assertEquals("SERVERID=" + by + "; path=/", header(moved, "Set-Cookie"), "redispatch re-issues the cookie");
      awaitStatus(victim, "DOWN");
      HttpResponse<String> after = get("/", "Cookie", "SERVERID=" + victim);
      assertNotEquals(victim, header(after, "X-Served-By"));
      assertNotNull(header(after, "Set-Cookie"));
    } finally {
      send("POST", "/stickyroute/instance?name=" + victim + "&state=UP", "Authorization", auth());
    }
    awaitStatus(victim, "UP");
    Backend generic = demo.router().backend("sharelatex_generic");
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!counts(generic).equals(List.of(0, 0, 0)) && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    // each server's own count (read signed): a sum would let an over-release on one hide a leak on another
    assertEquals(List.of(0, 0, 0), counts(generic), "every lease, moved or not, was released exactly once");
  }

  @Test
  void aSickInstanceKeepsServingButItsChecksMarkItDown() throws Exception {
    assertEquals("docker-1 is now SICK\n",
        send("POST", "/stickyroute/instance?name=docker-1&state=SICK", "Authorization", auth()).body());
    try {
      awaitStatus("docker-1", "DOWN");
      HttpResponse<String> r = get("/", "Cookie", "SERVERID=docker-1");
      assertNotEquals("docker-1", header(r, "X-Served-By"), "a cookie for a DOWN server is redispatched");
    } finally {
      send("POST", "/stickyroute/instance?name=docker-1&state=UP", "Authorization", auth());
    }
    awaitStatus("docker-1", "UP");
  }

  private static List<Integer> counts(Backend b) {
    BackendSnapshot s = b.snapshot();
    List<Integer> n = new java.util.ArrayList<>();
    for (int i = 0; i < s.serverCount(); i++) {
      n.add(s.counters(i).served());
    }
    return n;
  }

  /** Polls the stats JSON until {@code server} of sharelatex_generic has {@code status} (deadline 30 s). */
  private static void awaitStatus(String server, String status) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    List<String> seen = List.of();
    while (System.nanoTime() < deadline) {
      String json = get("/stickyroute/stats?format=json", "Authorization", auth()).body();
      seen = statuses(json, "sharelatex_generic");
      if (seen.get(Demo.INSTANCES.indexOf(server)).equals(status)) {
        return;
      }
      Thread.sleep(50);
    }
    fail(server + " never became " + status + ": " + seen);
  }

  /** The server statuses of one backend in the stats JSON, in declaration order. */
  static List<String> statuses(String json, String backend) {
    List<String> out = new java.util.ArrayList<>();
    try (JsonParser p = new JsonFactory().createParser(ObjectReadContext.empty(), json)) {
      String currentBackend = null;
      int depth = 0;
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        if (t == JsonToken.START_OBJECT) {
          depth++;
        } else if (t == JsonToken.END_OBJECT) {
          depth--;
        } else if (t == JsonToken.PROPERTY_NAME && depth == 2 && "name".equals(p.currentName())) {
          p.nextToken();
          currentBackend = p.getString();
        } else if (t == JsonToken.PROPERTY_NAME && depth == 3 && "status".equals(p.currentName())) {
          p.nextToken();
          if (backend.equals(currentBackend)) {
            out.add(p.getString());
          }
        }
      }
    }
    return out;
  }

  // ------------------------------------------------------------------------------------- command line

  private static int run(ByteArrayOutputStream out, ByteArrayOutputStream err, String... args) {
    return Demo.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void helpAndBadArguments() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertEquals(0, run(out, err, "--help"));
    assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("usage: java -jar stickyroute-demo.jar"));
    for (String[] bad : List.of(new String[] {"--port"}, new String[] {"--port", "x"}, new String[] {"--port", "70000"},
        new String[] {"--inter", "5"}, new String[] {"--inter", "soon"}, new String[] {"--verbose"},
        new String[] {"8080"})) {
      err.reset();
      assertEquals(Demo.EXIT_USAGE, run(out, err, bad), List.of(bad).toString());
      assertTrue(err.toString(StandardCharsets.UTF_8).contains("usage:"), err.toString(StandardCharsets.UTF_8));
    }
  }

  @Test
  void aPortInUseIsAClearErrorAndExit1() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      assertEquals(1, run(out, err, "--port=" + taken.getLocalPort()));
      assertEquals("stickyroute demo: port " + taken.getLocalPort()
          + " on 127.0.0.1 is already in use; choose another with --port\n", err.toString(StandardCharsets.UTF_8));
      assertEquals("", out.toString(StandardCharsets.UTF_8));
    }
  }

  @Test
  void theBannerSaysWhereEverythingIsAndHowToTryIt() {
    String b = demo.banner();
    for (Predicate<String> p : List.<Predicate<String>>of(
        s -> s.contains(base + "/stickyroute/stats"),
        s -> s.contains(base + "/stickyroute/metrics"),
        s -> s.contains(base + "/stickyroute/ "),
        s -> s.contains("curl -s " + base + "/project/123/compile"),
        s -> s.contains("user 'user', password 'pass'"),
        s -> s.contains("GET /status every 300 ms"),
        s -> s.contains("docker-2 -> 127.0.0.1:" + demo.instance("docker-2").port()))) {
      assertTrue(p.test(b), b);
    }
  }
}
