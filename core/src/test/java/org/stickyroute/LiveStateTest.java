package org.stickyroute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.stickyroute.config.Balance;
import org.stickyroute.config.BackendConfig;
import org.stickyroute.config.ServerConfig;
import org.stickyroute.CheckResult;

/** Slow start, transitions, listeners and stats. */
class LiveStateTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000_000L);
  private final InstantSource clock = () -> Instant.ofEpochMilli(now.get());
  private final ScheduledThreadPoolExecutor control = new ScheduledThreadPoolExecutor(1);

  @AfterEach
  void stop() {
    control.shutdownNow();
  }

  private Backend backend(Balance balance) {
    BackendConfig cfg = BackendConfig.builder("be").balance(balance)
        .server(ServerConfig.builder("s1", "h", 1).weight(2).slowstart(10_000).maxconn(100).build())
        .server(ServerConfig.builder("s2", "h", 2).weight(2).build())
        .build();
    return new Backend(cfg, control, clock);
  }

  @Test
  void slowstartRampsEweightAndMaxconnLikeServerRecalcEweight() {
    Backend be = backend(Balance.leastConn());
    List<ServerTransition> seen = new ArrayList<>();
    be.addListener(seen::add);
    assertEquals(32, be.snapshot().effectiveWeight(0), "no ramp at start-up");
    be.setHealth("s1", Health.DOWN);
    now.addAndGet(1_500);
    be.setHealth("s1", Health.UP); // starting since t0 + 1.5 s
    BackendSnapshot s = be.snapshot();
    assertEquals(ServerStatusWord.STARTING, s.state(0).statusWord());
    assertEquals(2, s.effectiveWeight(0), "w = (16*0 + 10) / 10 = 1, times uweight 2");
    assertEquals(1, s.effectiveMaxconn(0), "max(1, 100 * 0 / 100)");
    now.addAndGet(3_600); // tv_sec advanced by 3 or 4: floor(now) - floor(start)
    long elapsed = Math.floorDiv(now.get(), 1000) - Math.floorDiv(now.get() - 3_600, 1000);
    s = be.updateSlowstart();
    long w = (16 * elapsed + 10) / 10;
    assertEquals(2 * w, s.effectiveWeight(0), "elapsed " + elapsed);
    assertEquals(Math.max(1, 100 * (100 * elapsed / 10) / 100), s.effectiveMaxconn(0));
    ServerStatsRow stats = be.stats().servers().get(0);
    assertEquals((100 * (int) (2 * w) + 15) / (16 * 2), stats.throttlePercent());
    assertEquals(ServerStatusWord.STARTING, stats.status());
    now.addAndGet(10_000);
    s = be.updateSlowstart();
    assertEquals(32, s.effectiveWeight(0));
    assertEquals(100, s.effectiveMaxconn(0));
    assertEquals(ServerStatusWord.UP, s.state(0).statusWord());
    assertEquals(List.of("UP->DOWN OPERATOR", "DOWN->STARTING OPERATOR", "STARTING->UP SLOWSTART"),
        seen.stream().map(t -> t.from() + "->" + t.to() + " " + t.cause()).toList());
    assertNull(s.inconsistency());
  }

  @Test
  void staticAlgorithmsDoNotRampWeightsButDoRampMaxconn() {
    Backend be = backend(Balance.staticRoundRobin());
    be.setAdmin("s1", AdminState.MAINT);
    be.setAdmin("s1", AdminState.READY);
    BackendSnapshot s = be.snapshot();
    assertEquals(ServerStatusWord.STARTING, s.state(0).statusWord());
    assertEquals(1, s.effectiveWeight(0), "map-based: weight / gcd, no ramp");
    assertEquals(1, s.effectiveMaxconn(0));
  }

  @Test
  void listenersSeeEveryTransitionInOrderAndAThrowingOneBreaksNothing() {
    Backend be = backend(Balance.roundRobin());
    List<String> seen = new ArrayList<>();
    be.addListener(t -> {
      throw new IllegalStateException("boom");
    });
    be.addListener(t -> seen.add(t.server() + " " + t.from() + "->" + t.to() + " " + t.cause()));
    be.setHealth("s2", Health.DOWN);
    be.setAdmin("s2", AdminState.DRAIN); // still DOWN: no transition
    be.setHealth("s2", Health.UP, ServerTransition.Cause.CHECK, "Layer7 check passed");
    be.setAdmin("s2", AdminState.READY);
    be.setAdmin("s2", AdminState.MAINT);
    be.setWeight("s2", 0); // weight is not a state
    assertEquals(List.of("s2 UP->DOWN OPERATOR", "s2 DOWN->DRAIN CHECK", "s2 DRAIN->UP OPERATOR",
        "s2 UP->MAINT OPERATOR"), seen);
    assertEquals(Instant.ofEpochMilli(now.get()), be.stats().servers().get(1).lastTransition());
    assertEquals(1, be.stats().servers().get(1).downTransitions());
  }

  @Test
  void statsReportCountersChecksAndStates() {
    Backend be = backend(Balance.leastConn());
    Lease a = new Lease();
    Lease b = new Lease();
    be.snapshot().acquireServer(0, a);
    be.snapshot().acquireServer(0, b);
    b.close();
    be.recordCheck("s2", new CheckResult(false, 503, 12, "Layer7 wrong status", clock.instant()), 0);
    BackendStats st = be.stats();
    assertEquals("be", st.name());
    assertEquals("leastconn", st.balance());
    assertEquals(1, st.inFlight());
    ServerStatsRow s1 = st.servers().get(0);
    assertEquals(1, s1.inFlight());
    assertEquals(2, s1.maxInFlight());
    assertEquals(2, s1.totalSelections());
    assertEquals(100, s1.maxconn());
    assertEquals(ServerStatusWord.UP, s1.status());
    assertEquals(32, s1.effectiveWeight());
    ServerStatsRow s2 = st.servers().get(1);
    assertEquals(503, s2.lastCheck().status());
    assertEquals(1, s2.checkFailures());
    assertEquals(0, s2.inFlight());
    a.close();
    assertEquals(0, be.stats().inFlight());
  }
}
