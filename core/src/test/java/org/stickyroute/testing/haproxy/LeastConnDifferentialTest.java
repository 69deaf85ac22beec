package org.stickyroute.testing.haproxy;

import org.stickyroute.testsupport.RequiresHaproxy;
import org.stickyroute.testsupport.HaproxyProcess;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.Test;
import org.stickyroute.Backend;
import org.stickyroute.BackendSnapshot;
import org.stickyroute.Lease;
import org.stickyroute.config.Balance;
import org.stickyroute.config.BackendConfig;
import org.stickyroute.config.ServerConfig;
import org.stickyroute.http.RequestView;
import org.stickyroute.testing.haproxy.RawHttpClient.Response;

/**
 * {@code balance leastconn} with weights 1/2/1 in the real HAProxy 2.6 and in stickyroute, fed the same
 * sequence: eight requests kept in flight (sent one after the other, each held by the echo backend until the
 * test releases it, and the next sent only once the previous one is held), then four short sequential ones.
 * Keys, weights and FIFO ties decide every pick, so the two sequences must be equal.
 */
@RequiresHaproxy
class LeastConnDifferentialTest {
  private static final int HELD = 8;
  private static final int SHORT = 4;

  @Test
  void sameSequenceAsHaproxy() throws Exception {
    List<EchoBackend> echo = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      echo.add(EchoBackend.start());
    }
    java.util.function.Function<List<Integer>, String> cfg = ports -> """
        defaults
            mode http
            timeout connect 1s
            timeout client 20s
            timeout server 20s
        frontend fe
            bind 127.0.0.1:%d
            default_backend be_lc
            http-response set-header X-Server %%s
        backend be_lc
            balance leastconn
            server s1 %s weight 1
            server s2 %s weight 2
            server s3 %s weight 1
        """.formatted(ports.get(0), echo.get(0).address(), echo.get(1).address(), echo.get(2).address());
    List<String> haproxy = new ArrayList<>();
    try (HaproxyProcess h = HaproxyProcess.startOnFreePorts(1, cfg)) {
      int port = h.ports().get(0);
      AtomicReferenceArray<String> held = new AtomicReferenceArray<>(HELD);
      List<Thread> threads = new ArrayList<>();
      for (int i = 0; i < HELD; i++) {
        int k = i;
        Thread t = new Thread(() -> {
          try (RawHttpClient c = new RawHttpClient(port)) {
            Response r = c.get("/held/" + k, "X-Echo-Hold", "held");
            held.set(k, r.header("X-Server"));
          } catch (Exception e) {
            held.set(k, "error: " + e);
          }
        });
        threads.add(t);
        t.start();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (totalHeld(echo) < k + 1) { // wait until HAProxy has assigned and forwarded this request
          if (System.nanoTime() > deadline) {
            throw new AssertionError("request " + k + " did not reach a server within 60 s");
          }
          Thread.sleep(2);
        }
      }
      List<String> shortOnes = new ArrayList<>();
      try (RawHttpClient c = new RawHttpClient(port)) {
        for (int i = 0; i < SHORT; i++) {
          shortOnes.add(c.get("/short/" + i).header("X-Server"));
        }
      }
      echo.forEach(e -> e.release("held"));
      for (Thread t : threads) {
        t.join();
      }
      for (int i = 0; i < HELD; i++) {
        haproxy.add(held.get(i));
      }
      haproxy.addAll(shortOnes);
    } finally {
      echo.forEach(EchoBackend::close);
    }

    Backend be = new Backend(BackendConfig.builder("be_lc").balance(Balance.leastConn())
        .server(ServerConfig.builder("s1", "127.0.0.1", 1).weight(1).build())
        .server(ServerConfig.builder("s2", "127.0.0.1", 2).weight(2).build())
        .server(ServerConfig.builder("s3", "127.0.0.1", 3).weight(1).build())
        .build());
    List<String> ours = new ArrayList<>();
    List<Lease> leases = new ArrayList<>();
    for (int i = 0; i < HELD; i++) {
      Lease l = new Lease();
      BackendSnapshot s = be.snapshot();
      ours.add(s.server(s.acquire(RequestView.of("GET", "/"), -1, l)).name());
      leases.add(l);
    }
    for (int i = 0; i < SHORT; i++) {
      try (Lease l = new Lease()) {
        BackendSnapshot s = be.snapshot();
        ours.add(s.server(s.acquire(RequestView.of("GET", "/"), -1, l)).name());
      }
    }
    leases.forEach(Lease::close);
    System.out.println("LeastConnDifferentialTest: haproxy " + haproxy + ", stickyroute " + ours);
    assertEquals(haproxy, ours);
  }

  private static int totalHeld(List<EchoBackend> echo) {
    int n = 0;
    for (EchoBackend e : echo) {
      n += e.held();
    }
    return n;
  }
}
