package org.stickyroute;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.stickyroute.balance.Weights;
import org.stickyroute.config.BackendConfig;
import org.stickyroute.config.FrontendConfig;
import org.stickyroute.config.ServerConfig;
import org.stickyroute.config.SourceLocation;
import org.stickyroute.counters.TrafficCounters;

/**
 * Reads the live counters and states into the immutable stats records ({@link ServerStatsRow}, {@link
 * BackendStats}, {@link FrontendStats}). Monitoring path: allocates, never on the request path.
 */
final class StatsReader {
  private StatsReader() {}

  /** The traffic of a frontend or backend (sessions from its own in-flight count). */
  static TrafficStats proxy(TrafficCounters t, long nowMillis, boolean backend) {
    return traffic(t, t.current(), t.currentMax(), 0, t.total(TrafficCounters.STOT), nowMillis, backend);
  }

  private static TrafficStats traffic(
      TrafficCounters t, int scur, int smax, int slim, long stot, long nowMillis, boolean server) {
    return new TrafficStats(scur, smax, slim, stot, t.rate(nowMillis), t.rateMax(), 0, 0,
        t.total(TrafficCounters.BIN), t.total(TrafficCounters.BOUT), t.total(TrafficCounters.DREQ),
        t.total(TrafficCounters.DRESP), t.total(TrafficCounters.EREQ), t.total(TrafficCounters.ECON),
        t.total(TrafficCounters.ERESP), t.total(TrafficCounters.WRETR), t.total(TrafficCounters.WREDIS),
        t.total(TrafficCounters.REQ_TOT), t.total(TrafficCounters.HRSP + 1), t.total(TrafficCounters.HRSP + 2),
        t.total(TrafficCounters.HRSP + 3), t.total(TrafficCounters.HRSP + 4), t.total(TrafficCounters.HRSP + 5),
        t.total(TrafficCounters.HRSP), t.total(TrafficCounters.LBTOT), server ? t.lastSessionAge(nowMillis) : -1,
        t.qtime(), t.ctime(), t.rtime(), t.ttime(), t.qtimeMax(), t.ctimeMax(), t.rtimeMax(), t.ttimeMax());
  }

  /**
   * Every section of a router, in configuration order: frontends and backends by their declaration line when
   * they come from one file (a {@code listen} section once, with both halves); otherwise frontends, then the
   * backends that are not also frontends.
   */
  static RouterStats router(List<Frontend> frontends, List<Backend> backends, long nowMillis) {
    List<String> names = new ArrayList<>();
    List<SourceLocation> at = new ArrayList<>();
    Map<String, Frontend> fe = new java.util.HashMap<>();
    Map<String, Backend> be = new java.util.HashMap<>();
    for (Frontend f : frontends) {
      fe.put(f.name(), f);
      names.add(f.name());
      at.add(f.config().location());
    }
    for (Backend b : backends) {
      be.put(b.name(), b);
      if (!fe.containsKey(b.name())) {
        names.add(b.name());
        at.add(b.config().location());
      }
    }
    Integer[] order = new Integer[names.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    boolean oneFile = at.stream().map(SourceLocation::file).distinct().count() <= 1;
    if (oneFile) {
      java.util.Arrays.sort(order, java.util.Comparator.comparingInt(i -> at.get(i).line())); // stable
    }
    List<ProxyStats> out = new ArrayList<>(order.length);
    for (int i : order) {
      String name = names.get(i);
      Frontend f = fe.get(name);
      Backend b = be.get(name);
      boolean statsOnly = f != null && statsOnly(f.config(), b == null ? null : b.config());
      out.add(new ProxyStats(name, f == null ? null : frontend(f, statsOnly, nowMillis),
          b == null ? null : b.stats(nowMillis), statsOnly));
    }
    return new RouterStats(out, Instant.ofEpochMilli(nowMillis));
  }

  /**
   * Whether a section only serves the stats page: {@code stats} lines, no {@code use_backend} rule, no {@code
   * default_backend} but itself, and no server.
   */
  static boolean statsOnly(FrontendConfig f, BackendConfig b) {
    return f.stats() != null && f.rules().isEmpty()
        && (f.defaultBackend() == null || f.defaultBackend().equals(f.name()))
        && (b == null || b.servers().isEmpty());
  }

  /** A frontend's row. */
  static FrontendStats frontend(Frontend f, boolean statsOnly, long nowMillis) {
    return new FrontendStats(f.name(), proxy(f.traffic, nowMillis, false), "OPEN", statsOnly,
        Instant.ofEpochMilli(nowMillis));
  }

  /** A backend's block: its servers' rows and its own. */
  static BackendStats backend(String name, BackendSnapshot s, Map<String, ServerHistory> history,
      boolean staticWeights, TrafficCounters counters, BackendHistory bh, long nowMillis) {
    List<ServerStatsRow> list = new ArrayList<>(s.serverCount());
    int usable = 0;
    int act = 0;
    int bck = 0;
    int weight = 0;
    for (int i = 0; i < s.serverCount(); i++) {
      ServerStatsRow row = server(s, i, history.get(s.server(i).name()), staticWeights, nowMillis);
      list.add(row);
      usable += s.usable(i) ? 1 : 0;
      ServerRuntimeState st = s.state(i);
      if (st.running() && st.weight() > 0) { // HAProxy's srv_currently_usable
        if (row.backup()) {
          bck++;
        } else {
          act++;
        }
      }
      weight += s.usable(i) ? row.displayWeight() : 0;
    }
    String status = s.totalWeight() > 0 || s.serverCount() == 0 ? "UP" : "DOWN";
    return new BackendStats(name, s.config().balance().toString(), s.version(), s.totalServed(),
        s.usingBackups() ? s.totalUsed() : usable, s.usingBackups(), list, Instant.ofEpochMilli(nowMillis),
        proxy(counters, nowMillis, true), status, act, bck, weight,
        Math.max(0, ServerHistory.seconds(nowMillis) - ServerHistory.seconds(bh.lastChangeMillis())),
        bh.downtimeSeconds(nowMillis), bh.downTransitions());
  }

  /** Server {@code i}'s row. */
  static ServerStatsRow server(BackendSnapshot s, int i, ServerHistory h, boolean staticWeights, long nowMillis) {
    ServerConfig sc = s.server(i);
    ServerRuntimeState st = s.state(i);
    ServerCounters c = s.counters(i);
    int ew = s.effectiveWeight(i);
    boolean ramping = st.starting() && st.weight() > 0 && !staticWeights;
    int throttle = ramping ? Weights.throttlePercent(ew, st.weight()) : 100;
    int displayWeight = ramping ? (ew + 15) / 16 : st.weight();
    int health = h == null ? -1 : h.checkHealth();
    int shownHealth = health >= 0 ? health : st.health() == Health.UP ? sc.rise() : 0;
    long lastChange = h == null ? s.builtAtMillis() : h.lastChangeMillis();
    CheckResult last = h == null ? null : h.lastCheck();
    TrafficStats traffic = traffic(c.traffic, c.served(), c.maxServed(), s.effectiveMaxconn(i),
        c.totalSelections(), nowMillis, true);
    return new ServerStatsRow(sc.name(), st.statusWord(), sc.backup(), st.weight(), ew, throttle, s.usable(i),
        c.served(), c.maxServed(), c.totalSelections(), s.effectiveMaxconn(i), sc.check(), health, last,
        h == null ? 0 : h.checkFailures(), h == null ? 0 : h.downTransitions(), Instant.ofEpochMilli(lastChange),
        traffic, ServerStatusText.of(st, sc.check(), shownHealth, sc.rise(), sc.fall()),
        Math.max(0, ServerHistory.seconds(nowMillis) - ServerHistory.seconds(lastChange)),
        h == null ? 0 : h.downtimeSeconds(st.statusWord(), nowMillis),
        sc.check() ? ServerStatusText.checkStatus(last) : null, last == null ? 0 : last.status(),
        last == null ? -1 : last.durationMillis(), sc.rise(), sc.fall(), displayWeight, s.id(i));
  }
}
