package org.stickyroute.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.stickyroute.servlet.testing.Http.get;
import static org.stickyroute.servlet.testing.Http.header;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.stickyroute.Backend;
import org.stickyroute.BackendSnapshot;
import org.stickyroute.Router;
import org.stickyroute.config.ConfigLoader;
import org.stickyroute.servlet.testing.Containers;
import org.stickyroute.servlet.testing.EchoServlet;
import org.stickyroute.servlet.testing.Http;
import org.stickyroute.servlet.testing.ServletContainer;
import org.stickyroute.servlet.testing.TestBackend;
import org.stickyroute.testsupport.HeldPort;

/**
 * The filter in front of Jetty 12's ProxyServlet ({@link StickyProxyServlet}), forwarding to real backend
 * servers on loopback, one of them a closed port: target, headers both ways, the server's own persistence
 * cookie, HAProxy's retries and redispatch (map-based, consistent, cookie-persistent), and the lease moving
 * with the request. The proxy runs in Jetty 12 and, as Jetty's proxy is a plain servlet, in Tomcat 11 too.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Containers.class)
class StickyProxyServletTest {
  static final String CONFIG = """
      defaults
          timeout connect 100ms
          retries 3

      frontend fe
          acl is_project path_beg /project
          acl is_cons path_beg /cons
          acl is_persist path_beg /persist
          use_backend projects if is_project
          use_backend cons if is_cons
          use_backend persisting if is_persist
          acl is_hup path_beg /hup
          acl is_strict path_beg /strict
          use_backend hangup if is_hup
          use_backend strictapp if is_strict
          default_backend app

      backend app
          balance roundrobin
          option redispatch
          cookie SERVERID insert indirect nocache
          server s1 127.0.0.1:P1 cookie s1
          server s2 127.0.0.1:P2 cookie s2
          server dead 127.0.0.1:PDEAD cookie dead

      backend projects
          balance uri depth 2
          option redispatch
          server p1 127.0.0.1:P1
          server dead 127.0.0.1:PDEAD

      backend cons
          balance uri depth 2
          hash-type consistent
          option redispatch
          server c1 127.0.0.1:P1
          server dead 127.0.0.1:PDEAD

      backend persisting
          balance roundrobin
          option persist
          option redispatch
          cookie KEEP insert indirect
          server k1 127.0.0.1:P1 cookie k1
          server dead 127.0.0.1:PDEAD cookie dead

      backend hangup
          balance roundrobin
          option redispatch
          cookie HUP insert indirect
          server h1 127.0.0.1:P1 cookie h1
          server rude 127.0.0.1:PRUDE cookie rude

      backend strictapp
          balance roundrobin
          option redispatch
          cookie STRICTID insert indirect
          server t1 127.0.0.1:P1 cookie t1
          server dead 127.0.0.1:PDEAD cookie dead
      """;

  @Parameter Containers kind;

  static TestBackend b1;
  static TestBackend b2;
  static HangUpServer rude;
  /** Where the {@code dead} servers are: a reserved port that refuses connections. */
  static HeldPort dead;
  static RecordingProxy recording;
  static Router router;
  static ServletContainer proxy;
  static int port;

  @BeforeParameterizedClassInvocation
  static void start(Containers kind) throws Exception {
    b1 = new TestBackend("b1");
    b2 = new TestBackend("b2");
    rude = new HangUpServer();
    dead = HeldPort.reserve();
    recording = new RecordingProxy();
    String cfg = CONFIG.replace("PDEAD", Integer.toString(dead.port()))
        .replace("PRUDE", Integer.toString(rude.port()))
        .replace("P1", Integer.toString(b1.port())).replace("P2", Integer.toString(b2.port()));
    router = Router.create(org.stickyroute.config.StickyProperties.apply(ConfigLoader.parse(cfg, "proxy.cfg", true),
        Map.of("backend.strictapp.sticky-failure", "strict"), "test"));
    proxy = kind.get()
        .filterForServlet("sticky", new StickyRouteFilter(router, StickyRouteFilter.Options.defaults()), "proxy", Map.of())
        .servlet("proxy", recording, "/*")
        .servlet("local", new EchoServlet(), "/local/*")
        .start();
    port = proxy.port();
  }

  @AfterParameterizedClassInvocation
  static void stop() throws Exception {
    proxy.close();
    b1.close();
    b2.close();
    rude.close();
    dead.close();
  }

  /** The proxy, recording the server of every attempt of the latest request to each path (numbered from 1). */
  static final class RecordingProxy extends StickyProxyServlet {
    private static final long serialVersionUID = 1L;
    final Map<String, List<String>> attempts = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    protected void onAttemptBegin(jakarta.servlet.http.HttpServletRequest request, int attempt, String server) {
      if (attempt == 1) {
        attempts.put(request.getRequestURI(), java.util.Collections.synchronizedList(new java.util.ArrayList<>()));
      }
      List<String> list = attempts.get(request.getRequestURI());
      list.add(list.size() + 1 == attempt ? server : "attempt " + attempt + " after " + list.size() + ": " + server);
    }

    org.eclipse.jetty.client.HttpClient client() {
      return getHttpClient();
    }

    List<String> of(String target) {
      return List.copyOf(attempts.getOrDefault(target, List.of()));
    }
  }

  /** A server that reads each request and closes the connection without answering (it "dies" mid-request). */
  static final class HangUpServer implements AutoCloseable {
    private final java.net.ServerSocket socket;
    private final java.util.concurrent.atomic.AtomicInteger connections = new java.util.concurrent.atomic.AtomicInteger();

    HangUpServer() throws java.io.IOException {
      socket = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
      Thread t = new Thread(() -> {
        while (!socket.isClosed()) {
          try (java.net.Socket c = socket.accept()) {
            connections.incrementAndGet();
            c.getInputStream().read(new byte[8192]); // the request head, then hang up
          } catch (java.io.IOException e) {
            // closed
          }
        }
      }, "hang-up-server");
      t.setDaemon(true);
      t.start();
    }

    int port() {
      return socket.getLocalPort();
    }

    int connections() {
      return connections.get();
    }

    @Override
    public void close() throws java.io.IOException {
      socket.close();
    }
  }

  @AfterEach
  void leasesBackToZero() {
    Http.awaitIdle(router);
  }

  /** Which backend process serves which configured server (the dead one has none). */
  private static final Map<String, String> PROCESS = Map.of("s1", "b1", "s2", "b2", "p1", "b1", "c1", "b1");

  private static String target(String backend, String server, String prefix) {
    BackendSnapshot snap = router.backend(backend).snapshot();
    for (int i = 0; i < 10_000; i++) {
      String t = prefix + i + "/compile";
      if (snap.server(snap.select(t)).name().equals(server)) {
        return t;
      }
    }
    throw new AssertionError("no target for " + server);
  }

  @Test
  void forwardsToTheChosenServerAndCopiesItsAnswer() {
    String t = target("projects", "p1", "/project/") + "?x=%41";
    HttpResponse<String> r = get(port, t, "Cookie", "lang=fr");
    assertEquals(200, r.statusCode());
    assertEquals("b1", header(r, "X-Served-By"));
    assertTrue(r.body().contains("GET " + t), "the raw request-target: " + r.body());
    assertEquals("lang=fr", header(r, "X-Got-Cookie"));
    assertEquals("127.0.0.1:" + port, header(r, "X-Got-Host"), "the client's Host is kept, as HAProxy does");
  }

  @Test
  void theProxysClientNeverRecyclesResponseBuffers() {
    assertEquals(200, get(port, target("projects", "p1", "/project/"), "Cookie", "lang=fr").statusCode());
    // Jetty 12.1.14 parsed a response from a buffer reset under it (docs/reliability.md): not pooled by default
    assertTrue(recording.client().getByteBufferPool() instanceof org.eclipse.jetty.io.ByteBufferPool.NonPooling,
        "the proxy client's pool: " + recording.client().getByteBufferPool());
  }

  @Test
  void theFilterIsMappedToTheProxyOnly() {
    HttpResponse<String> r = get(port, "/local/x");
    assertEquals(200, r.statusCode());
    assertNull(header(r, "X-Backend"), "a servlet the filter is not mapped to is not routed");
  }

  @Test
  void everyNewVisitorLandsOnALiveServerWithAMatchingCookie() {
    for (int i = 0; i < 6; i++) {
      HttpResponse<String> r = get(port, "/login?i=" + i);
      assertEquals(200, r.statusCode(), r.body());
      String process = header(r, "X-Served-By");
      String cookie = header(r, "set-cookie");
      assertTrue(cookie.matches("SERVERID=s[12]; path=/"), cookie);
      assertEquals(PROCESS.get(cookie.substring(9, 11)), process,
          "roundrobin to 'dead' is redispatched at once and the cookie names the server that answered");
    }
  }

  @Test
  void theServersOwnPersistenceCookieIsReplacedAndOthersPassUnsplit() {
    HttpResponse<String> r = get(port, "/setcookie", "Cookie", "SERVERID=s2");
    assertEquals("b2", header(r, "X-Served-By"));
    assertEquals(List.of("theme=dark; Expires=Thu, 01 Jan 2037 00:00:00 GMT; Path=/"),
        r.headers().allValues("set-cookie"), "a direct request: the server's SERVERID is deleted, no new one");
    HttpResponse<String> fresh = get(port, "/setcookie?fresh");
    List<String> cookies = fresh.headers().allValues("set-cookie");
    assertEquals(2, cookies.size(), cookies.toString());
    assertEquals("theme=dark; Expires=Thu, 01 Jan 2037 00:00:00 GMT; Path=/", cookies.get(0));
    assertTrue(cookies.get(1).matches("SERVERID=s[12]; path=/"), cookies.toString());
  }

  @Test
  void anEmptyProxiedResponseGetsTheCookie() {
    HttpResponse<String> r = get(port, "/empty");
    assertEquals(204, r.statusCode());
    assertTrue(header(r, "set-cookie").matches("SERVERID=s[12]; path=/"));
  }

  @Test
  void forwardedHeadersAreSetAndSpoofedOnesDropped() {
    HttpResponse<String> r = get(port, target("projects", "p1", "/project/"), "X-Forwarded-For", "6.6.6.6", "X-Forwarded-Proto", "https",
        "Forwarded", "for=6.6.6.6");
    assertEquals("127.0.0.1", header(r, "X-Got-XFF"), "nobody is trusted: the client's chain is replaced");
    assertEquals("http", header(r, "X-Got-XFP"));
    assertEquals("null", header(r, "X-Got-Forwarded"));
  }

  @Test
  void aCookieForARefusingServerIsRetriedThenRedispatchedWithANewCookie() {
    HttpResponse<String> r = Http.send("POST", port, "/login", "hello body", "Cookie", "SERVERID=dead; lang=fr");
    assertEquals(200, r.statusCode(), r.body());
    String cookie = header(r, "set-cookie");
    assertTrue(cookie.matches("SERVERID=s[12]; path=/"), "a redispatch re-issues the cookie: " + cookie);
    assertEquals(PROCESS.get(cookie.substring(9, 11)), header(r, "X-Served-By"));
    assertEquals("lang=fr", header(r, "X-Got-Cookie"), "indirect: the persistence cookie is not forwarded");
    assertTrue(r.body().endsWith("hello body"), "the body survives the retries: " + r.body());
    assertEquals(List.of("dead", "dead", "dead", cookie.substring(9, 11)), recording.of("/login"),
        "the first attempt and two retries on the same server, then the last retry redispatched");
  }

  @Test
  void aServerThatIsNoLongerRunningIsRedispatchedAtOnce() {
    Backend persisting = router.backend("persisting");
    persisting.setHealth("dead", org.stickyroute.Health.DOWN);
    try {
      HttpResponse<String> r = get(port, "/persist/x", "Cookie", "KEEP=dead");
      assertEquals(200, r.statusCode());
      assertEquals("b1", header(r, "X-Served-By"));
      assertEquals("KEEP=k1; path=/", header(r, "set-cookie"));
      assertEquals(List.of("dead", "k1"), recording.of("/persist/x"),
          "option persist sent it to the DOWN server first; no same-server retry for a stopped server");
    } finally {
      persisting.setHealth("dead", org.stickyroute.Health.UP);
    }
  }

  @Test
  void anIdempotentRequestTheServerHungUpOnIsRetriedThenRedispatched() {
    int before = rude.connections();
    HttpResponse<String> r = get(port, "/hup/page", "Cookie", "HUP=rude; lang=fr");
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("b1", header(r, "X-Served-By"));
    assertEquals("HUP=h1; path=/", header(r, "set-cookie"), "moved with a new cookie");
    assertEquals(3, rude.connections() - before, "the first attempt and two retries on the same server, then redispatched");
  }

  @Test
  void aRequestWithABodyTheServerHungUpOnIsNotRetried() {
    int before = rude.connections();
    HttpResponse<String> r = Http.send("POST", port, "/hup/form", "a=1", "Cookie", "HUP=rude");
    assertEquals(502, r.statusCode(), "the server may have acted on it: not repeated");
    assertEquals(1, rude.connections() - before);
    assertNull(header(r, "set-cookie"));
  }

  @Test
  void strictNeverRedispatchesARefusedStickyRequest() {
    int before = b1.requests();
    HttpResponse<String> r = get(port, "/strict/x", "Cookie", "STRICTID=dead");
    assertEquals(503, r.statusCode());
    assertTrue(r.body().contains("The server this session is bound to is unavailable (sticky-failure strict)"), r.body());
    assertNull(header(r, "set-cookie"));
    assertEquals(before, b1.requests(), "the live server never saw it");
    assertEquals(List.of("dead", "dead", "dead", "dead"), recording.of("/strict/x"),
        "the first attempt and three retries, all on the user's server");
    // without a cookie the same backend load-balances and may redispatch as usual
    HttpResponse<String> fresh = get(port, "/strict/y");
    assertEquals(200, fresh.statusCode());
    assertEquals("STRICTID=t1; path=/", header(fresh, "set-cookie"));
  }

  @Test
  void redispatchRules() {
    org.stickyroute.config.BackendConfig bc = router.backend("app").config();
    assertEquals(3, bc.retries());
    assertEquals(100, ProxyRetries.turnAround(bc), "min(timeout connect, 1 s)");
    assertEquals(1000, ProxyRetries.turnAround(
        org.stickyroute.config.BackendConfig.builder("x").connectTimeout(5000).build()));
    assertEquals(1000, ProxyRetries.turnAround(org.stickyroute.config.BackendConfig.builder("y").build()));
    assertTrue(ProxyRetries.connectFailure(new RuntimeException(new java.net.ConnectException("refused"))));
    assertTrue(!ProxyRetries.connectFailure(new java.util.concurrent.TimeoutException("total timeout")));
  }

  @Test
  void mapBasedHashingRetriesTheSameServerAndGives503() {
    String t = target("projects", "dead", "/project/");
    int before = b1.requests();
    HttpResponse<String> r = get(port, t);
    assertEquals(503, r.statusCode());
    assertTrue(r.body().contains("No server is available to handle this request."), r.body());
    assertEquals(before, b1.requests(), "map-based hashing ignores 'avoid': the live server never saw it");
    assertNull(header(r, "set-cookie"));
  }

  @Test
  void consistentHashingRedispatchesAwayFromTheDeadServer() {
    String t = target("cons", "dead", "/cons/");
    HttpResponse<String> r = get(port, t);
    assertEquals(200, r.statusCode());
    assertEquals("b1", header(r, "X-Served-By"));
  }

  @Test
  void theLeaseMovesWithTheRedispatch() {
    Backend app = router.backend("app");
    b1.probe(() -> counts(app));
    b2.probe(() -> counts(app));
    try {
      HttpResponse<String> r = get(port, "/probe", "Cookie", "SERVERID=dead");
      String served = header(r, "set-cookie").substring(9, 11);
      String expected = served.equals("s1") ? "s1=1,s2=0,dead=0" : "s1=0,s2=1,dead=0";
      assertEquals(expected, header(r, "X-Probe"), "while the new server works, only it counts the request");
    } finally {
      b1.probe(() -> "");
      b2.probe(() -> "");
    }
  }

  private static String counts(Backend b) {
    BackendSnapshot s = b.snapshot();
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.serverCount(); i++) {
      out.append(i == 0 ? "" : ",").append(s.server(i).name()).append('=').append(s.counters(i).served());
    }
    return out.toString();
  }

  @Test
  void aProjectStaysOnItsServer() {
    String t = target("projects", "p1", "/project/");
    for (int i = 0; i < 3; i++) {
      assertEquals("b1", header(get(port, t + "?n=" + i), "X-Served-By"));
    }
    assertNotEquals(0, b1.requests());
  }
}
