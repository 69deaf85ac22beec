package org.stickyroute;

import org.stickyroute.balance.LoadView;

/**
 * The in-flight counts of a backend's servers as its live {@link ServerCounters} hold them: what pickers read
 * on the request path. The backend total is kept in one counter when {@code hash-balance-factor} needs it on
 * every lookup, otherwise summed. Allocation-free; thread-safe.
 */
final class LiveLoad implements LoadView {
  private final ServerCounters[] counters;
  private final Backend.Totals totals;

  LiveLoad(ServerCounters[] counters, Backend.Totals totals) {
    this.counters = counters;
    this.totals = totals;
  }

  @Override
  public int served(int server) {
    return counters[server].served();
  }

  @Override
  public int totalServed() {
    if (totals.tracking) {
      return totals.served.get();
    }
    int t = 0;
    for (ServerCounters c : counters) {
      t += c.served();
    }
    return t;
  }
}
