package org.stickyroute.balance;

import java.util.concurrent.atomic.AtomicInteger;
import org.stickyroute.http.RequestView;

/**
 * {@code balance static-rr}, and the fallback of map-based hashing when a request has no key ({@link
 * MapHashPicker}): HAProxy's {@code map_get_server_rr} ({@code src/lb_map.c}), the {@link MapTable} slot
 * order walked by one atomic cursor. Saturated servers ({@code maxconn}) are skipped; the server to avoid is
 * used only when no other qualifies. ({@code balance roundrobin} is HAProxy's other round robin, {@link
 * FwrrPicker}.)
 *
 * <p>One instance belongs to one snapshot; a new snapshot starts a new sequence, as HAProxy rebuilds its map
 * on every change. Thread-safe, lock-free and allocation-free.
 */
public final class RoundRobinPicker implements Picker {
  private final MapTable table;
  private final ServerGroup group;
  private final boolean checkMaxconn;
  private final AtomicInteger cursor = new AtomicInteger();

  /** A round robin over the slots of {@code table}, skipping the servers of {@code group} at their {@code maxconn}. */
  RoundRobinPicker(MapTable table, ServerGroup group) {
    this.table = table;
    this.group = group;
    this.checkMaxconn = group.anyMaxconn();
  }

  /**
   * {@code balance static-rr}: a map of the group in use with its (static) effective weights.
   */
  public static RoundRobinPicker staticRoundRobin(ServerGroup group) {
    int[] weights = group.eweight();
    int[] inUse = group.inUse();
    int total = 0;
    for (int m : inUse) {
      total += weights[m];
    }
    return new RoundRobinPicker(MapTable.build(inUse, weights, total), group);
  }

  @Override
  public int pick(RequestView request, int avoid, LoadView load) {
    int n = table.size();
    if (n == 0) {
      return NO_SERVER;
    }
    int start = (cursor.getAndIncrement() & Integer.MAX_VALUE) % n;
    int fallback = NO_SERVER;
    boolean rejected = false;
    for (int k = 0; k < n; k++) {
      int i = start + k;
      if (i >= n) {
        i -= n;
      }
      int s = table.slot(i);
      if (checkMaxconn && group.saturated(s, load)) {
        rejected = true;
        continue;
      }
      if (s == avoid) {
        fallback = s;
        continue;
      }
      if (k > 0) {
        cursor.addAndGet(k);
      }
      return s;
    }
    return fallback >= 0 || !rejected ? fallback : SATURATED;
  }

  /** The table walked (tests and diagnostics). */
  public MapTable table() {
    return table;
  }
}
