package org.stickyroute.key;

import org.stickyroute.http.RequestView;

/**
 * What a hash-based algorithm hashes of a request: HAProxy's {@code get_server_*h()} up to the table lookup.
 * An instance is built once per backend with the backend's {@code hash-type} (function and avalanche) and is
 * immutable and thread-safe; {@link #hash} is allocation-free and never throws.
 */
public interface RequestKey {
  /** {@link #hash} found no key: the algorithm falls back as HAProxy's {@code assign_server} does. */
  long NO_KEY = -1L;

  /**
   * The key's hash, with the backend's hash function and avalanche modifier applied, as an unsigned 32-bit
   * value in a {@code long}, or {@link #NO_KEY}.
   */
  long hash(RequestView request);

  /**
   * Whether HAProxy looks the key up even when a single server is usable. Every {@code get_server_*h()}
   * except {@code url_param}'s skips the key then (hash 0, so no round-robin fallback either).
   */
  default boolean lookedUpWithOneServer() {
    return false;
  }
}
