package org.stickyroute.spring.cloud;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.stickyroute.Decision;

/**
 * Reuses {@link Decision}s between requests: a decision carries a few kilobytes of cookie buffers, which a
 * Gateway under load would otherwise allocate and collect for every request. Bounded; lock-free; allocation-free
 * once warm.
 *
 * <p>A bounded multi-producer multi-consumer ring (Dmitry Vyukov's: each slot carries a sequence number that says
 * whether it is free for the next give or full for the next take), because a Gateway takes a decision on the thread
 * that routes the request and often gives it back on another one (the thread that completed the response): a
 * per-thread cache would empty on one side and overflow on the other. A take or a give costs one compare-and-set;
 * a take from an empty pool makes a new decision, a give to a full one leaves the decision to the garbage collector.
 */
final class DecisionPool {
  private static final int CAPACITY = 1024; // a power of two
  private static final int MASK = CAPACITY - 1;

  private final AtomicReferenceArray<Decision> items = new AtomicReferenceArray<>(CAPACITY);
  /**
   * Slot {@code i} is free for the give at position {@code p} when it holds {@code p}, full for the take at
   * {@code p} when it holds {@code p + 1}.
   */
  private final AtomicLongArray sequence = new AtomicLongArray(CAPACITY);
  private final AtomicLong gives = new AtomicLong();
  private final AtomicLong takes = new AtomicLong();

  DecisionPool() {
    for (int i = 0; i < CAPACITY; i++) {
      sequence.set(i, i);
    }
  }

  /** An idle decision: a reused one, or a new one when none is free. */
  Decision take() {
    long pos = takes.get();
    for (;;) {
      int i = (int) pos & MASK;
      long behind = sequence.get(i) - (pos + 1);
      if (behind == 0) {
        if (takes.compareAndSet(pos, pos + 1)) {
          Decision d = items.get(i);
          items.lazySet(i, null);
          sequence.set(i, pos + CAPACITY); // free for the give one lap later
          return d;
        }
        pos = takes.get();
      } else if (behind < 0) {
        return new Decision(); // empty
      } else {
        pos = takes.get(); // another take got this slot first
      }
    }
  }

  /** Closes {@code d} (releasing its lease, if any) and keeps it for reuse. The caller must not touch it again. */
  void give(Decision d) {
    d.close();
    long pos = gives.get();
    for (;;) {
      int i = (int) pos & MASK;
      long behind = sequence.get(i) - pos;
      if (behind == 0) {
        if (gives.compareAndSet(pos, pos + 1)) {
          items.lazySet(i, d);
          sequence.set(i, pos + 1); // full: publishes the item to the take at pos
          return;
        }
        pos = gives.get();
      } else if (behind < 0) {
        return; // full: the collector takes it
      } else {
        pos = gives.get(); // another give got this slot first
      }
    }
  }
}
