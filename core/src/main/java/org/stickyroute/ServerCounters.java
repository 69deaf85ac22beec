package org.stickyroute;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.stickyroute.balance.LeastConnTree;

/**
 * The mutable counters of one server of one {@link Backend}: requests in flight (HAProxy's {@code served}),
 * the most ever in flight ({@code smax}) and the leases ever taken ({@code stot}). One instance lives as long
 * as the server is configured, across every snapshot and across reconfigurations that keep a server of the
 * same name, so a lease taken before a rebuild or a removal is released on the right counter.
 *
 * <p>Thread-safe and lock-free; {@link #take()} and {@link #release()} allocate nothing (the {@link
 * LongAdder} may grow its cells once under contention). When the backend balances with {@code leastconn},
 * the counters are bound to a leaf of the current snapshot's {@link LeastConnTree}, and every take and release
 * re-positions that leaf from the live count. The binding is re-pointed (and the new tree re-synchronised)
 * whenever a snapshot is published, so a release racing with a rebuild is never lost.
 */
public final class ServerCounters {
  final AtomicInteger served = new AtomicInteger();
  private final AtomicInteger maxServed = new AtomicInteger();
  private final LongAdder total = new LongAdder();
  private volatile LeastConnTree.Slot slot;

  ServerCounters() {}

  /** Counts one more request in flight and re-positions the server in the current leastconn tree. */
  void take() {
    int now = served.incrementAndGet();
    total.increment();
    int max = maxServed.get();
    while (now > max && !maxServed.compareAndSet(max, now)) {
      max = maxServed.get();
    }
    LeastConnTree.Slot s = slot;
    if (s != null) {
      s.refresh();
    }
  }

  /** Counts one request less in flight and re-positions the server in the current leastconn tree. */
  void release() {
    served.decrementAndGet();
    LeastConnTree.Slot s = slot;
    if (s != null) {
      s.refresh();
    }
  }

  /** Points the counters at their leaf in a newly published leastconn tree, or at none ({@code null}). */
  void bind(LeastConnTree.Slot s) {
    slot = s;
  }

  /** Requests currently in flight on the server (HAProxy's {@code served}). Never negative. */
  public int served() {
    return served.get();
  }

  /** The most requests ever in flight at once on the server (HAProxy's {@code smax}). */
  public int maxServed() {
    return maxServed.get();
  }

  /** Leases ever taken on the server, load-balanced or persistent (HAProxy's {@code stot}). */
  public long totalSelections() {
    return total.sum();
  }
}
