package org.stickyroute.share;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The stick tables of one {@code peers} section of a router, as a sharing layer sees them (obtain it with
 * {@code Router.sharedTables(peers)}): it takes the local stores out ({@link #poll}), puts the other instances'
 * stores in ({@link #apply}) and reads every live entry for a bulk publish ({@link #entries}).
 *
 * <p><b>The request path never waits on sharing.</b> Every local store of a shared table is handed over
 * through a bounded, lock-free queue of references to the table's entries: the request thread pays one
 * compare-and-set on the entry (an entry already queued is not queued again, so a burst of stores of one key
 * costs one slot), one on the queue and, when the sharing thread sleeps, one {@code LockSupport.unpark}; it
 * allocates nothing beyond the local store. When the queue is full the store stays local and is counted
 * ({@link #dropped}); a resynchronisation ({@link #entries}) publishes it later. The entry's server and expiry
 * are read when it is polled, so the latest store of a key wins.
 *
 * <p>Remote stores ({@link #apply}) do not come back out of {@link #poll}: an instance never re-publishes what
 * it learned from another. Thread-safe.
 */
public interface SharedTables {
  /** The {@code peers} section's name. */
  String peers();

  /** The names of the shared tables (their backends' names), in configuration order. */
  List<String> tables();

  /**
   * The next local store, waiting up to {@code timeout} for one; {@code null} when none came. For the sharing
   * layer's own thread (allocates the entry it returns).
   *
   * @throws InterruptedException if the thread is interrupted while waiting
   */
  SharedEntry poll(long timeout, TimeUnit unit) throws InterruptedException;

  /**
   * Applies another instance's store: the entry is created or updated with this server and expiry, as HAProxy
   * applies a peer's update (a full table purges its oldest entries, or refuses with {@code nopurge}). Ignored
   * (false) for a table that is not shared here, a key that does not decode for the table's type, or a full
   * table that cannot purge. A server name this instance does not have is kept: the entry routes nowhere until
   * such a server exists, as in HAProxy.
   */
  boolean apply(SharedEntry entry);

  /** Every live entry of the shared tables now, local or learned (a copy; for bulk publishing). */
  List<SharedEntry> entries();

  /** How many local stores were not queued because the queue was full (they stay local until a resync). */
  long dropped();
}
