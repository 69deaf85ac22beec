package org.stickyroute.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
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
import org.stickyroute.testsupport.HeldPort;

/**
 * The checker against real HTTP servers on loopback. Transitions are asserted on the number of probes the
 * server received, read by a listener: listeners run on the checker thread before the next probe of that
 * server is scheduled, so the count is exact whatever the machine's load.
 */
class HttpHealthCheckerTest {

  /**
   * A loopback HTTP server whose answer to {@code GET /status} the test sets. It listens on a {@link HeldPort}, so
   * it can stop (connections are then refused) and start again on the same port without the port ever being
   * released in between.
   */
  static final class ProbeServer implements AutoCloseable {
    final AtomicInteger status = new AtomicInteger(200);
    final AtomicInteger ok = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();
    final AtomicInteger wrongRequest = new AtomicInteger();
    private final HeldPort port;
    private volatile ServerSocketChannel channel;
    private Thread acceptor;

    private ProbeServer(HeldPort port) {
      this.port = port;
    }

    static ProbeServer start() throws IOException {
      ProbeServer p = new ProbeServer(HeldPort.reserve());
      p.listen();
      return p;
    }

    /** A new server (fresh counters) on this one's port, which it takes over. */
    ProbeServer restartOnSamePort() throws IOException {
      ProbeServer p = new ProbeServer(port);
      p.listen();
      return p;
    }

    private void listen() throws IOException {
      ServerSocketChannel ch = port.listen();
      channel = ch;
      acceptor = new Thread(() -> {
        while (ch.isOpen()) {
          try (SocketChannel c = ch.accept()) {
            answer(c);
          } catch (IOException closedOrBroken) {
            // stopped, or the checker went away: the next accept tells
          }
        }
      }, "probe-server-" + port.port());
      acceptor.setDaemon(true);
      acceptor.start();
    }

    /** Reads one request head and answers it with the current status, HTTP/1.0 style (then closes). */
    private void answer(SocketChannel c) throws IOException {
      c.socket().setSoTimeout(20_000);
      InputStream in = c.socket().getInputStream();
      StringBuilder head = new StringBuilder();
      int b;
      while (head.indexOf("\r\n\r\n") < 0 && (b = in.read()) >= 0) {
        head.append((char) b);
      }
      if (!head.toString().startsWith("GET /status HTTP/1.")) { // java.net.http speaks HTTP/1.1
        wrongRequest.incrementAndGet();
      }
      int s = status.get();
      (CheckResult.passes(s) ? ok : failed).incrementAndGet();
      c.socket().getOutputStream().write(("HTTP/1.0 " + s + " X\r\nContent-Length: 0\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
    }

    int port() {
      return port.port();
    }

    /** Stops listening: connections are refused; the port stays reserved. */
    void stop() throws IOException {
      channel.close();
    }

    @Override
    public void close() throws IOException {
      stop();
      port.close();
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
    ProbeServer srv = ProbeServer.start();
    toClose.add(srv);
    Backend be = new Backend(config(srv.port()), control, InstantSource.system());
    AtomicReference<HttpHealthChecker> checker = new AtomicReference<>();
    AtomicReference<ProbeServer> current = new AtomicReference<>(srv);
    List<Seen> seen = Collections.synchronizedList(new ArrayList<>());
    be.addListener(t -> seen.add(new Seen(t.from(), t.to(), current.get().ok.get(), current.get().failed.get(),
        checker.get() == null ? -1 : checker.get().probes("a"))));
    List<ServerTransition.Cause> causes = Collections.synchronizedList(new ArrayList<>());
    be.addListener(t -> causes.add(t.cause())); // an assertion here would be swallowed: checked at the end
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
    // The checker counts a probe, then updates the rise/fall counter, then publishes the transition: wait for
    // the last of these rather than read it right after the probe count moved.
    await(() -> be.snapshot().state(0).statusWord() == ServerStatusWord.DOWN, "DOWN after refused probes");
    assertTrue(c.counter("a").fullyDown(), c.counter("a").toString());
    assertTrue(be.stats().servers().get(0).lastCheck().detail().startsWith("Layer"),
        be.stats().servers().get(0).lastCheck().toString());
    ProbeServer back = srv.restartOnSamePort();
    toClose.add(back);
    assertEquals(port, back.port());
    current.set(back);
    await(() -> seen.size() == 4, "UP again");
    assertEquals(ServerStatusWord.DOWN, seen.get(2).to());
    assertEquals(ServerStatusWord.UP, seen.get(3).to());
    assertEquals(2, seen.get(3).ok(), "exactly 'rise' probes reached the restarted server: " + seen);
    assertEquals(0, srv.wrongRequest.get() + back.wrongRequest.get(), "method and path of option httpchk");
    assertEquals(2, be.stats().servers().get(0).downTransitions(), "two DOWN transitions");
    assertEquals(List.of(ServerTransition.Cause.CHECK, ServerTransition.Cause.CHECK, ServerTransition.Cause.CHECK,
        ServerTransition.Cause.CHECK), causes, "every transition was made by a check");
  }

  @Test
  void firstFailedCheckMarksAFreshServerDown() throws Exception {
    ProbeServer srv = ProbeServer.start();
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
    ProbeServer srv = ProbeServer.start();
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
