package org.stickyroute;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The mutable counters of one server of one {@link Backend}. One instance lives as long as the server is
 * configured, across every snapshot, so a lease taken from an old snapshot is released on the right counter.
 * Thread-safe and lock-free.
 */
public final class ServerCounters {
  final AtomicInteger served = new AtomicInteger();

  ServerCounters() {}

  /** Counts one more request in flight. */
  void take() {
    served.incrementAndGet();
  }

  /** Counts one request less in flight. */
  void release() {
    served.decrementAndGet();
  }

  /** Requests currently in flight on the server (HAProxy's {@code served}). Never negative. */
  public int served() {
    return served.get();
  }
}
