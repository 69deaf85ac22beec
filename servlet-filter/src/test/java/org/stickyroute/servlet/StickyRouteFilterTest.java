package org.stickyroute.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.stickyroute.servlet.testing.Http.get;
import static org.stickyroute.servlet.testing.Http.header;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.stickyroute.Router;
import org.stickyroute.config.ConfigLoader;
import org.stickyroute.config.RoutingConfig;
import org.stickyroute.servlet.testing.Containers;
import org.stickyroute.servlet.testing.EchoServlet;
import org.stickyroute.servlet.testing.Http;
import org.stickyroute.servlet.testing.ServletContainer;

/**
 * The filter in a real container (Jetty 12 ee10, then Tomcat 11) in front of {@link EchoServlet}, over real
 * HTTP: the decision attribute, indirect stripping through every accessor, cookie headers on every way a
 * response can commit, nocache, the lease's life (sync, async complete/error/timeout, exceptions), the 503.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Containers.class)
class StickyRouteFilterTest {
  static final String CONFIG = """
      frontend fe
          acl is_project path_beg -i /project
          acl is_dead path_beg /dead
          use_backend projects if is_project
          use_backend dead if is_dead
          default_backend app

      backend projects
          balance uri depth 2
          server p1 127.0.0.1:5001
          server p2 127.0.0.1:5002
          server p3 127.0.0.1:5003

      backend app
          balance roundrobin
          cookie SERVERID insert indirect nocache
          server s1 127.0.0.1:5001 cookie s1
          server s2 127.0.0.1:5002 cookie s2
          server s3 127.0.0.1:5003 cookie s3

      backend dead
          server d1 127.0.0.1:5009 disabled
      """;

  @Parameter Containers kind;

  static ServletContainer container;
  static Router router;
  static int port;

  @BeforeParameterizedClassInvocation
  static void start(Containers kind) throws Exception {
    RoutingConfig config = ConfigLoader.parse(CONFIG, "filter-test.cfg", true);
    router = Router.create(config);
    container = kind.get()
        .filter("sticky", new StickyRouteFilter(router, StickyRouteFilter.Options.defaults()), "/*", Map.of())
        .servlet("echo", new EchoServlet(), "/*")
        .start();
    port = container.port();
  }

  @AfterParameterizedClassInvocation
  static void stop() throws Exception {
    container.close();
  }

  @AfterEach
  void everyLeaseReleasedExactlyOnce() {
    Http.awaitIdle(router);
  }

  private static List<String> setCookies(HttpResponse<?> r) {
    return r.headers().allValues("set-cookie");
  }

  // ------------------------------------------------------------------------------------ the decision

  @Test
  void decisionIsARequestAttributeWithItsLeaseHeld() {
    Router reference = Router.create(ConfigLoader.parse(CONFIG, "reference.cfg", true));
    for (String target : List.of("/project/42/compile", "/project/7/output.pdf?x=1", "/PROJECT/9/a")) {
      HttpResponse<String> r = get(port, target);
      assertEquals(200, r.statusCode());
      assertEquals("projects", header(r, "X-Backend"));
      String expected = reference.backend("projects").snapshot().server(
          reference.backend("projects").snapshot().select(target)).name();
      assertEquals(expected, header(r, "X-Server"), target);
      assertEquals("1", header(r, "X-Inflight"), "the lease is held while the application runs");
      assertTrue(setCookies(r).isEmpty(), "no cookie on a backend without one");
    }
    HttpResponse<String> login = get(port, "/login");
    assertEquals("app", header(login, "X-Backend"));
  }

  @Test
  void theSameProjectAlwaysReachesTheSameServer() {
    String first = header(get(port, "/project/123/compile"), "X-Server");
    for (int i = 0; i < 5; i++) {
      assertEquals(first, header(get(port, "/project/123/compile?attempt=" + i), "X-Server"));
    }
  }

  // ---------------------------------------------------------------------------------- indirect stripping

  @Test
  void indirectStripsThePersistenceCookieFromEveryAccessor() {
    HttpResponse<String> r = get(port, "/login", "Cookie", "a=1; SERVERID=s2; b=2");
    assertEquals("s2", header(r, "X-Server"));
    assertEquals("true", header(r, "X-Direct"));
    assertEquals("a=1; b=2", header(r, "X-Cookie"));
    assertEquals("a=1; b=2", header(r, "X-Cookies"));
    assertEquals("true", header(r, "X-Cookie-Named"));
    assertEquals("a=1|b=2", header(r, "X-Cookie-Objects"));
    assertTrue(setCookies(r).isEmpty(), "a valid cookie gets no new Set-Cookie: " + setCookies(r));
    assertNull(header(r, "cache-control"));
  }

  @Test
  void aCookieHeaderWithOnlyThePersistenceCookieDisappears() {
    HttpResponse<String> r = get(port, "/login", "Cookie", "SERVERID=s3");
    assertEquals("s3", header(r, "X-Server"), r.headers().map().toString());
    assertEquals("null", header(r, "X-Cookie"));
    assertEquals("", header(r, "X-Cookies"));
    assertEquals("false", header(r, "X-Cookie-Named"));
    assertEquals("", header(r, "X-Cookie-Objects"));
  }

  @Test
  void anInvalidPersistenceCookieIsStrippedAndReplaced() {
    HttpResponse<String> r = get(port, "/login", "Cookie", "SERVERID=bogus; lang=fr");
    assertEquals("false", header(r, "X-Direct"));
    assertEquals("lang=fr", header(r, "X-Cookie"));
    assertEquals("lang=fr", header(r, "X-Cookie-Objects"));
    assertEquals(List.of("SERVERID=" + header(r, "X-Server") + "; path=/"), setCookies(r));
  }

  @Test
  void otherBackendsSeeTheCookieUnchanged() {
    HttpResponse<String> r = get(port, "/project/1/x", "Cookie", "a=1; SERVERID=s2");
    assertEquals("a=1; SERVERID=s2", header(r, "X-Cookie"));
    assertEquals("a=1|SERVERID=s2", header(r, "X-Cookie-Objects"));
  }

  // ------------------------------------------------------------------------------- response commit points

  private static void assertInserted(HttpResponse<?> r) {
    String server = header(r, "X-Server");
    assertNotNull(server);
    assertEquals(List.of("SERVERID=" + server + "; path=/"), setCookies(r), "Set-Cookie for " + server);
  }

  @Test
  void streamedBodyGetsTheCookieBeforeTheFirstByte() {
    HttpResponse<String> r = get(port, "/login?mode=stream");
    assertEquals(200, r.statusCode());
    assertTrue(r.body().endsWith("chunk 19\n"), r.body());
    assertInserted(r);
    assertEquals("private", header(r, "cache-control"), "Last-Modified makes it cacheable: nocache applies");
  }

  @Test
  void largeBinaryBodyGetsTheCookie() {
    HttpResponse<String> r = get(port, "/login?mode=bytes");
    assertEquals(200, r.statusCode());
    assertEquals(64 * 4096, r.body().length());
    assertInserted(r);
  }

  @Test
  void sendErrorGetsTheCookie() {
    HttpResponse<String> r = get(port, "/login?mode=error");
    assertEquals(404, r.statusCode());
    assertInserted(r);
  }

  @Test
  void sendRedirectGetsTheCookie() {
    HttpResponse<String> r = get(port, "/login?mode=redirect");
    assertEquals(302, r.statusCode());
    assertTrue(header(r, "Location").endsWith("/elsewhere"));
    assertInserted(r);
  }

  @Test
  void emptyResponseGetsTheCookieAtTheEnd() {
    HttpResponse<String> r = get(port, "/login?mode=empty");
    assertEquals(204, r.statusCode());
    assertInserted(r);
  }

  @Test
  void resetBeforeCommitAddsTheCookieAgain() {
    HttpResponse<String> r = get(port, "/login?mode=reset");
    assertEquals("after reset", r.body());
    assertNull(header(r, "X-Before-Reset"));
    assertEquals("1", header(r, "X-After-Reset"));
    assertEquals(1, setCookies(r).size(), setCookies(r).toString());
    assertTrue(setCookies(r).get(0).matches("SERVERID=s[123]; path=/"), setCookies(r).toString());
  }

  // -------------------------------------------------------------------------------------------- nocache

  @Test
  void nocacheOnlyWhenTheResponseIsCacheable() {
    HttpResponse<String> plain = get(port, "/login");
    assertInserted(plain);
    assertNull(header(plain, "cache-control"), "a plain 200 without validators is not cacheable in 2.6.12");

    HttpResponse<String> tagged = get(port, "/login?mode=etag");
    assertInserted(tagged);
    assertEquals("private", header(tagged, "cache-control"));

    HttpResponse<String> dated = get(port, "/login?mode=lastmod");
    assertEquals("private", header(dated, "cache-control"));

    HttpResponse<String> noStore = get(port, "/login?mode=nostore");
    assertInserted(noStore);
    assertEquals(List.of("no-store"), noStore.headers().allValues("cache-control"));

    HttpResponse<String> direct = get(port, "/login?mode=etag", "Cookie", "SERVERID=s1");
    assertTrue(setCookies(direct).isEmpty());
    assertNull(header(direct, "cache-control"), "no cookie inserted, nothing to protect");
  }

  // ---------------------------------------------------------------------- the application's own cookies

  @Test
  void theApplicationsPersistenceCookieIsReplacedOthersKept() {
    HttpResponse<String> r = get(port, "/login?mode=setcookie");
    String server = header(r, "X-Server");
    assertEquals(List.of("lang=en; Path=/", "SERVERID=" + server + "; path=/"), setCookies(r));

    HttpResponse<String> viaApi = get(port, "/login?mode=addcookie");
    List<String> all = setCookies(viaApi);
    assertEquals(2, all.size(), all.toString());
    assertTrue(all.get(0).startsWith("theme=dark"), all.toString());
    assertEquals("SERVERID=" + header(viaApi, "X-Server") + "; path=/", all.get(1));

    HttpResponse<String> direct = get(port, "/login?mode=setcookie", "Cookie", "SERVERID=s2");
    assertEquals(List.of("lang=en; Path=/"), setCookies(direct), "indirect + direct: the server's one is deleted");
  }

  // -------------------------------------------------------------------------------------------- leases

  @Test
  void exceptionThrownByTheApplicationReleasesTheLease() {
    HttpResponse<String> r = get(port, "/login?mode=throw");
    assertEquals(500, r.statusCode());
  }

  @Test
  void asyncCompleteReleasesTheLease() {
    HttpResponse<String> r = get(port, "/login?mode=async");
    assertEquals("async body", r.body());
    assertInserted(r);
    HttpResponse<String> plain = get(port, "/project/5/x?mode=async");
    assertEquals("async body", plain.body());
  }

  @Test
  void asyncCompleteWithoutBodyGetsTheCookie() {
    HttpResponse<String> r = get(port, "/login?mode=async-empty");
    assertEquals(204, r.statusCode());
    assertInserted(r);
  }

  @Test
  void asyncDispatchReusesTheDecision() {
    HttpResponse<String> r = get(port, "/login?mode=async-dispatch", "Cookie", "SERVERID=s1; k=v");
    assertEquals("dispatched", r.body());
    assertEquals("yes", header(r, "X-Async-Dispatch"));
    assertEquals("s1", header(r, "X-Server"));
  }

  @Test
  void asecondAsyncCycleKeepsTheListenerAndEndsOnce() {
    for (String target : List.of("/login?mode=async-twice", "/project/8/x?mode=async-twice")) {
      HttpResponse<String> r = get(port, target);
      assertEquals("second cycle", r.body(), target);
      Http.awaitIdle(router);
    }
    HttpResponse<String> next = get(port, "/login", "Cookie", "SERVERID=s3");
    assertEquals("s3", header(next, "X-Server"), "the next request is not disturbed by late events");
  }

  @Test
  void asyncTimeoutReleasesTheLease() {
    HttpResponse<String> r = get(port, "/login?mode=async-timeout");
    assertTrue(r.statusCode() >= 500, "timed out: " + r.statusCode());
    assertTrue(setCookies(r).isEmpty(), "a page the container made itself carries no persistence cookie");
    HttpResponse<String> plain = get(port, "/project/5/x?mode=async-timeout");
    assertTrue(plain.statusCode() >= 500, "timed out: " + plain.statusCode());
  }

  @Test
  void asyncErrorReleasesTheLease() {
    HttpResponse<String> r = get(port, "/login?mode=async-error");
    assertEquals(500, r.statusCode());
    HttpResponse<String> plain = get(port, "/project/5/x?mode=async-error");
    assertEquals(500, plain.statusCode());
  }

  @Test
  void manyRequestsLeaveNoCountBehind() throws Exception {
    List<Thread> threads = new ArrayList<>();
    String[] modes = {"", "?mode=stream", "?mode=error", "?mode=async", "?mode=throw", "?mode=empty"};
    int[] expected = {200, 200, 404, 200, 500, 204};
    List<String> wrong = java.util.Collections.synchronizedList(new ArrayList<>());
    java.util.concurrent.atomic.AtomicInteger answered = new java.util.concurrent.atomic.AtomicInteger();
    for (int t = 0; t < 4; t++) {
      int id = t;
      Thread th = new Thread(() -> {
        for (int i = 0; i < 15; i++) {
          int m = (i + id) % modes.length;
          String target = (i % 2 == 0 ? "/login" : "/project/" + id + "/" + i) + modes[m];
          try {
            int status = get(port, target).statusCode();
            answered.incrementAndGet();
            if (status != expected[m]) {
              wrong.add(target + " -> " + status + ", expected " + expected[m]);
            }
          } catch (RuntimeException e) {
            wrong.add(target + " -> " + e);
          }
        }
      });
      th.start();
      threads.add(th);
    }
    for (Thread t : threads) {
      t.join();
    }
    assertEquals(List.of(), wrong);
    assertEquals(60, answered.get());
  }

  // ------------------------------------------------------------------------------------ no server

  @Test
  void noUsableServerAnswers503WithoutCallingTheApplication() {
    HttpResponse<String> r = get(port, "/dead/end");
    assertEquals(503, r.statusCode());
    assertTrue(r.body().contains("No server is available to handle this request."), r.body());
    assertNull(header(r, "X-Backend"), "the application was not called");
  }

  // ------------------------------------------------------------------------------------------ safety

  @Test
  void nothingFromTheRequestReachesSetCookie() {
    long seed = new SplittableRandom().nextLong();
    SplittableRandom random = new SplittableRandom(seed);
    String alphabet = "abcSERVID=;, |~$\"%0dAa\t";
    int inserted = 0;
    for (int i = 0; i < 40; i++) {
      StringBuilder cookie = new StringBuilder();
      if (random.nextBoolean()) {
        cookie.append("SERVERID=");
      }
      int n = random.nextInt(24);
      for (int k = 0; k < n; k++) {
        cookie.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String value = cookie.toString().strip();
      String target = "/login?x=%0d%0aX-Evil:%201&y=" + i;
      HttpResponse<String> r = value.isEmpty() ? get(port, target) : get(port, target, "Cookie", value);
      String context = "seed " + seed + ", cookie [" + value + "]";
      assertEquals(200, r.statusCode(), context);
      assertNull(header(r, "X-Evil"), context);
      for (String sc : setCookies(r)) {
        assertTrue(sc.matches("SERVERID=s[123]; path=/"), context + ": " + sc);
        inserted++;
      }
    }
    assertTrue(inserted > 0, "seed " + seed + ": no response carried a cookie, nothing was checked");
  }

  /**
   * The filter passes HAProxy's lower-case names; Tomcat writes them as given, Jetty 12 writes every header
   * it knows in its canonical case whatever the application passed (HTTP/1 names are case-insensitive).
   */
  @Test
  void headerNamesAreWrittenLowerCaseAsHaproxyDoesWhereTheContainerAllows() throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      OutputStream out = s.getOutputStream();
      out.write("GET /login?mode=etag HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
      List<String> head = new ArrayList<>();
      for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
        head.add(line);
      }
      String setCookie = kind == Containers.JETTY ? "Set-Cookie: SERVERID=" : "set-cookie: SERVERID=";
      String cacheControl = kind == Containers.JETTY ? "Cache-Control: private" : "cache-control: private";
      assertEquals(1, head.stream().filter(l -> l.startsWith(setCookie)).count(), head.toString());
      assertTrue(head.contains(cacheControl), head.toString());
    }
  }
}
