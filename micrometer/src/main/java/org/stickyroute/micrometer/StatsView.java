package org.stickyroute.micrometer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.stickyroute.BackendStats;
import org.stickyroute.FrontendStats;
import org.stickyroute.Router;
import org.stickyroute.RouterStats;
import org.stickyroute.ServerStatsRow;

/**
 * The router's stats as the meters read them: one {@link Router#stats()} per refresh, at most once per
 * {@code maxAgeNanos} (a scrape reads every meter in a row: one read of the router, not one per meter), with
 * the rows found by name. When the rows change (a reload added or removed a server, or the supplier hands out
 * another router), {@code onRows} hears of the new stats so the binder can add and remove meters. Thread-safe.
 */
final class StatsView {
  /** The stats of one refresh, with the rows by name. */
  record Rows(RouterStats stats, Map<String, FrontendStats> frontends, Map<String, BackendStats> backends,
      Map<String, ServerStatsRow> servers, List<String> keys) {}

  private final Supplier<Router> router;
  private final long maxAgeNanos;
  private final Consumer<Rows> onRows;
  private volatile Rows rows;
  private volatile long readAt;

  StatsView(Supplier<Router> router, long maxAgeNanos, Consumer<Rows> onRows) {
    this.router = router;
    this.maxAgeNanos = maxAgeNanos;
    this.onRows = onRows;
  }

  /** The key of a server row: its backend and its name. */
  static String serverKey(String backend, String server) {
    return backend + '\u0000' + server;
  }

  /** The current rows, read again when older than the maximum age. */
  Rows rows() {
    Rows r = rows;
    if (r == null || System.nanoTime() - readAt > maxAgeNanos) {
      r = refresh();
    }
    return r;
  }

  /** Reads the router's stats now. */
  Rows refresh() {
    Rows next;
    List<String> before;
    synchronized (this) {
      Rows r = rows;
      before = r == null ? null : r.keys();
      next = read(router.get().stats());
      rows = next;
      readAt = System.nanoTime();
    }
    if (before == null || !before.equals(next.keys())) {
      onRows.accept(next);
    }
    return next;
  }

  private static Rows read(RouterStats stats) {
    Map<String, FrontendStats> fe = new HashMap<>();
    Map<String, BackendStats> be = new HashMap<>();
    Map<String, ServerStatsRow> sv = new HashMap<>();
    List<String> keys = new ArrayList<>();
    for (FrontendStats f : stats.frontends()) {
      fe.put(f.name(), f);
      keys.add("F" + f.name());
    }
    for (BackendStats b : stats.backends()) {
      be.put(b.name(), b);
      keys.add("B" + b.name());
      for (ServerStatsRow s : b.servers()) {
        String k = serverKey(b.name(), s.name());
        sv.put(k, s);
        keys.add("S" + k + (s.checked() ? "+" : "-"));
      }
    }
    return new Rows(stats, fe, be, sv, keys);
  }
}
