package org.stickyroute;

import java.util.concurrent.atomic.AtomicReference;

/**
 * One in-flight request on one server: taken when a server is chosen, released when the request really ends
 * (response complete, error, timeout). While held, the server's in-flight count ({@code served}) includes
 * the request, which is what {@code leastconn}, {@code random}, {@code maxconn} and {@code
 * hash-balance-factor} read; for {@code leastconn} taking and releasing also re-position the server in the
 * current tree.
 *
 * <p>A lease is a small reusable holder, so the request path allocates nothing: create one per request (or
 * keep one per worker and reuse it after {@link #close()}), pass it to {@link BackendSnapshot#acquire} or
 * {@link BackendSnapshot#acquireServer}, and close it in a {@code finally} or try-with-resources block:
 *
 * <pre>{@code
 * try (Lease lease = new Lease()) {
 *   int s = backend.snapshot().acquire(target, 0, target.length(), BackendSnapshot.NO_SERVER, lease);
 *   if (s < 0) { ... 503, or queue when s == BackendSnapshot.SATURATED ... }
 *   else forward(backend.snapshot().server(s));
 * }
 * }</pre>
 *
 * <p>{@link #close()} releases exactly once: the held counters are swapped out atomically, so a second call,
 * or a concurrent one from another thread, does nothing. Releasing after the server was removed, put in
 * maintenance or the backend reconfigured is safe (the counters outlive snapshots). Thread-safe: the request
 * may end on another thread than the one that started it. Counters are never negative: only a lease
 * decrements, once per increment.
 */
public final class Lease implements AutoCloseable {
  private final AtomicReference<ServerCounters> held = new AtomicReference<>();
  private int server = BackendSnapshot.NO_SERVER;

  /** An idle lease. */
  public Lease() {}

  /** Arms this lease on a server whose counters were already incremented; undoes that if it is held. */
  void hold(int serverIndex, ServerCounters c) {
    if (!held.compareAndSet(null, c)) {
      // Never leave a counter incremented without an owner: undo, then refuse.
      c.release();
      throw new IllegalStateException("lease already held: close it before reusing it");
    }
    server = serverIndex;
  }

  /** Whether the lease currently holds a server. */
  public boolean isHeld() {
    return held.get() != null;
  }

  /**
   * The index of the held server in the snapshot it was taken from, or {@link BackendSnapshot#NO_SERVER}
   * (exact on the thread that acquired it).
   */
  public int server() {
    return isHeld() ? server : BackendSnapshot.NO_SERVER;
  }

  /** Releases the server exactly once; later calls do nothing. Allocation-free. */
  @Override
  public void close() {
    ServerCounters c = held.getAndSet(null);
    if (c != null) {
      c.release();
    }
  }
}
