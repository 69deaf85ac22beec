package org.stickyroute.balance;

import java.util.concurrent.atomic.AtomicInteger;
import org.stickyroute.LoadView;

/**
 * Weighted round robin ({@code balance roundrobin} and {@code static-rr}) over a smooth weighted sequence:
 * the {@link MapTable} slot order, walked by one atomic cursor. With equal weights and sequential requests
 * it gives s1, s2, s3, s1, ... as HAProxy does; with weights it interleaves servers in proportion (HAProxy's
 * {@code lb_fwrr.c} tree order for unequal weights is not reproduced — round robin is stateful, so no two
 * load balancers agree on it anyway).
 *
 * <p>One instance belongs to one snapshot; a new snapshot starts a new sequence. Thread-safe, lock-free and
 * allocation-free.
 */
public final class RoundRobin {
  /** Returned by {@link #next} when every server was rejected by the filter (all saturated). */
  public static final int ALL_REJECTED = -2;

  private final MapTable table;
  private final AtomicInteger cursor = new AtomicInteger();

  /** A round robin over the slots of {@code table}. */
  public RoundRobin(MapTable table) {
    this.table = table;
  }

  /**
   * The next server, skipping servers {@code filter} rejects (HAProxy skips saturated servers) and {@code
   * avoid} (used only when no other server qualifies); -1 when the table is empty, {@link #ALL_REJECTED}
   * when the filter rejected every server.
   */
  public int next(int avoid, ServerFilter filter, LoadView load) {
    int n = table.size();
    if (n == 0) {
      return -1;
    }
    int start = (cursor.getAndIncrement() & Integer.MAX_VALUE) % n;
    int fallback = -1;
    boolean rejected = false;
    for (int k = 0; k < n; k++) {
      int i = start + k;
      if (i >= n) {
        i -= n;
      }
      int s = table.slot(i);
      if (filter != null && !filter.accept(s, load)) {
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
    return fallback >= 0 || !rejected ? fallback : ALL_REJECTED;
  }
}
