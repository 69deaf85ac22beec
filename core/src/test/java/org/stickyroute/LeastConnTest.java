package org.stickyroute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.stickyroute.balance.LeastConnPicker;
import org.stickyroute.balance.LeastConnQueue;
import org.stickyroute.config.Balance;
import org.stickyroute.config.BackendConfig;
import org.stickyroute.config.ServerConfig;
import org.stickyroute.http.RequestView;

/** {@code balance leastconn} against HAProxy 2.6's rules (spec section 5) and a reference model of its ebtree. */
class LeastConnTest {

  static LeastConnQueue tree(BackendSnapshot s) {
    return SnapshotAccess.picker(s, LeastConnPicker.class).queue();
  }

  static BackendConfig config(int... weights) {
    BackendConfig.Builder b = BackendConfig.builder("be").balance(Balance.leastConn());
    for (int i = 0; i < weights.length; i++) {
      b.server(ServerConfig.builder("s" + (i + 1), "127.0.0.1", 9000 + i).weight(weights[i]).build());
    }
    return b.build();
  }

  private static String name(BackendSnapshot s, int i) {
    return i < 0 ? String.valueOf(i) : s.server(i).name();
  }

  @Test
  void sequentialRequestsOnIdleServersRotateInOrderOfRelease() {
    Backend be = new Backend(config(1, 1, 1));
    List<String> seen = new ArrayList<>();
    Lease lease = new Lease();
    for (int i = 0; i < 7; i++) {
      BackendSnapshot s = be.snapshot();
      int server = s.acquire(RequestView.of("GET", "/x"), BackendSnapshot.NO_SERVER, lease);
      seen.add(name(s, server));
      lease.close();
    }
    assertEquals(List.of("s1", "s2", "s3", "s1", "s2", "s3", "s1"), seen);
  }

  @Test
  void busyServerIsSkippedWhileOthersAreIdleAndKeysFollowHaproxy() {
    Backend be = new Backend(config(1, 2, 1));
    BackendSnapshot s = be.snapshot();
    Lease a = new Lease();
    Lease b = new Lease();
    Lease c = new Lease();
    assertEquals(0, s.acquire(RequestView.of("GET", "/"), -1, a));
    assertEquals(512, tree(s).key(0)); // weight 1 (eweight 16), 1 in flight: 2 * 4096 / 16
    assertEquals(1, s.acquire(RequestView.of("GET", "/"), -1, b));
    assertEquals(256, tree(s).key(1)); // weight 2: 2 * 4096 / 32
    assertEquals(2, s.acquire(RequestView.of("GET", "/"), -1, c));
    // all busy: s2 (256) before s1 and s3 (512)
    Lease d = new Lease();
    assertEquals(1, s.acquire(RequestView.of("GET", "/"), -1, d));
    assertEquals(384, tree(s).key(1)); // 3 * 4096 / 32
    Lease e = new Lease();
    assertEquals(1, s.acquire(RequestView.of("GET", "/"), -1, e)); // 384 < 512
    assertEquals(512, tree(s).key(1));
    Lease f = new Lease();
    // s1, s3 and s2 all at 512: s1 was queued first, then s3, then s2
    assertEquals(0, s.acquire(RequestView.of("GET", "/"), -1, f));
    for (Lease l : List.of(a, b, c, d, e, f)) {
      l.close();
    }
    assertNull(s.inconsistency());
    assertEquals(0, s.totalServed());
  }

  @Test
  void avoidedServerIsUsedOnlyWhenNothingElseQualifies() {
    Backend be = new Backend(config(1, 1));
    BackendSnapshot s = be.snapshot();
    assertEquals(1, s.select(RequestView.of("GET", "/"), 0));
    Lease a = new Lease();
    assertEquals(1, s.acquire(RequestView.of("GET", "/"), 0, a)); // avoids s1 although s1 is first
    be.setAdmin("s2", AdminState.MAINT);
    BackendSnapshot t = be.snapshot();
    assertEquals(0, t.select(RequestView.of("GET", "/"), 0)); // only s1 left: used despite avoid
    a.close();
  }

  @Test
  void maxconnSkipsSaturatedServersAndSaysSoWhenAllAre() {
    BackendConfig cfg = BackendConfig.builder("be").balance(Balance.leastConn())
        .server(ServerConfig.builder("s1", "h", 1).maxconn(1).build())
        .server(ServerConfig.builder("s2", "h", 2).maxconn(2).build())
        .build();
    Backend be = new Backend(cfg);
    BackendSnapshot s = be.snapshot();
    Lease[] l = {new Lease(), new Lease(), new Lease(), new Lease()};
    assertEquals(0, s.acquire(RequestView.of("GET", "/"), -1, l[0]));
    assertTrue(s.saturated(0));
    assertEquals(1, s.acquire(RequestView.of("GET", "/"), -1, l[1]));
    assertEquals(1, s.acquire(RequestView.of("GET", "/"), -1, l[2])); // s1 (key 512) is saturated: skipped
    assertEquals(BackendSnapshot.SATURATED, s.acquire(RequestView.of("GET", "/"), -1, l[3]));
    assertFalse(l[3].isHeld());
    l[0].close();
    assertEquals(0, s.acquire(RequestView.of("GET", "/"), -1, l[3]));
    for (Lease x : l) {
      x.close();
    }
    assertEquals(0, be.snapshot().totalServed());
  }

  @Test
  void backupsAreUsedPerSection13() {
    BackendConfig.Builder b = BackendConfig.builder("be").balance(Balance.leastConn())
        .server(ServerConfig.builder("a1", "h", 1).build())
        .server(ServerConfig.builder("b1", "h", 2).backup(true).build())
        .server(ServerConfig.builder("b2", "h", 3).backup(true).build());
    Backend be = new Backend(b.build());
    be.setHealth("a1", Health.DOWN);
    Lease l = new Lease();
    for (int i = 0; i < 3; i++) {
      BackendSnapshot s = be.snapshot();
      assertEquals("b1", name(s, s.acquire(RequestView.of("GET", "/"), -1, l)), "first usable backup only");
      l.close();
    }
    Backend all = new Backend(b.allBackups(true).build());
    all.setHealth("a1", Health.DOWN);
    List<String> seen = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      BackendSnapshot s = all.snapshot();
      seen.add(name(s, s.acquire(RequestView.of("GET", "/"), -1, l)));
      l.close();
    }
    assertEquals(List.of("b1", "b2", "b1", "b2"), seen);
    all.setHealth("a1", Health.UP);
    assertEquals("a1", name(all.snapshot(), all.snapshot().select("/")));
  }

  @Test
  void releaseAfterRemovalOrReconfigurationIsSafe() {
    Backend be = new Backend(config(1, 1, 1));
    Lease l1 = new Lease();
    Lease l2 = new Lease();
    assertEquals(0, be.snapshot().acquire(RequestView.of("GET", "/"), -1, l1));
    assertEquals(1, be.snapshot().acquire(RequestView.of("GET", "/"), -1, l2));
    ServerCounters s1 = be.snapshot().counters(0);
    // publish a configuration without s1, and with s2 moved to the end
    BackendConfig next = BackendConfig.builder("be").balance(Balance.leastConn())
        .server(ServerConfig.builder("s3", "127.0.0.1", 9002).build())
        .server(ServerConfig.builder("s2", "127.0.0.1", 9001).build())
        .build();
    BackendSnapshot s = be.reconfigure(next);
    assertEquals(1, s.counters(1).served(), "s2 kept its counters");
    l1.close();
    l2.close();
    l2.close();
    assertEquals(0, s1.served());
    assertEquals(0, s.counters(1).served());
    assertEquals(0, s.totalServed());
    assertNull(s.inconsistency());
    assertEquals("s3", name(s, s.select("/")), "s3 was queued before s2 re-queued on release");
  }

  @Test
  void heldLeaseIsRefusedWithoutTouchingCounters() {
    Backend be = new Backend(config(1, 1));
    BackendSnapshot s = be.snapshot();
    Lease l = new Lease();
    s.acquire(RequestView.of("GET", "/"), -1, l);
    assertThrows(IllegalStateException.class, () -> s.acquire(RequestView.of("GET", "/"), -1, l));
    assertThrows(IllegalStateException.class, () -> s.acquireServer(1, l));
    assertEquals(1, s.totalServed());
    assertEquals(0, s.counters(1).served());
    l.close();
    assertEquals(0, s.totalServed());
  }

  @Test
  void sequenceCompactionKeepsFifoOrderAcrossRepublishing() {
    Backend be = new Backend(config(1, 1, 1, 1));
    Lease l = new Lease();
    for (int i = 0; i < 6; i++) { // order now s3, s4, s1, s2
      be.snapshot().acquire(RequestView.of("GET", "/"), -1, l);
      l.close();
    }
    int[] before = tree(be.snapshot()).order();
    be.republish();
    be.setWeight("s1", 1); // no change of eweight: s1 keeps its place
    assertEquals(List.of(2, 3, 0, 1), boxed(before));
    assertEquals(boxed(before), boxed(tree(be.snapshot()).order()));
    be.setWeight("s3", 2); // HAProxy re-queues a server whose weight changed: after the others
    assertEquals(List.of(3, 0, 1, 2), boxed(tree(be.snapshot()).order()));
  }

  private static List<Integer> boxed(int[] a) {
    List<Integer> l = new ArrayList<>();
    for (int x : a) {
      l.add(x);
    }
    return l;
  }

  // ------------------------------------------------------------ reference model

  /** HAProxy's fwlc ebtree, literally: a list kept sorted by key, duplicates FIFO. */
  static final class Model {
    final int[] eweight;
    final int[] maxconn;
    final int[] served;
    final long[] key;
    final List<Integer> tree = new ArrayList<>();

    Model(int[] eweight, int[] maxconn) {
      this.eweight = eweight;
      this.maxconn = maxconn;
      this.served = new int[eweight.length];
      this.key = new long[eweight.length];
      for (int i = 0; i < eweight.length; i++) {
        tree.add(i);
      }
    }

    void reposition(int s) {
      long k = served[s] == 0 ? 0 : (served[s] + 1L) * 4096 / eweight[s];
      if (k == key[s]) {
        return;
      }
      tree.remove(Integer.valueOf(s));
      key[s] = k;
      int pos = 0;
      while (pos < tree.size() && key[tree.get(pos)] <= k) {
        pos++;
      }
      tree.add(pos, s);
    }

    int pick(int avoid) {
      int avoided = -1;
      for (int s : tree) {
        if (maxconn[s] == 0 || served[s] < maxconn[s]) {
          if (s != avoid) {
            return s;
          }
          avoided = s;
        }
      }
      return avoided >= 0 ? avoided : BackendSnapshot.SATURATED;
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {1L, 2L, 3L, 42L, 20261129L})
  void randomSequencesMatchTheReferenceModel(long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    int n = 1 + rnd.nextInt(12);
    BackendConfig.Builder b = BackendConfig.builder("be").balance(Balance.leastConn());
    int[] ew = new int[n];
    int[] mc = new int[n];
    for (int i = 0; i < n; i++) {
      int w = 1 + rnd.nextInt(rnd.nextBoolean() ? 3 : 256);
      mc[i] = rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(4) : 0;
      ew[i] = w * 16;
      b.server(ServerConfig.builder("s" + i, "h", 1000 + i).weight(w).maxconn(mc[i]).build());
    }
    Backend be = new Backend(b.build());
    BackendSnapshot s = be.snapshot();
    Model m = new Model(ew, mc);
    List<Lease> held = new ArrayList<>();
    List<Integer> heldServer = new ArrayList<>();
    for (int step = 0; step < 5_000; step++) {
      int op = rnd.nextInt(10);
      String ctx = "seed " + seed + ", step " + step + ", n " + n;
      if (op < 5 || held.isEmpty()) {
        int avoid = rnd.nextInt(4) == 0 ? rnd.nextInt(n) : -1;
        int expected = m.pick(avoid);
        Lease l = new Lease();
        int got = s.acquire(RequestView.of("GET", "/"), avoid, l);
        assertEquals(expected, got, ctx);
        if (got >= 0) {
          m.served[got]++;
          m.reposition(got);
          held.add(l);
          heldServer.add(got);
        }
      } else if (op < 6) {
        int server = rnd.nextInt(n); // persistence: any server, saturated or not
        Lease l = new Lease();
        s.acquireServer(server, l);
        m.served[server]++;
        m.reposition(server);
        held.add(l);
        heldServer.add(server);
      } else {
        int i = rnd.nextInt(held.size());
        int server = heldServer.remove(i);
        held.remove(i).close();
        m.served[server]--;
        m.reposition(server);
      }
      assertNull(s.inconsistency(), ctx);
    }
    for (Lease l : held) {
      l.close();
    }
    assertEquals(0, s.totalServed(), "seed " + seed);
  }
}
