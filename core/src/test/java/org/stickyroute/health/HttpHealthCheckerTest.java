package org.stickyroute.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.stickyroute.Backend;
import org.stickyroute.CheckResult;
import org.stickyroute.ServerStatusWord;
import org.stickyroute.ServerTransition;
import org.stickyroute.config.BackendConfig;
import org.stickyroute.config.HttpCheckConfig;
import org.stickyroute.config.ServerConfig;

/**
 * The checker against real HTTP servers on loopback. Transitions are asserted on the number of probes the
 * server received, read by a listener: listeners run on the checker thread before the next probe of that
 * server is scheduled, so the count is exact whatever the machine's load.
 */
class HttpHealthCheckerTest {

  /** A loopback HTTP server whose answer to {@code GET /status} the test sets. */
  static final class ProbeServer implements AutoCloseable {
    final AtomicInteger status = new AtomicInteger(200);
    final AtomicInteger ok = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();
    final AtomicInteger wrongRequest = new AtomicInteger();
    private HttpServer server;
    private int port;

    static ProbeServer start(int port) throws IOException {
      ProbeServer p = new ProbeServer();
      p.bind(port);
      return p;
    }

    void bind(int wanted) throws IOException {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", wanted), 16);
      server.createContext("/", exchange -> {
        if (!exchange.getRequestMethod().equals("GET") || !exchange.getRequestURI().getPath().equals("/status")) {
          wrongRequest.incrementAndGet();
        }
        int s = status.get();
        (CheckResult.passes(s) ? ok : failed).incrementAndGet();
        exchange.sendResponseHeaders(s, -1);
        exchange.close();
      });
      server.start();
      port = server.getAddress().getPort();
    }

    int port() {
      return port;
    }

    void stop() {
      server.stop(0);
    }

    @Override
    public void close() {
      stop();
    }
  }

  record Seen(ServerStatusWord from, ServerStatusWord to, int ok, int failed, long probes) {}

  private final ScheduledThreadPoolExecutor control = new ScheduledThreadPoolExecutor(1);
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
    control.shutdownNow();
  }

  private static BackendConfig config(int port) {
    return BackendConfig.builder("be")
        .httpCheck(new HttpCheckConfig("GET", "/status", "HTTP/1.0"))
        .checkTimeout(1000)
        .server(ServerConfig.builder("a", "127.0.0.1", port).check(true).inter(50).rise(2).fall(3).build())
        .build();
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(5);
    }
  }

  @Test
  void fallsAndRisesAfterExactlyFallAndRiseProbes() throws Exception {
    ProbeServer srv = ProbeServer.start(0);
    toClose.add(srv);
    Backend be = new Backend(config(srv.port()), control, InstantSource.system());
    AtomicReference<HttpHealthChecker> checker = new AtomicReference<>();
    AtomicReference<ProbeServer> current = new AtomicReference<>(srv);
    List<Seen> seen = Collections.synchronizedList(new ArrayList<>());
    be.addListener(t -> seen.add(new Seen(t.from(), t.to(), current.get().ok.get(), current.get().failed.get(),
        checker.get() == null ? -1 : checker.get().probes("a"))));
    be.addListener(t -> assertEquals(ServerTransition.Cause.CHECK, t.cause()));
    HttpHealthChecker c = HttpHealthChecker.start(be);
    checker.set(c);
    toClose.add(c);

    // start-up: UP with health = rise; one success makes it fully up (rise + fall - 1 = 4)
    await(() -> c.counter("a").fullyUp(), "fully up");
    assertEquals(ServerStatusWord.UP, be.snapshot().state(0).statusWord());

    // fully up -> DOWN after exactly 'fall' (3) failed probes
    int failedBefore = srv.failed.get();
    srv.status.set(503);
    await(() -> seen.size() == 1, "DOWN");
    assertEquals(ServerStatusWord.DOWN, seen.get(0).to());
    assertEquals(3, seen.get(0).failed() - failedBefore, seen.toString());
    assertEquals(503, be.stats().servers().get(0).lastCheck().status());

    // DOWN -> UP after exactly 'rise' (2) good probes
    int okBefore = srv.ok.get();
    srv.status.set(200);
    await(() -> seen.size() == 2, "UP");
    assertEquals(ServerStatusWord.UP, seen.get(1).to());
    assertEquals(2, seen.get(1).ok() - okBefore, seen.toString());

    // the server goes away (connection refused), then comes back on the same port
    int port = srv.port();
    srv.stop();
    long probesAtStop = c.probes("a");
    await(() -> c.probes("a") >= probesAtStop + 3, "refused probes");
    assertTrue(c.counter("a").fullyDown(), c.counter("a").toString());
    assertEquals(ServerStatusWord.DOWN, be.snapshot().state(0).statusWord());
    assertTrue(be.stats().servers().get(0).lastCheck().detail().startsWith("Layer"),
        be.stats().servers().get(0).lastCheck().toString());
    ProbeServer back = new ProbeServer();
    back.bind(port);
    toClose.add(back);
    current.set(back);
    await(() -> seen.size() == 4, "UP again");
    assertEquals(ServerStatusWord.DOWN, seen.get(2).to());
    assertEquals(ServerStatusWord.UP, seen.get(3).to());
    assertEquals(2, seen.get(3).ok(), "exactly 'rise' probes reached the restarted server: " + seen);
    assertEquals(0, srv.wrongRequest.get() + back.wrongRequest.get(), "method and path of option httpchk");
    assertEquals(2, be.stats().servers().get(0).downTransitions(), "two DOWN transitions");
  }

  @Test
  void firstFailedCheckMarksAFreshServerDown() throws Exception {
    ProbeServer srv = ProbeServer.start(0);
    toClose.add(srv);
    srv.status.set(500);
    Backend be = new Backend(config(srv.port()), control, InstantSource.system());
    List<Seen> seen = Collections.synchronizedList(new ArrayList<>());
    be.addListener(t -> seen.add(new Seen(t.from(), t.to(), srv.ok.get(), srv.failed.get(), 0)));
    assertEquals(ServerStatusWord.UP, be.snapshot().state(0).statusWord(), "used at once, before any check");
    HttpHealthChecker c = HttpHealthChecker.start(be);
    toClose.add(c);
    await(() -> !seen.isEmpty(), "DOWN");
    assertEquals(new Seen(ServerStatusWord.UP, ServerStatusWord.DOWN, 0, 1, 0), seen.get(0));
  }

  @Test
  void closeLeavesNoThreadBehind() throws Exception {
    ProbeServer srv = ProbeServer.start(0);
    toClose.add(srv);
    Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());
    Backend be = new Backend(config(srv.port()), control, InstantSource.system());
    HttpHealthChecker c = HttpHealthChecker.start(be);
    await(() -> srv.ok.get() >= 3, "a few probes");
    assertTrue(threadsSince(before).size() >= 2, "checker threads exist: " + threadsSince(before));
    c.close();
    c = null;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!threadsSince(before).isEmpty() && System.nanoTime() < deadline) {
      System.gc(); // on Java 17 the HttpClient selector thread ends once the client is unreachable
      Thread.sleep(50);
    }
    assertEquals(List.of(), threadsSince(before));
    int probes = srv.ok.get();
    Thread.sleep(200);
    assertEquals(probes, srv.ok.get(), "no probe after close");
  }

  private static List<String> threadsSince(Set<Thread> before) {
    List<String> names = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (!before.contains(t) && t.isAlive()
          && (t.getName().startsWith("stickyroute-check") || t.getName().startsWith("HttpClient"))) {
        names.add(t.getName());
      }
    }
    return names;
  }
}
