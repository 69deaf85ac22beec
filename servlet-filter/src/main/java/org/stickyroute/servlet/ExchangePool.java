package org.stickyroute.servlet;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A small lock-free cache of {@link Exchange}s (each with its {@link org.stickyroute.Decision} and buffers),
 * so a request allocates none of them once the pool is warm. Slots are picked from the thread id, so
 * threads rarely meet on a slot; a miss simply allocates, and a full pool lets the object go to the garbage
 * collector. Never blocks. Thread-safe.
 */
final class ExchangePool {
  private static final int PROBES = 4;
  /** Slots are 16 references apart (64 bytes or more), so threads working on neighbouring slots do not share a cache line. */
  private static final int STRIDE = 16;
  private final AtomicReferenceArray<Exchange> slots;
  private final int mask;

  ExchangePool(int capacity) {
    int n = Integer.highestOneBit(Math.max(4, capacity) - 1) << 1;
    slots = new AtomicReferenceArray<>(n * STRIDE);
    mask = n - 1;
  }

  /** A pool sized for this machine: four slots per processor, 16..256. */
  static ExchangePool forThisMachine() {
    int cpus = Runtime.getRuntime().availableProcessors();
    return new ExchangePool(Math.min(256, Math.max(16, cpus * 4)));
  }

  @SuppressWarnings("deprecation") // Thread.getId(): threadId() needs Java 19
  private static int home() {
    long id = Thread.currentThread().getId();
    return (int) (id * 0x9E3779B97F4A7C15L >>> 40);
  }

  /** A recycled exchange, or a new one. */
  Exchange take() {
    int h = home();
    for (int i = 0; i < PROBES; i++) {
      int k = ((h + i) & mask) * STRIDE;
      Exchange e = slots.get(k);
      if (e != null && slots.compareAndSet(k, e, null)) {
        return e;
      }
    }
    return new Exchange(this);
  }

  /** Returns a finished exchange. */
  void give(Exchange e) {
    int h = home();
    for (int i = 0; i < PROBES; i++) {
      int k = ((h + i) & mask) * STRIDE;
      if (slots.get(k) == null && slots.compareAndSet(k, null, e)) {
        return;
      }
    }
  }
}
