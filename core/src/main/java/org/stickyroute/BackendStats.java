package org.stickyroute;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.stickyroute.balance.Weights;
import org.stickyroute.config.ServerConfig;

/**
 * A backend's block of HAProxy's stats page, at one moment. Immutable; get it from {@link Backend#stats()}.
 * Counters are read one after the other while traffic flows, so sums may differ by the requests that moved
 * in between.
 *
 * @param name the backend name ({@code pxname})
 * @param balance the algorithm, in configuration form ({@code algo})
 * @param version the snapshot version the stats were read from
 * @param inFlight requests in flight on the whole backend ({@code scur})
 * @param usableServers servers taking load-balanced traffic now ({@code act}/{@code bck} in use)
 * @param usingBackups whether the backup servers are in use
 * @param servers one entry per configured server, in declaration order
 * @param at when the stats were read, by the backend's clock
 */
public record BackendStats(
    String name,
    String balance,
    long version,
    int inFlight,
    int usableServers,
    boolean usingBackups,
    List<ServerStatsRow> servers,
    Instant at) {
  /** Copies the server list. */
  public BackendStats {
    servers = List.copyOf(servers);
  }

  /**
   * Reads the stats of a backend's snapshot and its servers' histories (by name).
   *
   * @param staticWeights whether the algorithm uses static weights (no slow-start throttle)
   */
  static BackendStats of(
      String name, BackendSnapshot s, Map<String, ServerHistory> history, boolean staticWeights, Instant at) {
    List<ServerStatsRow> list = new ArrayList<>(s.serverCount());
    int usable = 0;
    for (int i = 0; i < s.serverCount(); i++) {
      ServerConfig sc = s.server(i);
      ServerRuntimeState st = s.state(i);
      ServerCounters c = s.counters(i);
      ServerHistory h = history.get(sc.name());
      int ew = s.effectiveWeight(i);
      int throttle = st.starting() && st.weight() > 0 && !staticWeights ? Weights.throttlePercent(ew, st.weight()) : 100;
      usable += s.usable(i) ? 1 : 0;
      list.add(new ServerStatsRow(sc.name(), st.statusWord(), sc.backup(), st.weight(), ew, throttle, s.usable(i),
          c.served(), c.maxServed(), c.totalSelections(), s.effectiveMaxconn(i), sc.check(),
          h == null ? -1 : h.checkHealth(), h == null ? null : h.lastCheck(),
          h == null ? 0 : h.checkFailures(), h == null ? 0 : h.downTransitions(),
          Instant.ofEpochMilli(h == null ? s.builtAtMillis() : h.lastChangeMillis())));
    }
    return new BackendStats(name, s.config().balance().toString(), s.version(), s.totalServed(),
        s.usingBackups() ? s.totalUsed() : usable, s.usingBackups(), list, at);
  }
}
