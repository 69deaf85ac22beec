package org.stickyroute;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One in-flight request on one server: taken when a server is chosen, released when the request really ends
 * (response complete, error, timeout). While held, the server's in-flight count ({@code served}) includes
 * the request, which is what {@code leastconn}, {@code random}, {@code maxconn} and {@code
 * hash-balance-factor} read.
 *
 * <p>A lease is a small reusable holder, so the request path allocates nothing: create one per request (or
 * keep one per worker and reuse it after {@link #close()}), pass it to {@link
 * BackendSnapshot#acquire}, and close it in a {@code finally} or try-with-resources block. {@link #close()}
 * releases exactly once: a second call is a no-op, and releasing after the server was removed or the
 * backend reconfigured is safe (the counters outlive snapshots). Thread-safe: the request may end on another
 * thread than the one that started it.
 */
public final class Lease implements AutoCloseable {
  private static final int IDLE = 0;
  private static final int HELD = 1;

  private final AtomicInteger state = new AtomicInteger(IDLE);
  private volatile ServerCounters counters;
  private volatile Backend.Totals totals;
  private volatile int server = BackendSnapshot.NO_SERVER;

  /** An idle lease. */
  public Lease() {}

  /** Arms this lease on a server whose counters were already incremented. */
  void hold(int serverIndex, ServerCounters c, Backend.Totals t) {
    if (!state.compareAndSet(IDLE, HELD)) {
      // Never leave a counter incremented without an owner: undo, then refuse.
      c.release();
      t.served.decrementAndGet();
      throw new IllegalStateException("lease already held: close it before reusing it");
    }
    this.counters = c;
    this.totals = t;
    this.server = serverIndex;
  }

  /** Whether the lease currently holds a server. */
  public boolean isHeld() {
    return state.get() == HELD;
  }

  /** The index of the held server, or {@link BackendSnapshot#NO_SERVER}. */
  public int server() {
    return isHeld() ? server : BackendSnapshot.NO_SERVER;
  }

  /** Releases the server exactly once; later calls do nothing. */
  @Override
  public void close() {
    if (state.compareAndSet(HELD, IDLE)) {
      ServerCounters c = counters;
      Backend.Totals t = totals;
      counters = null;
      totals = null;
      server = BackendSnapshot.NO_SERVER;
      c.release();
      t.served.decrementAndGet();
    }
  }
}
