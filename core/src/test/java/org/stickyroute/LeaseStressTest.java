package org.stickyroute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.stickyroute.config.Balance;
import org.stickyroute.config.BackendConfig;
import org.stickyroute.config.ServerConfig;
import org.stickyroute.http.RequestView;

/**
 * 8 threads take and release leases (with random failures between, released in {@code finally}) while a
 * control thread removes servers by publishing configurations without them, puts servers in maintenance and
 * changes weights. A sampler reads every counter during the run: none may ever leave [0, threads * window].
 * At the end every counter (including those of removed servers) must be exactly 0 and the leastconn tree
 * consistent with them.
 */
class LeaseStressTest {
  private static final int THREADS = 8;
  private static final int WINDOW = 4; // leases each worker holds at most at once
  private static final int SERVERS = 40;

  private static BackendConfig config(Balance balance, int without) {
    BackendConfig.Builder b = BackendConfig.builder("stress").balance(balance);
    for (int i = 0; i < SERVERS; i++) {
      if (i != without) {
        b.server(ServerConfig.builder("s" + i, "10.0.0.1", 1000 + i).weight(1 + i % 4)
            .maxconn(i % 5 == 0 ? 2 : 0).build());
      }
    }
    return b.build();
  }

  @ParameterizedTest(name = "{0} x {1} cycles")
  @CsvSource({"leastconn, 1000000", "random, 100000", "roundrobin, 100000"})
  void countersNeverLeakOrGoNegative(String algorithm, int cycles) throws Exception {
    Balance balance = switch (algorithm) {
      case "leastconn" -> Balance.leastConn();
      case "random" -> Balance.random(2);
      default -> Balance.roundRobin();
    };
    long seed = 0x51CC_2026L ^ algorithm.hashCode();
    Backend be = new Backend(config(balance, -1));
    Set<ServerCounters> everSeen = ConcurrentHashMap.newKeySet();
    record(be.snapshot(), everSeen);
    AtomicBoolean done = new AtomicBoolean();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicLong samples = new AtomicLong();
    AtomicInteger maxSeen = new AtomicInteger();
    AtomicLong saturated = new AtomicLong();
    AtomicLong failures = new AtomicLong();
    CountDownLatch start = new CountDownLatch(1);

    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      SplittableRandom rnd = new SplittableRandom(seed + t);
      workers.add(new Thread(() -> {
        Lease[] held = new Lease[WINDOW];
        for (int i = 0; i < WINDOW; i++) {
          held[i] = new Lease();
        }
        try {
          start.await();
          for (int c = 0; c < cycles; c++) {
            Lease lease = held[c % WINDOW];
            lease.close(); // release the oldest of this worker's window
            BackendSnapshot s = be.snapshot();
            try {
              int server;
              if (rnd.nextInt(16) == 0) {
                server = rnd.nextInt(s.serverCount());
                s.acquireServer(server, lease); // a persistence cookie: any server, any state
              } else {
                server = s.acquire(RequestView.of("GET", "/x"), rnd.nextInt(8) == 0 ? rnd.nextInt(SERVERS) : -1, lease);
              }
              if (server == BackendSnapshot.SATURATED) {
                saturated.incrementAndGet();
              }
              if (rnd.nextInt(32) == 0) {
                throw new IllegalStateException("the upstream request failed");
              }
            } catch (IllegalStateException e) {
              failures.incrementAndGet();
              lease.close(); // the finally of a real request
            }
          }
          for (Lease l : held) {
            l.close();
          }
        } catch (Throwable e) {
          failure.compareAndSet(null, e);
        }
      }, "stress-" + t));
    }
    Thread control = new Thread(() -> {
      SplittableRandom rnd = new SplittableRandom(seed - 1);
      try {
        while (!done.get()) {
          String name = "s" + rnd.nextInt(SERVERS);
          switch (rnd.nextInt(5)) {
            case 0 -> record(be.reconfigure(config(balance, rnd.nextInt(SERVERS))), everSeen);
            case 1 -> record(be.reconfigure(config(balance, -1)), everSeen);
            case 2 -> {
              if (be.snapshot().indexOf(name) >= 0) {
                be.setAdmin(name, rnd.nextBoolean() ? AdminState.MAINT : AdminState.READY);
              }
            }
            case 3 -> {
              if (be.snapshot().indexOf(name) >= 0) {
                be.setWeight(name, rnd.nextInt(5));
              }
            }
            default -> {
              if (be.snapshot().indexOf(name) >= 0) {
                be.setHealth(name, rnd.nextBoolean() ? Health.DOWN : Health.UP);
              }
            }
          }
          Thread.sleep(0, 200_000);
        }
      } catch (Throwable e) {
        failure.compareAndSet(null, e);
      }
    }, "stress-control");
    Thread sampler = new Thread(() -> {
      while (!done.get()) {
        for (ServerCounters c : everSeen) {
          int v = c.served();
          maxSeen.accumulateAndGet(v, Math::max);
          if (v < 0 || v > THREADS * WINDOW) {
            failure.compareAndSet(null, new AssertionError("counter out of range: " + v + " (seed " + seed + ")"));
          }
        }
        // totalServed() adds the counters up one by one, so a lease released on a server already added and
        // taken on one not yet added is counted twice: each take during the sum may add one. Only the takes
        // made meanwhile (selections are counted in the same atomic word as 'served') may exceed the bound.
        BackendSnapshot snap = be.snapshot();
        long takesBefore = selections(snap);
        int total = snap.totalServed();
        long takesDuring = selections(snap) - takesBefore;
        if (total < 0 || total > THREADS * WINDOW + takesDuring) {
          failure.compareAndSet(null, new AssertionError("total out of range: " + total + " with " + takesDuring
              + " takes during the sum (seed " + seed + ")"));
        }
        samples.incrementAndGet();
        Thread.onSpinWait();
      }
    }, "stress-sampler");

    long t0 = System.nanoTime();
    workers.forEach(Thread::start);
    control.start();
    sampler.start();
    start.countDown();
    for (Thread w : workers) {
      w.join();
    }
    done.set(true);
    control.join();
    sampler.join();
    long millis = (System.nanoTime() - t0) / 1_000_000;
    if (failure.get() != null) {
      throw new AssertionError("seed " + seed, failure.get());
    }
    record(be.snapshot(), everSeen);
    long nonZero = everSeen.stream().filter(c -> c.served() != 0).count();
    long selections = everSeen.stream().mapToLong(ServerCounters::totalSelections).sum();
    System.out.printf("LeaseStressTest %s: %d threads x %,d cycles in %,d ms; %,d leases taken, %,d failures,"
            + " %,d saturated, %d counters (incl. removed servers), max in flight seen %d, %,d samples,"
            + " non-zero counters at the end: %d, total in flight %d%n",
        algorithm, THREADS, cycles, millis, selections, failures.get(), saturated.get(), everSeen.size(),
        maxSeen.get(), samples.get(), nonZero, be.snapshot().totalServed());
    assertEquals(0, nonZero, "seed " + seed);
    assertEquals(0, be.snapshot().totalServed(), "seed " + seed);
    assertTrue(samples.get() > 0, "the sampler ran");
    assertNull(be.snapshot().inconsistency(), "seed " + seed);
  }

  private static long selections(BackendSnapshot s) {
    long n = 0;
    for (int i = 0; i < s.serverCount(); i++) {
      n += s.counters(i).totalSelections();
    }
    return n;
  }

  private static void record(BackendSnapshot s, Set<ServerCounters> seen) {
    for (int i = 0; i < s.serverCount(); i++) {
      seen.add(s.counters(i));
    }
  }
}
