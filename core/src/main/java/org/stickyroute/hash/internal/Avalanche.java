package org.stickyroute.hash.internal;

/**
 * HAProxy's {@code full_hash()} ({@code include/haproxy/intops.h}): Bob Jenkins' six-shift 32-bit integer
 * mix followed by a multiplication by {@code 0xC0000001}. It is a bijection on 32-bit values.
 *
 * <p>HAProxy applies it to the key hash when the {@code avalanche} modifier is in effect (explicitly, or
 * implicitly for a bare {@code hash-type consistent}), and always to place consistent-hashing ring points.
 */
public final class Avalanche {
  private Avalanche() {}

  /** Returns {@code full_hash(a)}, an unsigned 32-bit value in an {@code int}. */
  public static int fullHash(int a) {
    a = (a + 0x7ed55d16) + (a << 12);
    a = (a ^ 0xc761c23c) ^ (a >>> 19);
    a = (a + 0x165667b1) + (a << 5);
    a = (a + 0xd3a2646c) ^ (a << 9);
    a = (a + 0xfd7046c5) + (a << 3);
    a = (a ^ 0xb55a4f09) ^ (a >>> 16);
    return a * 0xC0000001;
  }
}
