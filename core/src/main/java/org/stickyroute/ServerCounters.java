package org.stickyroute;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.stickyroute.balance.Picker;
import org.stickyroute.counters.TrafficCounters;

/**
 * The mutable counters of one server of one {@link Backend}: requests in flight (HAProxy's {@code served}),
 * the most ever in flight ({@code smax}) and the leases ever taken ({@code stot}). One instance lives as long
 * as the server is configured, across every snapshot and across reconfigurations that keep a server of the
 * same name, so a lease taken before a rebuild or a removal is released on the right counter.
 *
 * <p>Thread-safe and lock-free; {@link #take()} and {@link #release()} allocate nothing. The in-flight count
 * and the selection total share one atomic word (24 low bits in flight, so at most 16,777,215 requests in
 * flight per server; 40 high bits of selections, folded into a separate total every 2^39 selections), so a
 * take or a release is one atomic read-modify-write. When the current snapshot's algorithm tracks
 * connections ({@link Picker#tracksConnections()}, as {@code leastconn} does), every take and release then
 * tells it ({@link Picker#take}, {@link Picker#drop}: HAProxy's {@code server_take_conn} and {@code
 * server_drop_conn}), and it re-positions the server from the live count. The binding is re-pointed (and the
 * new picker re-synchronised) whenever a snapshot is published, so a release racing with a rebuild is never
 * lost.
 */
public final class ServerCounters {
  private static final int SERVED_BITS = 24;
  private static final long SERVED_MASK = (1L << SERVED_BITS) - 1;
  private static final long TAKE = (1L << SERVED_BITS) + 1;
  private static final long FOLD = 1L << 39;

  private final AtomicLong word = new AtomicLong(); // selections << 24 | served
  private final AtomicLong folded = new AtomicLong();
  private final AtomicInteger maxServed = new AtomicInteger();
  private final Backend.Totals totals;
  /** The server's other traffic counters (rate, bytes, errors, responses, times); scur/smax/stot are above. */
  final TrafficCounters traffic = new TrafficCounters();
  private volatile Binding binding;

  /** The picker told of this server's takes and drops, and the server's index in its snapshot. */
  private record Binding(Picker picker, int server) {}

  ServerCounters(Backend.Totals totals) {
    this.totals = totals;
  }

  /**
   * Counts one more request in flight, then tells the bound picker ({@link Picker#take}).
   *
   * @return the requests in flight on the server just after this one was counted
   */
  int take() {
    int now = count();
    Binding b = binding;
    if (b != null) {
      b.picker().take(b.server());
    }
    return now;
  }

  /** Counts one request less in flight, then tells the bound picker ({@link Picker#drop}). */
  void release() {
    uncount();
    Binding b = binding;
    if (b != null) {
      b.picker().drop(b.server());
    }
  }

  /**
   * Counts one more request in flight without telling the picker: for a take the picker made itself ({@link
   * Picker#pickAndTake}).
   *
   * @return the requests in flight on the server just after this one was counted
   */
  int count() {
    long w = word.addAndGet(TAKE);
    if ((w >>> SERVED_BITS) >= FOLD) {
      folded.addAndGet(FOLD);
      word.addAndGet(-(FOLD << SERVED_BITS));
    }
    if (totals.tracking) {
      totals.served.incrementAndGet();
    }
    int now = (int) (w & SERVED_MASK);
    int max = maxServed.get();
    while (now > max && !maxServed.compareAndSet(max, now)) {
      max = maxServed.get();
    }
    return now;
  }

  /** Undoes a {@link #count()} without telling the picker (the take the picker made was refused). */
  void uncount() {
    word.decrementAndGet();
    if (totals.tracking) {
      totals.served.decrementAndGet();
    }
  }

  /**
   * Points the counters at the picker of a newly published snapshot, where this server has index {@code
   * server}, or at none ({@code picker == null}). Control plane.
   */
  void bind(Picker picker, int server) {
    binding = picker == null ? null : new Binding(picker, server);
  }

  /**
   * Requests currently in flight on the server (HAProxy's {@code served}). The 24-bit field is read sign-extended,
   * so a release without a take (a bug: every lease is released exactly once) shows as a negative count instead of
   * as 16,777,215.
   */
  public int served() {
    long w = word.get();
    return (int) (w << (64 - SERVED_BITS) >> (64 - SERVED_BITS));
  }

  /** The most requests ever in flight at once on the server (HAProxy's {@code smax}). */
  public int maxServed() {
    return maxServed.get();
  }

  /** Leases ever taken on the server, load-balanced or persistent (HAProxy's {@code stot}). */
  public long totalSelections() {
    return folded.get() + (word.get() >>> SERVED_BITS);
  }
}
