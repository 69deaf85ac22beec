package org.stickyroute.balance;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A test-and-test-and-set lock for critical sections of a few dozen nanoseconds (HAProxy's {@code
 * lbprm.lock} plays this part): one compare-and-set to enter and one release store to leave, nothing
 * allocated, no fairness. A thread that finds it held spins briefly, then yields its core between attempts,
 * so a holder that was descheduled (a busy two-core machine) gets to run and leave.
 *
 * <p>The padding keeps the lock word apart from other hot fields: only the lock's own cache line moves
 * between the cores that contend for it.
 */
@SuppressWarnings("unused") // the p* fields only pad
final class SpinLock {
  private static final VarHandle STATE;
  private static final int SPINS = 64;

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
    for (;;) {
      if (state == 0 && STATE.compareAndSet(this, 0, 1)) {
        return;
      }
      if (++spins < SPINS) {
        Thread.onSpinWait();
      } else {
        Thread.yield();
      }
    }
  }

  /** Leaves; the caller must hold the lock. Everything written inside happens-before the next holder. */
  void unlock() {
    STATE.setRelease(this, 0);
  }
}
