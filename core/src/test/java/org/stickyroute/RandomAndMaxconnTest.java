package org.stickyroute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.stickyroute.config.Balance;
import org.stickyroute.config.BackendConfig;
import org.stickyroute.config.ServerConfig;
import org.stickyroute.http.RequestView;

/** {@code balance random(N)} (power of N distinct choices) and {@code maxconn} outside leastconn. */
class RandomAndMaxconnTest {

  private static BackendConfig config(Balance balance, int[] weights, int[] maxconn) {
    BackendConfig.Builder b = BackendConfig.builder("be").balance(balance);
    for (int i = 0; i < weights.length; i++) {
      b.server(ServerConfig.builder("s" + (i + 1), "h", 1 + i).weight(weights[i]).maxconn(maxconn[i]).build());
    }
    return b.build();
  }

  @Test
  void twoDistinctDrawsAlwaysFindTheIdleServerOfTwo() {
    // HAProxy 2.6 draws with replacement: it would pick the busy s1 in 1/4 of the cases (Envoy #11004).
    Backend be = new Backend(config(Balance.random(2), new int[] {1, 1}, new int[] {0, 0}));
    Lease busy = new Lease();
    be.snapshot().acquireServer(0, busy);
    for (int i = 0; i < 2_000; i++) {
      assertEquals(1, be.snapshot().select("/"), "draw " + i);
    }
    busy.close();
  }

  @Test
  void moreDrawsThanServersComparesAllOfThemPerUnitOfWeight() {
    Backend be = new Backend(config(Balance.random(10), new int[] {1, 1, 3, 1, 1}, new int[5]));
    BackendSnapshot s = be.snapshot();
    int[] load = {3, 1, 2, 2, 4}; // per eweight: 3/16, 1/16, 2/48, 2/16, 4/16 -> s3 is least loaded per weight
    Lease[][] held = new Lease[5][];
    for (int i = 0; i < 5; i++) {
      held[i] = new Lease[load[i]];
      for (int k = 0; k < load[i]; k++) {
        held[i][k] = new Lease();
        s.acquireServer(i, held[i][k]);
      }
    }
    for (int i = 0; i < 500; i++) {
      assertEquals(2, s.select("/"), "draw " + i);
    }
    for (Lease[] ls : held) {
      for (Lease l : ls) {
        l.close();
      }
    }
    assertEquals(0, s.totalServed());
  }

  @Test
  void singleDrawsFollowTheRingWeights() {
    Backend be = new Backend(config(Balance.random(1), new int[] {1, 3}, new int[2]));
    int heavy = 0;
    int n = 20_000;
    for (int i = 0; i < n; i++) {
      heavy += be.snapshot().select("/") == 1 ? 1 : 0;
    }
    double share = heavy / (double) n;
    // s2 has 48 of the 64 ring nodes: its share of the ring is near 3/4 (arc lengths vary)
    assertTrue(share > 0.6 && share < 0.9, "share of the weight-3 server: " + share);
  }

  @Test
  void randomAvoidsAndReportsASaturatedWinner() {
    Backend be = new Backend(config(Balance.random(2), new int[] {1, 1, 1}, new int[] {1, 1, 1}));
    BackendSnapshot s = be.snapshot();
    for (int i = 0; i < 300; i++) {
      int got = s.select(RequestView.of("GET", "/"), 0);
      assertTrue(got == 1 || got == 2, "avoid s1, got " + got);
    }
    Lease[] l = {new Lease(), new Lease(), new Lease()};
    for (int i = 0; i < 3; i++) {
      s.acquireServer(i, l[i]);
    }
    assertEquals(BackendSnapshot.SATURATED, s.select("/"));
    for (Lease x : l) {
      x.close();
    }
  }

  @Test
  void roundRobinSkipsSaturatedServersAndSaysWhenAllAre() {
    Backend be = new Backend(config(Balance.roundRobin(), new int[] {1, 1, 1}, new int[] {1, 0, 2}));
    BackendSnapshot s = be.snapshot();
    Lease a = new Lease();
    s.acquireServer(0, a); // s1 saturated
    for (int i = 0; i < 6; i++) {
      int got = s.select("/");
      assertTrue(got == 1 || got == 2, "round " + i + ": " + got);
    }
    BackendConfig all = config(Balance.roundRobin(), new int[] {1, 1}, new int[] {1, 1});
    Backend full = new Backend(all);
    Lease b = new Lease();
    Lease c = new Lease();
    full.snapshot().acquireServer(0, b);
    full.snapshot().acquireServer(1, c);
    assertEquals(BackendSnapshot.SATURATED, full.snapshot().select("/"));
    assertEquals(BackendSnapshot.SATURATED, full.snapshot().acquire(RequestView.of("GET", "/"), -1, new Lease()));
    c.close();
    assertEquals(1, full.snapshot().select("/"));
    a.close();
    b.close();
  }

  @Test
  void hashingKeepsAffinityToASaturatedServer() {
    Backend be = new Backend(config(Balance.uri().depth(2), new int[] {1, 1, 1}, new int[] {1, 1, 1}));
    BackendSnapshot s = be.snapshot();
    int server = s.select("/project/42");
    Lease l = new Lease();
    s.acquireServer(server, l);
    assertTrue(s.saturated(server));
    assertEquals(server, s.select("/project/42"), "2.6 keeps hash affinity");
    l.close();
  }

  @Test
  void nothingUsableIsNoServerNotSaturated() {
    Backend be = new Backend(config(Balance.leastConn(), new int[] {1}, new int[] {1}));
    be.setAdmin("s1", AdminState.MAINT);
    assertEquals(BackendSnapshot.NO_SERVER, be.snapshot().select("/"));
  }
}
