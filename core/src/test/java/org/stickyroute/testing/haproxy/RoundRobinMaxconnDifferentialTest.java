package org.stickyroute.testing.haproxy;

import org.stickyroute.testsupport.RequiresHaproxy;
import org.stickyroute.testsupport.HaproxyProcess;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.Test;
import org.stickyroute.Backend;
import org.stickyroute.BackendSnapshot;
import org.stickyroute.Lease;
import org.stickyroute.Router;
import org.stickyroute.config.ConfigLoader;
import org.stickyroute.http.RequestView;

/**
 * {@code balance roundrobin} with {@code maxconn} in the real HAProxy 2.6 and in stickyroute: requests held
 * in flight (each one reaching its server before the next is sent) fill servers up to their {@code maxconn};
 * the sequential requests in between must skip the saturated servers exactly as {@code fwrr_get_next_server}
 * does (it takes them out of the tree and re-queues them, which moves them in the rotation), and held
 * requests end one at a time (HAProxy's count of them observed on the stats socket before going on). Over
 * generated backends (seeded, printed; {@code -Drr.seed=N} replays), the whole sequences must be equal.
 */
@RequiresHaproxy
class RoundRobinMaxconnDifferentialTest {
  private static final int BACKENDS = 8;

  @Test
  void saturatedServersAreSkippedAsHaproxySkipsThem() throws Exception {
    long seed = Long.getLong("rr.seed", System.nanoTime());
    System.out.println("RoundRobinMaxconnDifferentialTest seed " + seed + " (-Drr.seed=" + seed + ")");
    SplittableRandom r = new SplittableRandom(seed);
    StringBuilder sections = new StringBuilder();
    int[] servers = new int[BACKENDS];
    for (int b = 0; b < BACKENDS; b++) {
      servers[b] = 2 + r.nextInt(5);
      sections.append("backend mc").append(b).append("\n    balance roundrobin\n");
      int unlimited = r.nextInt(servers[b]); // never all saturated: HAProxy would queue the request
      for (int s = 0; s < servers[b]; s++) {
        sections.append("    server s").append(s + 1).append(" ECHO weight ").append(1 + r.nextInt(4));
        if (s != unlimited) {
          sections.append(" maxconn ").append(1 + r.nextInt(2));
        }
        sections.append('\n');
      }
    }
    int total = 0;
    int agreed = 0;
    List<String> failures = new ArrayList<>();
    try (EchoBackend echo = EchoBackend.start()) {
      String backends = sections.toString().replace("ECHO", echo.address());
      Router router = Router.create(ConfigLoader.parse(RoundRobinDifferentialTest.DEFAULTS + backends,
          "rr-maxconn.cfg", false));
      try (HaproxyProcess h = HaproxyProcess.startOnFreePorts(1,
          ports -> RoundRobinDifferentialTest.haproxyConfig(ports.get(0), backends))) {
        for (int b = 0; b < BACKENDS; b++) {
          String name = "mc" + b;
          List<String> theirs = new ArrayList<>();
          List<String> ours = new ArrayList<>();
          run(h, echo, router.backend(name), name, new SplittableRandom(r.nextLong()), theirs, ours);
          total += theirs.size();
          int same = 0;
          for (int i = 0; i < Math.min(theirs.size(), ours.size()); i++) {
            same += theirs.get(i).equals(ours.get(i)) ? 1 : 0;
          }
          agreed += same;
          if (same != theirs.size() || theirs.size() != ours.size()) {
            failures.add(name + "\n  haproxy     " + theirs + "\n  stickyroute " + ours);
          }
        }
      }
      System.out.println("haproxy parity (roundrobin, maxconn): " + agreed + "/" + total
          + " requests agreed over " + BACKENDS + " backends (seed " + seed + ")\n" + backends);
    }
    assertEquals(List.of(), failures, "roundrobin with maxconn differs (seed " + seed + ")");
  }

  /** Four rounds of: hold some requests, send some short ones, end one held request. */
  private static void run(HaproxyProcess h, EchoBackend echo, Backend be, String name, SplittableRandom r,
      List<String> theirs, List<String> ours) throws Exception {
    int port = h.ports().get(0);
    List<Thread> threads = new ArrayList<>();
    List<String> holding = new ArrayList<>();
    List<Lease> leases = new ArrayList<>();
    AtomicReferenceArray<String> heldAt = new AtomicReferenceArray<>(32);
    RequestView req = RequestView.of("GET", "/");
    try (RawHttpClient c = new RawHttpClient(port)) {
      for (int round = 0; round < 4; round++) {
        int hold = 1 + r.nextInt(4);
        for (int k = 0; k < hold; k++) {
          int id = threads.size();
          String tag = name + "-" + id;
          Thread t = new Thread(() -> {
            try (RawHttpClient hc = new RawHttpClient(port)) {
              heldAt.set(id, hc.get("/held/" + id, "x-be", name, "X-Echo-Hold", tag).header("X-Server"));
            } catch (Exception e) {
              heldAt.set(id, "error: " + e);
            }
          });
          threads.add(t);
          holding.add(tag);
          t.start();
          echo.awaitHeld(holding.size());
          Lease l = new Lease();
          BackendSnapshot s = be.snapshot();
          int got = s.acquire(req, -1, l);
          ours.add(got < 0 ? "-" : s.server(got).name());
          leases.add(l);
          theirs.add("held" + id); // replaced by the server once the request ends
        }
        int shortOnes = 3 + r.nextInt(20);
        for (int i = 0; i < shortOnes; i++) {
          RawHttpClient.Response resp = c.get("/short/" + i, "x-be", name);
          theirs.add(resp.status() == 503 ? "-" : resp.header("X-Server"));
          try (Lease l = new Lease()) {
            BackendSnapshot s = be.snapshot();
            int got = s.acquire(req, -1, l);
            ours.add(got < 0 ? "-" : s.server(got).name());
          }
        }
        int end = r.nextInt(holding.size());
        String tag = holding.remove(end);
        echo.release(tag);
        leases.remove(end).close();
        int id = Integer.parseInt(tag.substring(tag.lastIndexOf('-') + 1));
        threads.get(id).join();
        awaitServed(h, name, holding.size());
      }
    } finally {
      holding.forEach(echo::release);
      for (Thread t : threads) {
        t.join();
      }
      leases.forEach(Lease::close);
    }
    for (int i = 0; i < theirs.size(); i++) {
      String v = theirs.get(i);
      if (v.startsWith("held")) {
        theirs.set(i, heldAt.get(Integer.parseInt(v.substring(4))));
      }
    }
  }

  /** Waits until HAProxy counts {@code n} requests in flight on the backend ({@code scur} of its servers). */
  private static void awaitServed(HaproxyProcess h, String be, int n) throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    for (;;) {
      int scur = 0;
      for (String line : h.cli("show stat").split("\n")) {
        String[] f = line.split(",");
        if (f.length > 4 && f[0].equals(be) && !f[1].equals("BACKEND") && !f[1].equals("FRONTEND")) {
          scur += Integer.parseInt(f[4]);
        }
      }
      if (scur == n) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("haproxy counts " + scur + " requests on " + be + ", expected " + n);
      }
      Thread.sleep(2);
    }
  }
}
