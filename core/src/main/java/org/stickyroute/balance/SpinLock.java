package org.stickyroute.balance;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * A test-and-test-and-set lock for critical sections of a few dozen nanoseconds (HAProxy's {@code
 * lbprm.lock} plays this part): one compare-and-set to enter and one release store to leave, nothing
 * allocated, no fairness. A thread that finds it held spins briefly, then yields its core a few times, then
 * sleeps between attempts for 1 µs doubling up to {@value #MAX_PARK_NANOS} ns: when the holder was
 * descheduled (more request threads than cores, or a busy machine), the waiters give it the cores instead
 * of burning them (with only yields, two threads on a machine loaded 20 deep were measured waiting for
 * whole milliseconds). There is no queue of waiters, so nothing allocates and nothing needs waking.
 *
 * <p>The padding keeps the lock word apart from other hot fields: only the lock's own cache line moves
 * between the cores that contend for it.
 */
@SuppressWarnings("unused") // the p* fields only pad
final class SpinLock {
  private static final VarHandle STATE;
  private static final int SPINS = 64;
  private static final int YIELDS = 8;
  private static final long MAX_PARK_NANOS = 100_000;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(SpinLock.class, "state", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private long p0, p1, p2, p3, p4, p5, p6;
  private volatile int state;
  private long q0, q1, q2, q3, q4, q5, q6;

  /** Enters; returns once this thread holds the lock. Not reentrant. */
  void lock() {
    if (!STATE.compareAndSet(this, 0, 1)) {
      contended();
    }
  }

  private void contended() {
    int spins = 0;
    long park = 1_000;
    for (;;) {
      if (state == 0 && STATE.compareAndSet(this, 0, 1)) {
        return;
      }
      if (++spins < SPINS) {
        Thread.onSpinWait();
      } else if (spins < SPINS + YIELDS) {
        Thread.yield();
      } else {
        LockSupport.parkNanos(park);
        park = Math.min(MAX_PARK_NANOS, park * 2);
      }
    }
  }

  /** Leaves; the caller must hold the lock. Everything written inside happens-before the next holder. */
  void unlock() {
    STATE.setRelease(this, 0);
  }
}
