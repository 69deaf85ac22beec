package org.stickyroute.testing.haproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.stickyroute.BackendSnapshot;
import org.stickyroute.Router;
import org.stickyroute.config.ConfigLoader;
import org.stickyroute.http.RequestView;

/**
 * {@code balance static-rr} and {@code roundrobin} in the real HAProxy 2.6 and in stickyroute, over the same
 * sequential requests: {@code static-rr} (HAProxy's map, {@code map_get_server_rr}) and {@code roundrobin}
 * with equal weights give the same sequence; {@code roundrobin} with unequal weights (HAProxy's {@code
 * lb_fwrr} tree, whose interleaving stickyroute does not reproduce) gives each server the same share over
 * whole cycles.
 */
@RequiresHaproxy
class RoundRobinDifferentialTest {
  private static final int REQUESTS = 60; // whole cycles of every backend below

  private static String config(int port, String echo) {
    return """
        defaults
            mode http
            timeout connect 1s
            timeout client 10s
            timeout server 10s
        frontend fe
            bind 127.0.0.1:%1$d
            use_backend %%[req.hdr(x-be)]
            http-response set-header X-Server %%s
        backend srr
            balance static-rr
            server s1 %2$s weight 3
            server s2 %2$s weight 1
            server s3 %2$s weight 2
            server s4 %2$s weight 0
        backend rr_equal
            balance roundrobin
            server s1 %2$s
            server s2 %2$s
            server s3 %2$s
            server s4 %2$s backup
        backend rr_weights
            balance roundrobin
            server s1 %2$s weight 3
            server s2 %2$s weight 1
            server s3 %2$s weight 2
        """.formatted(port, echo);
  }

  @Test
  void sameSequencesAndSharesAsHaproxy() throws Exception {
    Map<String, List<String>> theirs = new TreeMap<>();
    String cfg;
    try (EchoBackend echo = EchoBackend.start();
        HaproxyProcess h = HaproxyProcess.startOnFreePorts(1, ports -> config(ports.get(0), echo.address()));
        RawHttpClient c = new RawHttpClient(h.ports().get(0))) {
      cfg = Files.readString(h.configFile());
      for (String be : new String[] {"srr", "rr_equal", "rr_weights"}) {
        List<String> seq = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
          seq.add(c.get("/" + i, "x-be", be).header("X-Server"));
        }
        theirs.put(be, seq);
      }
    }
    Router router = Router.create(ConfigLoader.parse(cfg, "rr.cfg", false));
    Map<String, List<String>> ours = new TreeMap<>();
    for (String be : theirs.keySet()) {
      List<String> seq = new ArrayList<>();
      for (int i = 0; i < REQUESTS; i++) {
        BackendSnapshot s = router.backend(be).snapshot();
        seq.add(s.server(s.select(RequestView.of("GET", "/" + i))).name());
      }
      ours.put(be, seq);
    }
    System.out.println("haproxy parity (static-rr, roundrobin): " + REQUESTS + " sequential requests per backend;"
        + " haproxy " + theirs + ", stickyroute " + ours);
    assertEquals(theirs.get("srr"), ours.get("srr"), "static-rr sequence");
    assertEquals(theirs.get("rr_equal"), ours.get("rr_equal"), "roundrobin sequence, equal weights");
    assertEquals(shares(theirs.get("rr_weights")), shares(ours.get("rr_weights")), "roundrobin shares, weights 3:1:2");
  }

  private static Map<String, Integer> shares(List<String> seq) {
    Map<String, Integer> m = new TreeMap<>();
    seq.forEach(s -> m.merge(s, 1, Integer::sum));
    return m;
  }
}
