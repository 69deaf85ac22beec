package org.stickyroute.testing.haproxy;

import org.stickyroute.testsupport.RequiresHaproxy;
import org.stickyroute.testsupport.HaproxyProcess;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.stickyroute.testing.haproxy.RawHttpClient.Response;

/**
 * Self-test of the HAProxy differential-test harness ({@link HaproxyProcess}, {@link EchoBackend}, {@link
 * RawHttpClient}) against the real {@code haproxy} binary ({@link RequiresHaproxy}).
 */
@RequiresHaproxy
class HaproxyHarnessTest {

  private static final List<EchoBackend> BACKENDS = new ArrayList<>();
  private static EchoBackend checkedBackend;
  private static HaproxyProcess haproxy;
  private static int port;
  private static int idlePort;

  @BeforeAll
  static void startHaproxy() throws Exception {
    for (int i = 0; i < 3; i++) {
      BACKENDS.add(EchoBackend.start());
    }
    checkedBackend = EchoBackend.start();
    haproxy = HaproxyProcess.startOnFreePorts(2, p -> config(p.get(0), p.get(1)));
    port = haproxy.ports().get(0);
    idlePort = haproxy.ports().get(1);
  }

  @AfterAll
  static void stopAll() {
    if (haproxy != null) {
      haproxy.close();
    }
    BACKENDS.forEach(EchoBackend::close);
    if (checkedBackend != null) {
      checkedBackend.close();
    }
  }

  private static String config() {
    return config(port, idlePort);
  }

  private static String config(int port, int idlePort) {
    return """
        global
            stats socket unix@admin.sock mode 600 level admin
            log stdout format raw local0

        defaults
            mode http
            log global
            option httplog
            timeout connect 200ms
            timeout client 10s
            timeout server 10s

        frontend fe
            bind 127.0.0.1:%1$d
            use_backend %%[req.hdr(x-be)] if { req.hdr(x-be) -m found }
            default_backend be_tp
            http-response set-header X-Server %%s

        backend be_rr
            balance roundrobin
            server s1 %2$s
            server s2 %3$s
            server s3 %4$s

        frontend fe_idle
            bind 127.0.0.1:%6$d
            timeout http-keep-alive 50ms
            default_backend be_misc

        backend be_misc
            balance roundrobin
            server s1 %2$s
            server s2 %3$s
            server s3 %4$s

        backend be_tp
            balance roundrobin
            server s1 %2$s
            server s2 %3$s
            server s3 %4$s

        backend be_map
            balance uri depth 2
            server s1 %2$s
            server s2 %3$s
            server s3 %4$s

        backend be_cookie
            balance roundrobin
            cookie SERVERID insert indirect nocache
            server s1 %2$s cookie s1
            server s2 %3$s cookie s2

        backend be_chk
            balance roundrobin
            option httpchk GET /status
            server c1 %5$s check inter 100
        """
        .formatted(
            port,
            BACKENDS.get(0).address(),
            BACKENDS.get(1).address(),
            BACKENDS.get(2).address(),
            checkedBackend.address(),
            idlePort);
  }

  private static String serverOf(Response r) {
    String server = r.header("X-Server");
    assertNotNull(server, () -> "no X-Server in\n" + r);
    int echoPort = Integer.parseInt(r.header("X-Echo-Port"));
    int index = Integer.parseInt(server.substring(1)) - 1;
    assertEquals(BACKENDS.get(index).port(), echoPort, () -> "X-Server disagrees with X-Echo-Port:\n" + r);
    return server;
  }

  @Test
  void generatedConfigIsValidAndBrokenConfigFailsFast() throws Exception {
    HaproxyProcess.ConfigCheck ok = HaproxyProcess.validate(config());
    assertTrue(ok.valid(), ok::toString);
    assertTrue(HaproxyProcess.check(config()).endsWith("exit code: 0"));

    String broken = config().replace("default_backend be_tp", "reqadd X-Forwarded-Proto:\\ http");
    assertFalse(HaproxyProcess.validate(broken).valid());
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> HaproxyProcess.start(broken));
    assertTrue(e.getMessage().contains("reqadd"), e::getMessage);
    assertTrue(e.getMessage().startsWith("haproxy exited with code "),
        () -> "start() returns when haproxy exits, not after its start-up timeout: " + e.getMessage());

    assertThrows(IllegalArgumentException.class,
        () -> HaproxyProcess.start(config().replace("bind 127.0.0.1:", "bind 0.0.0.0:")));
  }

  @Test
  void roundRobinVisitsServersInDeclarationOrder() throws Exception {
    try (RawHttpClient client = new RawHttpClient(port)) {
      List<String> servers = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        Response r = client.get("/rr/" + i, "x-be", "be_rr");
        assertEquals(200, r.status(), r::toString);
        assertEquals("GET /rr/" + i + " HTTP/1.1", r.header("X-Echo-Request-Line"));
        servers.add(serverOf(r));
      }
      assertEquals(List.of("s1", "s2", "s3", "s1"), servers);
      assertEquals(1, client.connectionsOpened(), "keep-alive connection was not reused");
    }
  }

  @Test
  void uriHashWithDepthTwoIsSticky() throws Exception {
    try (RawHttpClient client = new RawHttpClient(port)) {
      // sdbm("/project/42") = 0x0046bd63 = 4636003; 4636003 mod 3 = 1 -> map slot 1 -> s2 (spec section 3/4.1)
      for (String target : List.of("/project/42/x", "/project/42/x", "/project/42/y?q=1", "/project/42")) {
        Response r = client.get(target, "x-be", "be_map");
        assertEquals("s2", serverOf(r), target);
        assertEquals("GET " + target + " HTTP/1.1", r.header("X-Echo-Request-Line"));
      }
    }
  }

  @Test
  void cookieInsertIndirectSetsAndStripsPersistenceCookie() throws Exception {
    try (RawHttpClient client = new RawHttpClient(port)) {
      Response first = client.get("/login", "x-be", "be_cookie");
      String server = serverOf(first);
      assertTrue(Set.of("s1", "s2").contains(server), server);
      assertEquals(List.of("SERVERID=" + server + "; path=/"), first.headers("Set-Cookie"), first::toString);
      assertNull(first.header("Cache-Control"), "no validator -> 2.6.12 adds no cache-control");
      assertEquals("0", first.header("X-Echo-Cookie-Count"));

      Response sticky = client.get("/app", "x-be", "be_cookie", "Cookie", "a=1; SERVERID=s2; b=2");
      assertEquals("s2", serverOf(sticky));
      assertEquals(List.of("a=1; b=2"), sticky.headers("X-Echo-Cookie"), sticky::toString);
      assertEquals("1", sticky.header("X-Echo-Cookie-Count"));
      assertTrue(sticky.headers("Set-Cookie").isEmpty(), "direct request must not get a new cookie");

      Response only = client.get("/app", "x-be", "be_cookie", "Cookie", "SERVERID=s1");
      assertEquals("s1", serverOf(only));
      assertEquals("0", only.header("X-Echo-Cookie-Count"), "lone persistence cookie must be removed");
    }
  }

  @Test
  void echoRespondInstructionsReachTheClient() throws Exception {
    try (RawHttpClient client = new RawHttpClient(port)) {
      Response r = client.send("GET", "/etag", RawHttpClient.headers(
          "x-be", "be_cookie", "X-Echo-Respond", "ETag: \"x\"", "X-Echo-Respond", "X-Two: 2"));
      assertEquals("\"x\"", r.header("etag"), r::toString);
      assertEquals("2", r.header("X-Two"));
      // with a validator the response is cacheable, so 'nocache' appends cache-control: private (spec 6.4)
      assertEquals(List.of("private"), r.headers("Cache-Control"), r::toString);

      Response status = client.get("/gone", "x-be", "be_misc", "X-Echo-Status", "404");
      assertEquals(404, status.status());
      assertNotNull(status.header("X-Server"));
    }
  }

  @Test
  void clientReconnectsAfterHaproxyClosesAndSendsTargetsVerbatim() throws Exception {
    try (RawHttpClient client = new RawHttpClient(port)) {
      String absolute = "http://127.0.0.1:" + port + "/Abs//%41?q=/x";
      Response abs = client.get(absolute, "x-be", "be_misc");
      assertEquals(200, abs.status(), abs::toString);
      assertEquals("GET " + absolute + " HTTP/1.1", abs.header("X-Echo-Request-Line"));

      Response bad = client.get("/frag#ment", "x-be", "be_misc");
      assertEquals(400, bad.status(), bad::toString);
      assertFalse(client.isConnected(), "HAProxy closes after a 400");

      Response after = client.get("/after", "x-be", "be_misc");
      assertEquals(200, after.status());
      assertEquals(2, client.connectionsOpened());

      Response head = client.send("HEAD", "/head", RawHttpClient.headers("x-be", "be_misc"));
      assertEquals(200, head.status());
      assertEquals("", head.body());
      Response post = client.send("POST", "/post", RawHttpClient.headers("x-be", "be_misc"), new byte[] {1, 2, 3});
      assertEquals("3", post.header("X-Echo-Body-Length"));
      assertTrue(post.body().startsWith("POST /post HTTP/1.1\r\n"), post.body());
      assertEquals(2, client.connectionsOpened());
    }
  }

  @Test
  void chunkedCloseDelimitedAndEmptyBodiesAreParsed() throws Exception {
    try (RawHttpClient client = new RawHttpClient(port)) {
      Response chunked = client.get("/chunked", "x-be", "be_misc", "X-Echo-Framing", "chunked");
      assertEquals(List.of("chunked"), chunked.headers("Transfer-Encoding"), chunked::toString);
      assertTrue(chunked.body().startsWith("GET /chunked HTTP/1.1\r\n"), chunked.body());
      assertTrue(chunked.body().endsWith("\r\n\r\n"), chunked.body());

      Response empty = client.get("/empty", "x-be", "be_misc", "X-Echo-Status", "204");
      assertEquals(204, empty.status());
      assertEquals("", empty.body());
      assertEquals(1, client.connectionsOpened());

      Response closeDelimited = client.get("/close", "x-be", "be_misc", "X-Echo-Framing", "close");
      assertNull(closeDelimited.header("Content-Length"), closeDelimited::toString);
      assertNull(closeDelimited.header("Transfer-Encoding"), closeDelimited::toString);
      assertTrue(closeDelimited.body().startsWith("GET /close HTTP/1.1\r\n"), closeDelimited.body());
      assertFalse(client.isConnected());

      assertEquals(200, client.get("/again", "x-be", "be_misc").status());
      assertEquals(2, client.connectionsOpened());
    }
  }

  @Test
  void clientResendsOnceWhenTheIdleConnectionWasClosedByHaproxy() throws Exception {
    assertEquals(List.of(port, idlePort), haproxy.ports());
    try (RawHttpClient client = new RawHttpClient(idlePort)) {
      assertEquals(200, client.get("/first").status());
      // timeout http-keep-alive 50ms: wait until HAProxy has closed the idle connection (its fd is gone)
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (haproxy.cli("show fd").lines().anyMatch(l -> l.contains(" fe=fe_idle mux="))) {
        assertTrue(System.nanoTime() < deadline, "haproxy kept the idle connection open for 30 s");
        Thread.sleep(10);
      }
      assertTrue(client.isConnected(), "client does not know yet");
      Response second = client.get("/second");
      assertEquals(200, second.status());
      assertEquals("GET /second HTTP/1.1", second.header("X-Echo-Request-Line"));
      assertEquals(2, client.connectionsOpened());
    }
  }

  @Test
  void healthChecksAndRuntimeApiWork() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (checkedBackend.healthCheckCount() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertTrue(checkedBackend.healthCheckCount() > 0, "no health check received");
    // srv_op_state 2 = RUNNING (the 6th column). On a loaded machine the very first check can exceed its
    // 100 ms timeout ('inter'), which marks the server DOWN until 'rise' (2) checks pass: poll for RUNNING.
    String state;
    String opState;
    do {
      state = haproxy.cli("show servers state be_chk");
      assertTrue(state.contains(" c1 "), state);
      String line = state.lines().filter(l -> l.contains(" c1 ")).findFirst().orElseThrow();
      opState = line.split(" ")[5];
      if (!opState.equals("2")) {
        Thread.sleep(20);
      }
    } while (!opState.equals("2") && System.nanoTime() < deadline);
    assertEquals("2", opState, state);
  }

  @Test
  void fiveThousandKeepAliveRequestsAreFast() throws Exception {
    int n = 5_000;
    try (RawHttpClient client = new RawHttpClient(port)) {
      List<String[]> headers = RawHttpClient.headers("x-be", "be_tp", "Cookie", "k=v");
      client.send("GET", "/warmup", headers);
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        Response r = client.send("GET", "/tp/" + i, headers);
        if (r.status() != 200) {
          throw new AssertionError("request " + i + ": " + r);
        }
      }
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      System.out.printf("HaproxyHarnessTest: %d keep-alive requests through haproxy took %d ms (%.0f req/s)%n",
          n, millis, n * 1000.0 / Math.max(1, millis));
      assertEquals(1, client.connectionsOpened());
      assertTrue(millis < 30_000, "5000 requests took " + millis + " ms");
    }
  }
}
