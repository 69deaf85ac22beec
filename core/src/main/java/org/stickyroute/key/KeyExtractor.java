package org.stickyroute.key;

import org.stickyroute.hash.HashType;
import org.stickyroute.http.RequestView;

/**
 * The key of a hash-based {@code balance} algorithm: what of a request is hashed, and how (HAProxy's {@code
 * get_server_*h} functions up to the table lookup). The hash-based pickers look the result up in their map
 * or ring; when there is no key they fall back exactly as HAProxy 2.6's {@code assign_server} does (round
 * robin on the same map, or the next node of the ring).
 *
 * <p>Implementations are immutable, thread-safe and allocation-free, and never throw on request input.
 */
@FunctionalInterface
public interface KeyExtractor {
  /** {@link #hash} when the request has no key (HAProxy's lookup returned no server). */
  long NO_KEY = -1L;

  /**
   * The key's 32-bit hash, with the backend's {@code hash-type} function and avalanche modifier applied, as
   * an unsigned value ({@code 0 .. 2^32 - 1}); or {@link #NO_KEY}.
   */
  long hash(RequestView request);

  /**
   * Whether HAProxy looks the key up even when a single server is usable. Every {@code get_server_*h()}
   * except {@code url_param}'s skips the key then (hash 0, so no round-robin fallback either).
   */
  default boolean lookedUpWithOneServer() {
    return false;
  }

  /** {@code balance uri ...} hashed as {@code type} says. */
  static KeyExtractor uri(UriKey key, HashType type) {
    return new UriExtractor(key, type);
  }
}
