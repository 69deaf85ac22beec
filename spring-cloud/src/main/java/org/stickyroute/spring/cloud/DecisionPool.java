package org.stickyroute.spring.cloud;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.stickyroute.Decision;

/**
 * Reuses {@link Decision}s between requests: a decision carries a few kilobytes of cookie buffers, which a
 * Gateway under load would otherwise allocate and collect for every request. Bounded; lock-free.
 */
final class DecisionPool {
  private static final int MAX = 1024;

  private final ConcurrentLinkedQueue<Decision> free = new ConcurrentLinkedQueue<>();
  private final AtomicInteger size = new AtomicInteger();

  /** An idle decision: a reused one, or a new one when none is free. */
  Decision take() {
    Decision d = free.poll();
    if (d == null) {
      return new Decision();
    }
    size.decrementAndGet();
    return d;
  }

  /** Closes {@code d} (releasing its lease, if any) and keeps it for reuse. The caller must not touch it again. */
  void give(Decision d) {
    d.close();
    if (size.incrementAndGet() <= MAX) {
      free.offer(d);
    } else {
      size.decrementAndGet();
    }
  }
}
