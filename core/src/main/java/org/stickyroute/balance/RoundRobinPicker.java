package org.stickyroute.balance;

import java.util.concurrent.atomic.AtomicInteger;
import org.stickyroute.http.RequestView;

/**
 * Weighted round robin ({@code balance roundrobin} and {@code static-rr}) over a smooth weighted sequence:
 * the {@link MapTable} slot order, walked by one atomic cursor, as HAProxy's {@code map_get_server_rr}
 * ({@code src/lb_map.c}) walks its map. With equal weights and sequential requests it gives s1, s2, s3, s1,
 * ... as HAProxy does; with weights it interleaves servers in proportion (HAProxy's {@code lb_fwrr.c} tree
 * order for unequal weights under {@code roundrobin} is not reproduced — round robin is stateful, so no two
 * load balancers agree on it anyway). Saturated servers ({@code maxconn}) are skipped; the server to avoid is
 * used only when no other qualifies.
 *
 * <p>Also the fallback of map-based hashing when a request has no key ({@link MapHashPicker}). One instance
 * belongs to one snapshot; a new snapshot starts a new sequence. Thread-safe, lock-free and allocation-free.
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
    return over(group, group.eweight());
  }

  /**
   * {@code balance roundrobin}: a map of the group in use with its dynamic effective weights divided by
   * their GCD (the smallest map with the same proportions).
   */
  public static RoundRobinPicker roundRobin(ServerGroup group) {
    return over(group, Weights.reducedByGcd(group.members(), group.eweight()));
  }

  private static RoundRobinPicker over(ServerGroup group, int[] weights) {
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
