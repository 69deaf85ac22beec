package org.stickyroute.testing.haproxy;

import org.stickyroute.testsupport.RequiresHaproxy;
import org.stickyroute.testsupport.HaproxyProcess;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.stickyroute.AdminState;
import org.stickyroute.Backend;
import org.stickyroute.BackendSnapshot;
import org.stickyroute.Router;
import org.stickyroute.config.ConfigLoader;
import org.stickyroute.http.RequestView;

/**
 * {@code balance roundrobin} and {@code static-rr} in the real HAProxy 2.6 and in stickyroute: the same
 * sequential requests must reach the same servers, request for request.
 *
 * <p>{@code roundrobin} (HAProxy's {@code lb_fwrr.c}) over many generated backends: 1 to 12 servers, weights
 * 0 to 256 (small ones, so that the trees switch many times, equal ones, wide ones, zeros), backup servers
 * with and without {@code option allbackups}, and between runs of requests the runtime changes an operator
 * makes through the stats socket ({@code set server be/s state maint|drain|ready}, {@code set weight}), made
 * on our {@link Backend} too. The generator is seeded; the seed is printed ({@code -Drr.seed=N} replays it).
 * {@code static-rr} (HAProxy's map, {@code map_get_server_rr}) over a fixed backend.
 */
@RequiresHaproxy
class RoundRobinDifferentialTest {
  private static final int BACKENDS = 40;
  /** The defaults section of these tests (ours parse it with the backends). */
  static final String DEFAULTS = """
      defaults
          mode http
          timeout connect 1s
          timeout client 20s
          timeout server 20s
      """;

  /**
   * HAProxy's whole configuration: an admin stats socket, {@link #DEFAULTS}, a frontend on {@code port} that
   * sends each request to the backend named by its {@code x-be} header and says which server answered
   * ({@code X-Server}), then {@code backends}.
   */
  static String haproxyConfig(int port, String backends) {
    return "global\n    stats socket unix@admin.sock mode 600 level admin\n" + DEFAULTS
        + "frontend fe\n    bind 127.0.0.1:" + port + "\n    use_backend %[req.hdr(x-be)]\n"
        + "    http-response set-header X-Server %s\n" + backends;
  }

  /** One step of a backend's script: some requests, or one runtime change. */
  private record Step(int requests, String command, Consumer<Backend> mirror) {
    @Override
    public String toString() {
      return command == null ? requests + " requests" : "'" + command + "'";
    }
  }

  /** A generated backend: its configuration section and its script. */
  private record Generated(String name, String section, List<Step> script) {}

  @Test
  void sameSequencesAsHaproxy() throws Exception {
    long seed = Long.getLong("rr.seed", System.nanoTime());
    System.out.println("RoundRobinDifferentialTest seed " + seed + " (-Drr.seed=" + seed + ")");
    SplittableRandom random = new SplittableRandom(seed);
    List<Generated> generated = new ArrayList<>();
    generated.add(new Generated("rr_fixed", """
        backend rr_fixed
            balance roundrobin
            server s1 ECHO weight 3
            server s2 ECHO weight 1
            server s3 ECHO weight 2
        """, List.of(new Step(60, null, null))));
    for (int b = 0; b < BACKENDS; b++) {
      generated.add(generate("rr" + b, random));
    }
    String srr = """
        backend srr
            balance static-rr
            server s1 ECHO weight 3
            server s2 ECHO weight 1
            server s3 ECHO weight 2
            server s4 ECHO weight 0
        """;
    StringBuilder sections = new StringBuilder(srr);
    generated.forEach(g -> sections.append(g.section()));

    try (EchoBackend echo = EchoBackend.start()) {
      String backends = sections.toString().replace("ECHO", echo.address());
      Router router = Router.create(ConfigLoader.parse(DEFAULTS + backends, "rr.cfg", false));
      try (HaproxyProcess h = HaproxyProcess.startOnFreePorts(1, ports -> haproxyConfig(ports.get(0), backends));
          RawHttpClient c = new RawHttpClient(h.ports().get(0))) {
        List<String> srrTheirs = requests(c, "srr", 60);
        List<String> srrOurs = ours(router.backend("srr"), 60);
        System.out.println("haproxy parity (static-rr): " + agreed(srrTheirs, srrOurs) + "/" + srrTheirs.size()
            + " requests agreed");
        assertEquals(srrTheirs, srrOurs, "static-rr sequence");

        int total = 0;
        int agreed = 0;
        List<String> failures = new ArrayList<>();
        List<String> fixed = List.of();
        for (Generated g : generated) {
          Backend be = router.backend(g.name());
          List<String> theirs = new ArrayList<>();
          List<String> ours = new ArrayList<>();
          for (Step step : g.script()) {
            if (step.command() == null) {
              theirs.addAll(requests(c, g.name(), step.requests()));
              ours.addAll(ours(be, step.requests()));
            } else {
              assertEquals("", h.cli(step.command()).strip(), "haproxy's answer to '" + step.command() + "'");
              step.mirror().accept(be);
            }
          }
          if (fixed.isEmpty()) {
            fixed = theirs;
          }
          total += theirs.size();
          int same = agreed(theirs, ours);
          agreed += same;
          String bad = be.snapshot().inconsistency();
          if (same != theirs.size() || bad != null) {
            failures.add(g.name() + " (" + g.section().strip().replace("\n", ";") + ") script " + g.script()
                + (bad != null ? "; inconsistent state: " + bad : "")
                + "\n  haproxy     " + theirs + "\n  stickyroute " + ours);
          }
        }
        System.out.println("haproxy parity (roundrobin): " + agreed + "/" + total + " requests agreed over "
            + generated.size() + " backends (seed " + seed + ")");
        assertEquals(List.of(), failures, "roundrobin sequences differ (seed " + seed + ")");
        assertEquals(List.of("s1", "s3", "s1", "s2", "s1", "s3"), fixed.subList(0, 6),
            "haproxy's own 3:1:2 interleaving");
      }
    }
  }

  private static Generated generate(String name, SplittableRandom r) {
    int n = 1 + r.nextInt(12);
    int mode = r.nextInt(20); // 0-9 small weights (many tree switches), 10-12 equal, 13-19 wide
    int equal = 1 + r.nextInt(256);
    boolean allBackups = r.nextInt(3) == 0;
    StringBuilder section = new StringBuilder("backend " + name + "\n    balance roundrobin\n");
    if (allBackups) {
      section.append("    option allbackups\n");
    }
    for (int s = 1; s <= n; s++) {
      section.append("    server s").append(s).append(" ECHO weight ").append(weight(r, mode, equal));
      if (r.nextInt(5) == 0) {
        section.append(" backup");
      }
      section.append('\n');
    }
    List<Step> script = new ArrayList<>();
    int segments = 1 + r.nextInt(5);
    for (int k = 0; k < segments; k++) {
      if (k > 0) {
        script.add(change(name, n, r, mode, equal));
      }
      script.add(new Step(mode < 10 ? 20 + r.nextInt(160) : 10 + r.nextInt(60), null, null));
    }
    return new Generated(name, section.toString(), script);
  }

  private static int weight(SplittableRandom r, int mode, int equal) {
    if (mode >= 10 && mode <= 12) {
      return equal;
    }
    if (r.nextInt(8) == 0) {
      return 0;
    }
    if (mode < 10) {
      return 1 + r.nextInt(4);
    }
    return r.nextInt(6) == 0 ? 256 : 1 + r.nextInt(256);
  }

  private static Step change(String be, int n, SplittableRandom r, int mode, int equal) {
    String server = "s" + (1 + r.nextInt(n));
    String at = be + "/" + server;
    switch (r.nextInt(4)) {
      case 0:
        return new Step(0, "set server " + at + " state maint", b -> b.setAdmin(server, AdminState.MAINT));
      case 1:
        return new Step(0, "set server " + at + " state drain", b -> b.setAdmin(server, AdminState.DRAIN));
      case 2:
        return new Step(0, "set server " + at + " state ready", b -> b.setAdmin(server, AdminState.READY));
      default:
        int w = weight(r, mode, mode >= 10 && mode <= 12 && r.nextBoolean() ? equal : 1 + r.nextInt(256));
        return new Step(0, "set weight " + at + " " + w, b -> b.setWeight(server, w));
    }
  }

  /** Sequential requests through HAProxy: the server each reached, or "-" for HAProxy's 503. */
  private static List<String> requests(RawHttpClient c, String be, int count) throws Exception {
    List<String> seq = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      RawHttpClient.Response r = c.get("/" + i, "x-be", be);
      seq.add(r.status() == 503 ? "-" : r.header("X-Server"));
    }
    return seq;
  }

  /** The same requests to our backend: the server of each, or "-" when none is usable. */
  private static List<String> ours(Backend be, int count) {
    List<String> seq = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      BackendSnapshot s = be.snapshot();
      int server = s.select(RequestView.of("GET", "/" + i));
      seq.add(server < 0 ? "-" : s.server(server).name());
    }
    return seq;
  }

  private static int agreed(List<String> theirs, List<String> ours) {
    int same = 0;
    for (int i = 0; i < Math.min(theirs.size(), ours.size()); i++) {
      if (theirs.get(i).equals(ours.get(i))) {
        same++;
      }
    }
    return same;
  }
}
