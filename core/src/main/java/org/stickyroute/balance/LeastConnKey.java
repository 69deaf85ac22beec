package org.stickyroute.balance;

/**
 * HAProxy 2.6's leastconn key ({@code src/lb_fwlc.c}): {@code inflight == 0 ? 0 : (inflight + 1) *
 * SRV_EWGHT_MAX / eweight}, saturating at 2^31 - 1, and the division-free form the request path uses. Pure
 * functions; thread-safe.
 */
final class LeastConnKey {
  /** The largest key: 2^31 - 1. */
  static final long MAX = (1L << 31) - 1;

  private LeastConnKey() {}

  /**
   * HAProxy's key, saturating at 2^31 - 1. The request path computes {@code (served + 1) * 4096 /
   * eweight} for {@code served < 2^18} as {@code (served + 1) * (floor(2^44 / eweight) + 1) >>> 32}
   * instead ({@link #key(int, int, long)}), which is exact: the product stays below 2^63, and the
   * reciprocal's rounding adds less than {@code 2^19 / 2^32 < 1 / eweight} to a quotient whose fractional
   * part is at most {@code 1 - 1 / eweight} (HAProxy's effective weights are at most 4096).
   */
  static long key(int served, int eweight) {
    if (served <= 0) {
      return 0;
    }
    if (served < (1 << 18)) {
      return ((served + 1) << 12) / eweight;
    }
    return Math.min(MAX, (served + 1L) * LeastConnQueue.EWEIGHT_MAX / eweight);
  }

  /** {@link #key(int, int)} through the reciprocal of {@code eweight} ({@link #reciprocal}). */
  static long key(int served, int eweight, long reciprocal) {
    if (served <= 0) {
      return 0;
    }
    return served < (1 << 18) ? ((served + 1L) * reciprocal) >>> 32 : key(served, eweight);
  }

  /** {@code floor(2^44 / eweight) + 1}. */
  static long reciprocal(int eweight) {
    return (1L << 44) / eweight + 1;
  }
}
