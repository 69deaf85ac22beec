package org.stickyroute.hash.internal;

/**
 * The byte view of a {@link CharSequence} (see {@link org.stickyroute.hash.HashFunction}): the bytes HAProxy
 * would have hashed for the chars at one index, decoded on the fly without allocating, and sdbm's step.
 * Implementation, shared by the hash functions, request keys and frontend rules; not exported.
 */
public final class ByteView {
  private ByteView() {}

  /**
   * One sdbm step, {@code c + (h << 6) + (h << 16) - h}, grouped as {@code ((h << 6) + (h << 16)) + (c - h)}:
   * the same value (integer addition wraps, so any grouping gives the same 32 bits), but {@code c - h} no
   * longer waits for the shifts, so the loop-carried chain is three one-cycle operations instead of four.
   * Sdbm over a key is a chain of these steps, so this is most of the cost of hashing a URI.
   */
  public static int sdbmStep(int h, int c) {
    return ((h << 6) + (h << 16)) + (c - h);
  }

  // ---- code units: the byte-view encoding of the char(s) at one index, packed in an int ----
  // bits 0..20: code point (or the byte itself, or '?'); bits 24..26: byte count; bit 28: two chars.

  /** The code unit starting at index {@code i}; {@code limit} bounds the look-ahead for a surrogate pair. */
  public static int unit(CharSequence s, int i, int limit) {
    char c = s.charAt(i);
    if (c <= 0xFF) {
      return c | (1 << 24);
    }
    if (Character.isHighSurrogate(c)) {
      if (i + 1 < limit) {
        char d = s.charAt(i + 1);
        if (Character.isLowSurrogate(d)) {
          return Character.toCodePoint(c, d) | (4 << 24) | (1 << 28);
        }
      }
      return '?' | (1 << 24);
    }
    if (Character.isLowSurrogate(c)) {
      return '?' | (1 << 24);
    }
    return c | ((c < 0x800 ? 2 : 3) << 24);
  }

  /** Number of bytes of a code unit (1..4). */
  public static int unitBytes(int unit) {
    return (unit >>> 24) & 0x7;
  }

  /** Number of chars a code unit spans (1 or 2). */
  public static int unitChars(int unit) {
    return (unit & (1 << 28)) != 0 ? 2 : 1;
  }

  /** Byte {@code k} of a code unit, as an unsigned value. */
  public static int unitByte(int unit, int k) {
    int n = unitBytes(unit);
    int cp = unit & 0x1FFFFF;
    switch (n) {
      case 1:
        return cp;
      case 2:
        return k == 0 ? 0xC0 | (cp >>> 6) : 0x80 | (cp & 0x3F);
      case 3:
        return k == 0 ? 0xE0 | (cp >>> 12) : 0x80 | ((cp >>> (6 * (2 - k))) & 0x3F);
      default:
        return k == 0 ? 0xF0 | (cp >>> 18) : 0x80 | ((cp >>> (6 * (3 - k))) & 0x3F);
    }
  }
}
