package org.stickyroute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.stickyroute.balance.ConsistentHashPicker;
import org.stickyroute.balance.ConsistentRing;
import org.stickyroute.balance.LoadView;
import org.stickyroute.balance.MapHashPicker;
import org.stickyroute.config.BackendConfig;
import org.stickyroute.config.Balance;
import org.stickyroute.config.ServerConfig;
import org.stickyroute.hash.HashFunction;
import org.stickyroute.hash.HashType;
import org.stickyroute.http.RequestView;
import org.stickyroute.key.UriKey;
import org.stickyroute.testing.Backends;

class BackendSnapshotTest {
  private static final String[] TARGETS = {
    "/project/1", "/project/2/x", "/project/42", "/a", "/b/c", "/project/abc/def", "/", "/z?x=1"
  };

  private static BackendConfig.Builder withBackups(HashType type, boolean allBackups) {
    return BackendConfig.builder("be")
        .balance(Balance.uri().depth(2))
        .hashType(type)
        .allBackups(allBackups)
        .server(Backends.server("a1").build())
        .server(Backends.server("a2").build())
        .server(Backends.server("b1").backup(true).weight(2).build())
        .server(Backends.server("b2").backup(true).weight(5).build())
        .server(Backends.server("b3").backup(true).build());
  }

  private static String name(BackendSnapshot s, int i) {
    return i < 0 ? "-" : s.server(i).name();
  }

  @Test
  void backupsAreOnlyUsedWhenNoActiveServerIsUsable() {
    for (HashType t : new HashType[] {HashType.DEFAULT, HashType.consistent()}) {
      Backend b = new Backend(withBackups(t, false).build());
      for (String target : TARGETS) {
        String n = name(b.snapshot(), b.snapshot().select(target));
        assertTrue(n.startsWith("a"), t + " " + target + " -> " + n);
      }
      b.setHealth("a1", Health.DOWN);
      b.setHealth("a2", Health.DOWN);
      assertTrue(b.snapshot().usingBackups());
      assertEquals(1, b.snapshot().totalUsed());
      for (String target : TARGETS) {
        String n = name(b.snapshot(), b.snapshot().select(target));
        if (t.isConsistent()) {
          // Consistent hashing returns the first usable backup (fbck) directly.
          assertEquals("b1", n, target);
        } else {
          // Map-based fills slot 0 over every usable backup with tot = fbck's weight (2 here, after the
          // GCD of 1): b2's larger weight wins the slot — HAProxy's quirk, reproduced.
          assertEquals("b2", n, target);
        }
      }
    }
  }

  @Test
  void allBackupsSpreadOverEveryBackup() {
    Backend b = new Backend(withBackups(HashType.DEFAULT, true).build());
    b.setAdmin("a1", AdminState.MAINT);
    b.setHealth("a2", Health.DOWN);
    BackendSnapshot s = b.snapshot();
    assertEquals(3, s.totalUsed());
    assertEquals(8, s.totalWeight());
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (int i = 0; i < 200; i++) {
      seen.add(name(s, s.select("/project/" + i)));
    }
    assertEquals(java.util.Set.of("b1", "b2", "b3"), seen);
  }

  @Test
  void oneUsableServerHashesZero() {
    // With tot_used == 1 HAProxy skips hashing: hash 0 -> map slot 0.
    Backend b = new Backend(Backends.uri(HashType.DEFAULT, 3, 1).build());
    b.setHealth("s2", Health.DOWN);
    assertEquals(1, b.snapshot().totalUsed());
    assertEquals(0, b.snapshot().select("/anything"));
  }

  @Test
  void nothingUsableGivesNoServer() {
    Backend b = new Backend(Backends.uri(HashType.DEFAULT, 1, 1).build());
    b.setHealth("s1", Health.DOWN);
    b.setAdmin("s2", AdminState.DRAIN);
    assertEquals(BackendSnapshot.NO_SERVER, b.snapshot().select("/project/1"));
    assertEquals(0, b.snapshot().totalWeight());
    Backend empty = new Backend(BackendConfig.builder("e").balance(Balance.uri()).build());
    assertEquals(BackendSnapshot.NO_SERVER, empty.snapshot().select("/x"));
    Backend rr = new Backend(BackendConfig.builder("rr").server(Backends.server("s").weight(0).build()).build());
    assertEquals(BackendSnapshot.NO_SERVER, rr.snapshot().select("/x"));
  }

  @Test
  void disabledServersStartInMaintenance() {
    BackendConfig c = BackendConfig.builder("be")
        .balance(Balance.uri().depth(2))
        .server(Backends.server("s1").build())
        .server(Backends.server("s2").disabled(true).build())
        .server(Backends.server("s3").build())
        .build();
    BackendSnapshot s = new Backend(c).snapshot();
    assertEquals(AdminState.MAINT, s.state(1).admin());
    assertFalse(s.usable(1));
    assertEquals(2, s.totalWeight());
  }

  @Test
  void mapBasedIgnoresRuntimeWeightsExceptZero() {
    Backend b = new Backend(Backends.uri(HashType.DEFAULT, 1, 1, 1).build());
    b.setWeight("s1", 100);
    assertEquals(3, b.snapshot().totalWeight());
    b.setWeight("s1", 0);
    assertEquals(2, b.snapshot().totalWeight());
    Backend c = new Backend(Backends.uri(HashType.consistent(), 1, 1, 1).build());
    c.setWeight("s1", 2);
    assertEquals(64, c.snapshot().totalWeight());
    assertEquals(64, ring(c.snapshot()).size());
  }

  @Test
  void explicitIdsMoveRingPoints() {
    BackendConfig c = BackendConfig.builder("be")
        .balance(Balance.uri().depth(2))
        .hashType(HashType.consistent())
        .server(Backends.server("s1").id(10).build())
        .server(Backends.server("s2").id(20).build())
        .build();
    BackendSnapshot s = new Backend(c).snapshot();
    assertEquals(10, s.id(0));
    assertEquals(org.stickyroute.hash.internal.Avalanche.fullHash(10 * 4096), minKeyOf(s, 0));
  }

  private static ConsistentRing ring(BackendSnapshot s) {
    return SnapshotAccess.picker(s, ConsistentHashPicker.class).ring();
  }

  private static int minKeyOf(BackendSnapshot s, int server) {
    // Node j=0 is not necessarily the smallest; find it by recomputing.
    ConsistentRing ring = ring(s);
    for (int i = 0; i < ring.size(); i++) {
      if (ring.owner(i) == server && ring.key(i) == org.stickyroute.hash.internal.Avalanche.fullHash(s.id(server) * 4096)) {
        return ring.key(i);
      }
    }
    return 0;
  }

  @Test
  void automaticIdsSkipExplicitOnes() {
    BackendConfig c = BackendConfig.builder("be")
        .server(Backends.server("s1").build())
        .server(Backends.server("s2").id(1).build())
        .server(Backends.server("s3").build())
        .server(Backends.server("s4").id(3).build())
        .server(Backends.server("s5").build())
        .server(Backends.server("s6").id(10).build())
        .server(Backends.server("s7").build())
        .build();
    // Verified with 'show servers state' on HAProxy 2.6 (spec §1.1).
    assertEquals(java.util.List.of(2, 1, 4, 3, 6, 10, 8), java.util.Arrays.stream(c.resolvedIds()).boxed().toList());
  }

  /** hash-balance-factor: the formula of chash_server_is_eligible with caller-supplied counts. */
  @Test
  void boundedLoadsWalkPastFullServers() {
    BackendConfig c = Backends.uri(HashType.consistent(), 1, 1, 1).hashBalanceFactor(125).build();
    BackendSnapshot s = new Backend(c).snapshot();
    RequestView target = RequestView.of("GET", "/project/42");
    int home = s.select(target, -1, LoadView.of(new int[3]));
    int[] served = new int[3];
    served[home] = 1;
    // total 1: tot_slots = ceil(2 * 1.25) = 3 over weight 48 -> per_w 0, rem 3; each server gets 1 slot.
    int moved = s.select(target, -1, LoadView.of(served));
    assertTrue(moved != home, "a server with one request in flight is full at factor 125");
    // Same key, home idle again: back home.
    assertEquals(home, s.select(target, -1, LoadView.of(new int[3])));
    // Factor 0 never moves.
    BackendSnapshot plain = new Backend(Backends.uri(HashType.consistent(), 1, 1, 1).build()).snapshot();
    assertEquals(plain.select(target), plain.select(target, -1, LoadView.of(new int[] {9, 9, 9})));
  }

  @Test
  void roundRobinRotatesInDeclarationOrder() {
    Backend b = new Backend(BackendConfig.builder("rr")
        .server(Backends.server("s1").build())
        .server(Backends.server("s2").build())
        .server(Backends.server("s3").build())
        .build());
    StringBuilder seq = new StringBuilder();
    for (int i = 0; i < 6; i++) {
      seq.append(name(b.snapshot(), b.snapshot().select("/"))).append(' ');
    }
    assertEquals("s1 s2 s3 s1 s2 s3 ", seq.toString());
  }

  @Test
  void selectAgreesWithKeyHashThenTableLookup() {
    BackendConfig c = Backends.uri(HashType.mapBased(HashFunction.WT6), 1, 2, 3).build();
    BackendSnapshot s = new Backend(c).snapshot();
    for (String t : TARGETS) {
      int h = UriKey.depth(2).hash(t, c.hashType());
      assertEquals(SnapshotAccess.picker(s, MapHashPicker.class).lookup(h & 0xFFFFFFFFL), s.select(t), t);
    }
  }

  @Test
  void leasesCountInFlightRequestsExactlyOnce() {
    Backend b = new Backend(Backends.uri(HashType.DEFAULT, 1, 1).build());
    BackendSnapshot s = b.snapshot();
    Lease lease = new Lease();
    int srv = s.acquire(RequestView.of("GET", "/project/1"), -1, lease);
    assertTrue(lease.isHeld());
    assertEquals(1, s.counters(srv).served());
    assertEquals(1, s.totalServed());
    lease.close();
    lease.close();
    assertEquals(0, s.counters(srv).served());
    assertEquals(0, s.totalServed());
    assertFalse(lease.isHeld());
  }

  @Test
  void serverConfigRejectsOutOfRangeValues() {
    org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> ServerConfig.builder("s", "h", 1).weight(257).build());
    org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> ServerConfig.builder("s", "h", 70000).build());
  }
}
