package org.stickyroute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.stickyroute.config.BackendConfig;
import org.stickyroute.config.Balance;
import org.stickyroute.config.ServerConfig;
import org.stickyroute.http.RequestView;

/**
 * {@code balance roundrobin} ({@code balance.FwrrPicker}) beyond what the differential tests against haproxy
 * show: the rotation survives republished snapshots, a new server list starts a fresh one, the server to avoid
 * is used only when nothing else qualifies, the state stays consistent through random changes, and concurrent
 * requests share one rotation (the first N picks are the same multiset whatever the interleaving).
 */
class RoundRobinTest {
  private static final RequestView REQ = RequestView.of("GET", "/");

  private static Backend backend(int... weights) {
    BackendConfig.Builder b = BackendConfig.builder("be").balance(Balance.roundRobin());
    for (int i = 0; i < weights.length; i++) {
      b.server(ServerConfig.builder("s" + (i + 1), "127.0.0.1", 8001 + i).weight(weights[i]).build());
    }
    return new Backend(b.build());
  }

  private static List<Integer> picks(Backend be, int n) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(be.snapshot().select(REQ));
    }
    return out;
  }

  @Test
  void weights312InterleaveAsHaproxy() {
    // observed on haproxy 2.6.12 (RoundRobinDifferentialTest): s1, s3, s1, s2, s1, s3
    assertEquals(List.of(0, 2, 0, 1, 0, 2), picks(backend(3, 1, 2), 6));
  }

  @Test
  void republishingKeepsTheRotation() {
    List<Integer> straight = picks(backend(3, 1, 2, 5), 200);
    Backend be = backend(3, 1, 2, 5);
    List<Integer> republished = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      if (i % 7 == 3) {
        be.republish();
      }
      republished.addAll(picks(be, 1));
    }
    assertEquals(straight, republished);
  }

  @Test
  void aNewServerListStartsAFreshRotation() {
    Backend be = backend(3, 1, 2);
    picks(be, 5);
    BackendConfig next = BackendConfig.builder("be").balance(Balance.roundRobin())
        .server(ServerConfig.builder("s1", "127.0.0.1", 8001).weight(3).build())
        .server(ServerConfig.builder("s2", "127.0.0.1", 8002).weight(1).build())
        .server(ServerConfig.builder("s3", "127.0.0.1", 8003).weight(2).build())
        .server(ServerConfig.builder("s4", "127.0.0.1", 8004).weight(2).build())
        .build();
    be.reconfigure(next);
    assertEquals(picks(new Backend(next), 40), picks(be, 40));
  }

  @Test
  void theServerToAvoidIsUsedOnlyWhenNothingElseQualifies() {
    Backend one = backend(1);
    assertEquals(0, one.snapshot().select(REQ, 0), "the only server, avoided, still serves");
    Backend two = backend(1, 1);
    assertEquals(1, two.snapshot().select(REQ, 0), "s1 would be next: avoided, s2 instead");
    assertNull(two.snapshot().inconsistency());
  }

  @Test
  void randomChangesKeepTheStateConsistent() {
    long seed = Long.getLong("rr.seed", System.nanoTime());
    System.out.println("RoundRobinTest seed " + seed + " (-Drr.seed=" + seed + ")");
    SplittableRandom r = new SplittableRandom(seed);
    for (int round = 0; round < 50; round++) {
      int n = 1 + r.nextInt(8);
      int[] w = new int[n];
      for (int i = 0; i < n; i++) {
        w[i] = r.nextInt(5) == 0 ? 0 : 1 + r.nextInt(r.nextBoolean() ? 4 : 256);
      }
      Backend be = backend(w);
      for (int step = 0; step < 40; step++) {
        String s = "s" + (1 + r.nextInt(n));
        switch (r.nextInt(4)) {
          case 0 -> be.setAdmin(s, r.nextBoolean() ? AdminState.MAINT : AdminState.DRAIN);
          case 1 -> be.setAdmin(s, AdminState.READY);
          case 2 -> be.setWeight(s, r.nextInt(4) == 0 ? 0 : 1 + r.nextInt(256));
          default -> picks(be, r.nextInt(100));
        }
        assertNull(be.snapshot().inconsistency(), "seed " + seed + " round " + round + " step " + step);
      }
    }
  }

  @Test
  void concurrentRequestsShareOneRotation() throws Exception {
    int perThread = 5_000;
    int threads = 4;
    List<Integer> sequential = picks(backend(3, 1, 2, 7, 1), perThread * threads);
    int[] expected = new int[5];
    sequential.forEach(s -> expected[s]++);
    Backend be = backend(3, 1, 2, 7, 1);
    AtomicIntegerArray counts = new AtomicIntegerArray(5);
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread w = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        for (int i = 0; i < perThread; i++) {
          counts.incrementAndGet(be.snapshot().select(REQ));
        }
      });
      workers.add(w);
      w.start();
    }
    start.countDown();
    for (Thread w : workers) {
      w.join();
    }
    int[] got = new int[5];
    for (int i = 0; i < 5; i++) {
      got[i] = counts.get(i);
    }
    assertEquals(java.util.Arrays.toString(expected), java.util.Arrays.toString(got));
    assertNull(be.snapshot().inconsistency());
  }
}
