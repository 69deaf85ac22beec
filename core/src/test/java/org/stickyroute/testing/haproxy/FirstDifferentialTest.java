package org.stickyroute.testing.haproxy;

import org.stickyroute.testsupport.RequiresHaproxy;
import org.stickyroute.testsupport.HaproxyProcess;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.Test;
import org.stickyroute.Backend;
import org.stickyroute.BackendSnapshot;
import org.stickyroute.Lease;
import org.stickyroute.Router;
import org.stickyroute.config.ConfigLoader;
import org.stickyroute.http.RequestView;
import org.stickyroute.testing.haproxy.RawHttpClient.Response;

/**
 * {@code balance first} in the real HAProxy 2.6 and in stickyroute, fed the same sequence: requests held in
 * flight one after the other (each reaching its server before the next is sent) fill the servers in id order
 * up to their {@code maxconn} (a server of weight 0 is not used, the backup stays idle, the server without
 * {@code maxconn} takes the rest), short requests go to the lowest id with a free slot, and once the held
 * request on the lowest id ends, that server is first again. The two sequences must be equal.
 */
@RequiresHaproxy
class FirstDifferentialTest {
  private static final int HELD = 8;

  private static String config(int port, String echo) {
    return """
        defaults
            mode http
            timeout connect 1s
            timeout client 20s
            timeout server 20s
        frontend fe
            bind 127.0.0.1:%d
            default_backend be_first
            http-response set-header X-Server %%s
        backend be_first
            balance first
            server a %s id 30 maxconn 2
            server b %s id 10 maxconn 1
            server c %s id 20 maxconn 3
            server d %s id 5 weight 0 maxconn 5
            server e %s id 40
            server f %s id 1 backup
        """.formatted(port, echo, echo, echo, echo, echo, echo);
  }

  @Test
  void sameSequenceAsHaproxy() throws Exception {
    List<String> haproxy = new ArrayList<>();
    String cfgText;
    try (EchoBackend echo = EchoBackend.start();
        HaproxyProcess h = HaproxyProcess.startOnFreePorts(1, ports -> config(ports.get(0), echo.address()))) {
      cfgText = Files.readString(h.configFile());
      int port = h.ports().get(0);
      AtomicReferenceArray<String> held = new AtomicReferenceArray<>(HELD);
      List<Thread> threads = new ArrayList<>();
      for (int i = 0; i < HELD; i++) {
        int k = i;
        Thread t = new Thread(() -> {
          try (RawHttpClient c = new RawHttpClient(port)) {
            Response r = c.get("/held/" + k, "X-Echo-Hold", "held" + k);
            held.set(k, r.header("X-Server"));
          } catch (Exception e) {
            held.set(k, "error: " + e);
          }
        });
        threads.add(t);
        t.start();
        echo.awaitHeld(k + 1);
      }
      try (RawHttpClient c = new RawHttpClient(port)) {
        for (int i = 0; i < 3; i++) {
          haproxy.add(c.get("/short/" + i).header("X-Server"));
        }
        echo.release("held0"); // the request on the lowest id ends
        threads.get(0).join();
        echo.awaitHeld(HELD - 1);
        for (int i = 0; i < 2; i++) {
          haproxy.add(c.get("/after/" + i).header("X-Server"));
        }
      }
      for (int i = 1; i < HELD; i++) {
        echo.release("held" + i);
      }
      for (Thread t : threads) {
        t.join();
      }
      List<String> heldServers = new ArrayList<>();
      for (int i = 0; i < HELD; i++) {
        heldServers.add(held.get(i));
      }
      haproxy.addAll(0, heldServers);
    }

    Backend be = Router.create(ConfigLoader.parse(cfgText, "first.cfg", false)).backend("be_first");
    RequestView req = RequestView.of("GET", "/");
    List<String> ours = new ArrayList<>();
    List<Lease> leases = new ArrayList<>();
    for (int i = 0; i < HELD; i++) {
      Lease l = new Lease();
      BackendSnapshot s = be.snapshot();
      ours.add(s.server(s.acquire(req, -1, l)).name());
      leases.add(l);
    }
    for (int i = 0; i < 3; i++) {
      try (Lease l = new Lease()) {
        BackendSnapshot s = be.snapshot();
        ours.add(s.server(s.acquire(req, -1, l)).name());
      }
    }
    leases.get(0).close();
    for (int i = 0; i < 2; i++) {
      try (Lease l = new Lease()) {
        BackendSnapshot s = be.snapshot();
        ours.add(s.server(s.acquire(req, -1, l)).name());
      }
    }
    leases.forEach(Lease::close);
    System.out.println("haproxy parity (balance first): haproxy " + haproxy + ", stickyroute " + ours);
    assertEquals(List.of("b", "c", "c", "c", "a", "a", "e", "e", "e", "e", "e", "b", "b"), haproxy,
        "haproxy's own sequence (lowest id with a free slot)");
    assertEquals(haproxy, ours);
  }

}
