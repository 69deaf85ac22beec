package org.stickyroute.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.stickyroute.Decision;
import org.stickyroute.Router;
import org.stickyroute.config.ConfigLoader;
import org.stickyroute.http.BasicRequest;
import org.stickyroute.share.SharedEntry;
import org.stickyroute.testsupport.RedisServer;
import org.stickyroute.testsupport.RequiresProgram;

/** Two (or three) instances sharing a stick table through a real redis-server. */
@RequiresProgram(value = "redis-server", version = "7", install = "apt-get install -y redis-server")
class RedisStickSharingTest {
  static final String CFG = """
      peers mesh
        peer a 127.0.0.1:10000
      backend users
        balance roundrobin
        stick-table type string len 16 size 10k expire 60s peers mesh
        stick on hdr(x-user)
        server s1 10.0.0.1:80
        server s2 10.0.0.2:80
      """;

  private RedisServer redis;
  private final List<AutoCloseable> open = new ArrayList<>();

  @BeforeEach
  void startRedis() throws Exception {
    redis = new RedisServer();
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
    redis.close();
  }

  /** An instance: its router, sharing through the test's Redis under a per-test prefix. */
  record Instance(Router router, RedisStickSharing sharing) {}

  Instance instance() {
    Router r = Router.create(ConfigLoader.parse(CFG, "t.cfg", false));
    RedisStickSharing s = RedisStickSharing.start(r, new RedisPeersConfig("mesh", redis.uri(), "t:", null, null));
    open.add(s);
    await("first resync", () -> s.resyncs() > 0);
    // put the instances' round robins out of step: without sharing, most keys would differ
    route(r, null);
    return new Instance(r, s);
  }

  /** The server chosen for user {@code user} (null: no header, no key), or null when the request failed. */
  static String route(Router r, String user) {
    BasicRequest.Builder b = BasicRequest.builder("GET", "/");
    if (user != null) {
      b.header("x-user", user);
    }
    try (Decision d = new Decision()) {
      r.route(r.backend("users"), b.build(), d);
      return d.status() == 0 ? d.serverName() : null;
    }
  }

  /** Whether {@code r} has an entry for {@code user}, and its server (without routing, which would store). */
  static String entry(Router r, String user) {
    String hex = java.util.HexFormat.of().formatHex(user.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    for (SharedEntry e : r.sharedTables("mesh").entries()) {
      if (e.key().equals(hex)) {
        return e.server();
      }
    }
    return null;
  }

  static void await(String what, BooleanSupplier done) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 20 s: " + what);
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }

  @Test
  void learnedOnARoutedTheSameOnBWithin100ms() {
    Instance a = instance();
    Instance b = instance();
    int n = 200;
    long[] micros = new long[n];
    for (int i = 0; i < n; i++) {
      String user = "user" + i;
      long appliedBefore = b.sharing.applied();
      String server = route(a.router, user);
      assertNotNull(server);
      long t0 = System.nanoTime();
      long deadline = t0 + TimeUnit.SECONDS.toNanos(10);
      // wait for B's apply counter (one volatile read; B applies exactly this store: B's own stores below are
      // not echoed back to it, and A does not re-publish what it applies), sleeping 20 us between looks rather
      // than spinning: on 2 shared cores a spinning test thread starves the threads it is measuring
      while (b.sharing.applied() == appliedBefore) {
        assertTrue(System.nanoTime() < deadline, "not on B within 10 s: " + user);
        LockSupport.parkNanos(20_000);
      }
      micros[i] = (System.nanoTime() - t0) / 1000;
      assertEquals(server, entry(b.router, user), user);
      assertEquals(server, route(b.router, user), user);
    }
    Arrays.sort(micros);
    long p50 = micros[n / 2];
    long p99 = micros[n * 99 / 100];
    long max = micros[n - 1];
    System.out.printf("redis propagation A -> B over %d keys: p50 %d us, p99 %d us, max %d us%n", n, p50, p99, max);
    // the bound: learned on A, routed the same on B within 100 ms. Asserted for 99 % of the keys, and
    // every key within a second: the build shares 2 cores with other builds, and a GC pause or a descheduled
    // thread of this JVM is not Redis's propagation time
    assertTrue(p99 <= 100_000, "p99 propagation " + p99 + " us > 100 ms (p50 " + p50 + " us)");
    assertTrue(max <= 1_000_000, "slowest propagation " + max + " us > 1 s");
    assertEquals(0, a.sharing.dropped());
  }

  @Test
  void aStartingInstanceLoadsWhatExists() {
    Instance a = instance();
    for (int i = 0; i < 50; i++) {
      route(a.router, "old" + i);
    }
    await("A published", () -> a.sharing.published() >= 50);
    Instance c = instance();
    for (int i = 0; i < 50; i++) {
      assertEquals(entry(a.router, "old" + i), entry(c.router, "old" + i), "old" + i);
      assertEquals(entry(a.router, "old" + i), route(c.router, "old" + i), "old" + i);
    }
  }

  @Test
  void redisKilledMidRunThenRestartedTablesConverge() throws Exception {
    Instance a = instance();
    Instance b = instance();
    for (int i = 0; i < 20; i++) {
      route(a.router, "before" + i);
    }
    await("before-keys on B", () -> entry(b.router, "before19") != null);
    redis.kill();
    long killed = System.nanoTime();
    route(a.router, null); // A's round robin one step ahead of B's: the keys both learn now differ
    int failed = 0;
    int requests = 0;
    long slowest = 0;
    int over1ms = 0;
    // two seconds of traffic on both during the outage: old keys stay sticky, new ones are learned locally
    int k = 0;
    while (System.nanoTime() - killed < TimeUnit.SECONDS.toNanos(2)) {
      for (Instance x : List.of(a, b)) {
        long t0 = System.nanoTime();
        String s1 = route(x.router, "before" + (k % 20));
        String s2 = route(x.router, (x == a ? "outA" : "outB") + (k % 40));
        String s3 = route(x.router, "both" + (k % 40)); // learned on both, maybe differently: a conflict
        long took = System.nanoTime() - t0;
        slowest = Math.max(slowest, took);
        over1ms += took > 1_000_000 ? 1 : 0;
        requests += 3;
        if (s1 == null || s2 == null || s3 == null) {
          failed++;
        }
        assertEquals(entry(a.router, "before" + (k % 20)), s1, "sticky through the outage");
      }
      k++;
    }
    System.out.printf("redis outage: %d requests, %d failed, slowest 3 requests %d us, %d of %d triples over 1 ms;"
        + " failures seen by A %d, B %d%n", requests, failed, slowest / 1000, over1ms, requests / 3,
        a.sharing.failures(), b.sharing.failures());
    assertEquals(0, failed);
    // no request waited for Redis: Lettuce's connect timeout is 1 s and its command timeout 2 s (shorter stalls
    // are the 2 cores this build shares with others; the figures are printed above)
    assertTrue(slowest < TimeUnit.SECONDS.toNanos(1), "slowest 3 requests " + slowest / 1000 + " us");
    assertTrue(a.sharing.failures() > 0 && b.sharing.failures() > 0, "both noticed the outage");
    int conflicts = 0;
    for (int i = 0; i < 40; i++) {
      assertEquals(null, entry(b.router, "outA" + i), "nothing can have propagated");
      conflicts += same(a, b, "both" + i) ? 0 : 1;
    }
    assertTrue(conflicts > 0, "the outage left keys learned differently on A and B");
    long resyncsA = a.sharing.resyncs();
    long resyncsB = b.sharing.resyncs();
    redis.start();
    long back = System.nanoTime();
    await("both resynchronised", () -> a.sharing.resyncs() > resyncsA && b.sharing.resyncs() > resyncsB);
    await("converged", () -> {
      for (int i = 0; i < 40; i++) {
        if (!same(a, b, "outA" + i) || !same(a, b, "outB" + i) || !same(a, b, "both" + i)) {
          return false;
        }
      }
      return true;
    });
    System.out.printf("redis back: tables converged %d ms after the restart (%d conflicting keys settled)%n",
        (System.nanoTime() - back) / 1_000_000, conflicts);
    for (int i = 0; i < 40; i++) {
      assertEquals(route(a.router, "outB" + i), route(b.router, "outB" + i));
      assertEquals(route(a.router, "outA" + i), route(b.router, "outA" + i));
      assertEquals(route(a.router, "both" + i), route(b.router, "both" + i));
    }
    // and live propagation works again
    route(a.router, "after");
    await("after on B", () -> entry(b.router, "after") != null);
  }

  static boolean same(Instance a, Instance b, String user) {
    String x = entry(a.router, user);
    return x != null && x.equals(entry(b.router, user));
  }
}
