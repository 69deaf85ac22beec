package org.stickyroute.balance;

import java.util.function.IntPredicate;
import org.stickyroute.http.RequestView;

/**
 * One load-balancing algorithm, built for one immutable snapshot of a backend: HAProxy's {@code lb_*.c} hooks
 * behind one interface, in the shape of gRPC's {@code SubchannelPicker}.
 *
 * <p>The control plane (rare; may allocate and lock) builds a picker from the {@link ServerGroup} in use;
 * the data plane only calls {@link #pick} (or {@link #pickAndTake}) and, through the live per-server
 * counters, {@link #take} and {@link #drop}. A picker is immutable, or synchronises its own state (the
 * round-robin cursor, the leastconn tree); every method is thread-safe, allocation-free and never throws on
 * request input.
 *
 * <p>Results are a server index (its position in the backend's configuration), or one of the two sentinels
 * every picker shares: {@link #NO_SERVER} and {@link #SATURATED}.
 *
 * <p>Adding an algorithm is one new picker class and one line where the snapshot's picker is chosen (and
 * the loader's line for its keyword). Hash-based algorithms read their key through a {@link
 * org.stickyroute.key.KeyExtractor} and share the two lookups ({@link MapHashPicker}, {@link
 * ConsistentHashPicker}).
 */
public interface Picker {
  /** Nothing is usable (HAProxy: 503 "no server available"). */
  int NO_SERVER = -1;

  /**
   * Servers are usable but every one the algorithm may use has reached its {@code maxconn} (HAProxy puts the
   * request in the backend queue; a caller without a queue answers 503 or retries later).
   */
  int SATURATED = -2;

  /**
   * Picks a server for a request, as HAProxy's {@code assign_server} does with this algorithm, without
   * taking a connection on it.
   *
   * @param request the request (hash-based algorithms read their key from it; the others ignore it)
   * @param avoid a server index to avoid if another qualifies (the server a failed attempt used, HAProxy's
   *     {@code prev_srv}), or {@link #NO_SERVER}; map-based hashing ignores it, as HAProxy does
   * @param load the in-flight counts to decide with ({@code maxconn}, bounded loads, {@code random});
   *     pickers that keep their own view of the live counts (leastconn) ignore it
   * @return a server index, {@link #NO_SERVER} or {@link #SATURATED}
   */
  int pick(RequestView request, int avoid, LoadView load);

  /** How often {@link #pickAndTake}'s default chooses again after losing the race for a server's last slot. */
  int TAKE_ATTEMPTS = 4;

  /**
   * Picks a server and takes a connection on it as one step. {@code take} counts the request in flight on
   * the server's live counters <em>without</em> calling this picker's {@link #take} (the picker accounts for
   * its own take, so a picker may call it while holding its own lock), and answers whether the server had
   * room: false when the count found it over its {@code maxconn} and was undone; the picker then undoes its
   * own accounting of that take. The release of the lease later reaches {@link #drop} as usual.
   *
   * <p>The default picks, then takes and calls {@link #take}; while the take finds the server full (a
   * concurrent request took the last slot between the choice and the take) it chooses again, {@link
   * #TAKE_ATTEMPTS} times at most, then answers {@link #SATURATED}. A picker that must serialise the choice
   * with the take (HAProxy makes both under the backend's lock, so its choice is never stale) overrides it and
   * calls {@code take} under its own synchronisation.
   *
   * @param take counts a connection on a server; false, having undone it, when the server was full
   * @return as {@link #pick}; when it returns a server index, exactly one take on it succeeded
   */
  default int pickAndTake(RequestView request, int avoid, LoadView load, IntPredicate take) {
    for (int attempt = 1; ; attempt++) {
      int s = pick(request, avoid, load);
      if (s < 0) {
        return s;
      }
      if (take.test(s)) {
        take(s);
        return s;
      }
      if (attempt == TAKE_ATTEMPTS) {
        return SATURATED;
      }
    }
  }

  /**
   * Whether this picker must hear of every take and drop ({@link #take}, {@link #drop}); when false the live
   * counters do not call it at all.
   */
  default boolean tracksConnections() {
    return false;
  }

  /**
   * A request now counts as in flight on {@code server} (HAProxy's {@code lbprm.server_take_conn}). Called by
   * the server's live counters after they changed, on the request path, for every server of the backend —
   * except for the takes this picker makes itself in {@link #pickAndTake}.
   */
  default void take(int server) {}

  /** A request on {@code server} ended (HAProxy's {@code lbprm.server_drop_conn}); as {@link #take}. */
  default void drop(int server) {}

  /**
   * Re-reads the live counts of every server. The control plane calls it once the live counters call this
   * picker (after it published the snapshot), so that a take or a drop that still reached the previous
   * snapshot's picker is not lost.
   */
  default void resync() {}

  /**
   * Checks the picker's internal invariants against the live counters (tests and diagnostics; only
   * meaningful while no request is in progress): {@code null} when consistent, otherwise a description.
   */
  default String inconsistency() {
    return null;
  }
}
