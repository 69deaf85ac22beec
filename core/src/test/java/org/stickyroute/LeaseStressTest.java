package org.stickyroute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * 8 threads take and release leases (with random simulated request failures between, released in {@code finally})
 * while a control thread removes servers by publishing configurations without them, puts servers in maintenance
 * and changes weights. A sampler reads every counter during the run (sign-extended: a double release shows as a
 * negative count): none may ever leave [0, threads * window]. The load-balanced leases the workers hold on a
 * server with {@code maxconn} never outnumber it. At the end every counter (including those of removed servers)
 * must be exactly 0 and the leastconn tree consistent with them. The library's own exceptions fail the test: the
 * simulated failures have a type of their own.
 */
class LeaseStressTest {
  private static final int THREADS = 8;
  private static final int WINDOW = 4; // leases each worker holds at most at once
  private static final int SERVERS = 40;
  private static final int MAXCONN = 2;

  /** A failure of the simulated upstream request; never thrown by the library. */
  private static final class SimulatedFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SimulatedFailure() {
      super("the upstream request failed", null, false, false);
    }
  }

  /** Server {@code s<i>}'s {@code maxconn} (0: none). */
  private static int maxconn(int i) {
    return i % 5 == 0 ? MAXCONN : 0;
  }

  private static BackendConfig config(Balance balance, int without) {
    BackendConfig.Builder b = BackendConfig.builder("stress").balance(balance);
    for (int i = 0; i < SERVERS; i++) {
      if (i != without) {
        b.server(ServerConfig.builder("s" + i, "10.0.0.1", 1000 + i).weight(1 + i % 4)
            .maxconn(maxconn(i)).build());
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
    AtomicInteger maxBalancedSeen = new AtomicInteger();
    // load-balanced leases held on each server (by its counters, which outlive snapshots and index shifts):
    // counted after the acquire returned and uncounted before the release, so never more than really held
    Map<ServerCounters, AtomicInteger> balancedHeld = new ConcurrentHashMap<>();
    CountDownLatch start = new CountDownLatch(1);

    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      SplittableRandom rnd = new SplittableRandom(seed + t);
      workers.add(new Thread(() -> {
        Lease[] held = new Lease[WINDOW];
        AtomicInteger[] balanced = new AtomicInteger[WINDOW]; // the balanced count a held lease is in, or null
        for (int i = 0; i < WINDOW; i++) {
          held[i] = new Lease();
        }
        try {
          start.await();
          for (int c = 0; c < cycles; c++) {
            int k = c % WINDOW;
            Lease lease = held[k];
            release(lease, balanced, k); // release the oldest of this worker's window
            BackendSnapshot s = be.snapshot();
            try {
              int server;
              if (rnd.nextInt(16) == 0) {
                server = rnd.nextInt(s.serverCount());
                s.acquireServer(server, lease); // a persistence cookie: any server, any state
              } else {
                server = s.acquire(RequestView.of("GET", "/x"), rnd.nextInt(8) == 0 ? rnd.nextInt(SERVERS) : -1, lease);
                if (server >= 0) {
                  AtomicInteger n = balancedHeld.computeIfAbsent(s.counters(server), x -> new AtomicInteger());
                  balanced[k] = n;
                  int now = n.incrementAndGet();
                  int limit = maxconn(Integer.parseInt(s.server(server).name().substring(1)));
                  if (limit > 0) {
                    maxBalancedSeen.accumulateAndGet(now, Math::max);
                    if (now > limit) {
                      failure.compareAndSet(null, new AssertionError(now + " load-balanced leases held on "
                          + s.server(server).name() + " with maxconn " + limit + " (seed " + seed + ")"));
                    }
                  }
                }
              }
              if (server == BackendSnapshot.SATURATED) {
                saturated.incrementAndGet();
              }
              if (rnd.nextInt(32) == 0) {
                throw new SimulatedFailure();
              }
            } catch (SimulatedFailure e) {
              failures.incrementAndGet();
              release(lease, balanced, k); // the finally of a real request
            }
          }
          for (int i = 0; i < WINDOW; i++) {
            release(held[i], balanced, i);
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
            + " %,d saturated, %d counters (incl. removed servers), max in flight seen %d, most load-balanced"
            + " leases held on a maxconn %d server %d, %,d samples, non-zero counters at the end: %d, total in"
            + " flight %d%n",
        algorithm, THREADS, cycles, millis, selections, failures.get(), saturated.get(), everSeen.size(),
        maxSeen.get(), MAXCONN, maxBalancedSeen.get(), samples.get(), nonZero, be.snapshot().totalServed());
    assertEquals(0, nonZero, "seed " + seed);
    assertEquals(0, be.snapshot().totalServed(), "seed " + seed);
    assertTrue(samples.get() > 0, "the sampler ran");
    assertEquals(MAXCONN, maxBalancedSeen.get(), "maxconn was reached: the bound was exercised");
    assertNull(be.snapshot().inconsistency(), "seed " + seed);
  }

  /** Releases a worker's lease, uncounting it from the balanced leases first. */
  private static void release(Lease lease, AtomicInteger[] balanced, int k) {
    if (balanced[k] != null) {
      balanced[k].decrementAndGet();
      balanced[k] = null;
    }
    lease.close();
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
