package org.stickyroute.share;

import java.util.Objects;

/**
 * One stick-table entry as instances exchange it: the table, the key in a stable textual encoding, the server
 * by name (instances may number or order their servers differently; the name is HAProxy's {@code srvkey name})
 * and the time it has left to live. Immutable.
 *
 * <p>Key encoding, the same in every version and on every instance: {@code ip} keys as a dotted quad
 * ({@code 10.0.0.1}); {@code integer} keys in decimal (0 to 4294967295); {@code ipv6}, {@code string} and
 * {@code binary} keys as the lower-case hexadecimal of the table's key bytes (a {@code string} key holds at
 * most the table's {@code len} bytes, a {@code binary} key exactly {@code len}). Digits, {@code a-f} and dots
 * only: no space, no newline, no colon.
 *
 * @param table the table's name (its backend's name)
 * @param key the key, encoded as above
 * @param server the name of the server the entry routes to
 * @param ttlMillis how long the entry has left to live, in milliseconds, positive; or {@link #NO_EXPIRY} for a
 *     table without {@code expire}
 */
public record SharedEntry(String table, String key, String server, long ttlMillis) {
  /** The {@link #ttlMillis} of an entry of a table without {@code expire}: it lives until purged. */
  public static final long NO_EXPIRY = -1;

  /** Validates. */
  public SharedEntry {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(server, "server");
    if (ttlMillis <= 0 && ttlMillis != NO_EXPIRY) {
      throw new IllegalArgumentException("ttlMillis must be positive or NO_EXPIRY: " + ttlMillis);
    }
  }
}
