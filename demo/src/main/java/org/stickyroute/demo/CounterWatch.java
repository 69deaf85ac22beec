package org.stickyroute.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.stickyroute.Backend;
import org.stickyroute.BackendStats;
import org.stickyroute.Router;
import org.stickyroute.ServerStatsRow;

/**
 * Watches the demo router's counters during a {@link ReliabilityRun}, every 20 ms on its own thread: the lowest
 * in-flight count of any server (read as it is, signed: an over-release shows below 0) and the longest health-check
 * probe of the victim.
 */
final class CounterWatch implements AutoCloseable {
  private final Router router;
  private final AtomicLong minInFlight = new AtomicLong(Long.MAX_VALUE);
  private final AtomicLong longestProbe = new AtomicLong();
  private final Thread thread;

  CounterWatch(Router router) {
    this.router = router;
    thread = new Thread(this::sample, "reliability-counters");
    thread.setDaemon(true);
    thread.start();
  }

  /** The lowest in-flight count of any server seen so far, now included. */
  long minInFlightSeen() {
    return Math.min(minInFlight.get(), minInFlight());
  }

  /** The longest probe of the victim's health checks seen, in milliseconds. */
  long longestProbeMillis() {
    return longestProbe.get();
  }

  /** Every server's in-flight count, summed. */
  long totalInFlight() {
    return all().stream().mapToLong(ServerStatsRow::inFlight).sum();
  }

  /** {@code backend/server=count} for every server. */
  String inFlightByServer() {
    StringBuilder sb = new StringBuilder();
    for (Backend b : router.backends()) {
      BackendStats st = b.stats();
      for (ServerStatsRow s : st.servers()) {
        sb.append(st.name()).append('/').append(s.name()).append('=').append(s.inFlight()).append(' ');
      }
    }
    return sb.toString().trim();
  }

  private long minInFlight() {
    return all().stream().mapToLong(ServerStatsRow::inFlight).min().orElse(0);
  }

  private List<ServerStatsRow> all() {
    List<ServerStatsRow> all = new ArrayList<>();
    for (Backend b : router.backends()) {
      all.addAll(b.stats().servers());
    }
    return all;
  }

  private void sample() {
    while (!Thread.currentThread().isInterrupted()) {
      minInFlight.accumulateAndGet(minInFlight(), Math::min);
      for (ServerStatsRow st : all()) {
        if (st.name().equals(ReliabilityRun.VICTIM) && st.lastCheck() != null) {
          longestProbe.accumulateAndGet(st.lastCheck().durationMillis(), Math::max);
        }
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  @Override
  public void close() {
    thread.interrupt();
  }
}
