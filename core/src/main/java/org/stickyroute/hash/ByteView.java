package org.stickyroute.hash;

/**
 * Hashing over the byte view of a {@link CharSequence} (see {@link HashFunction}): fast loops for the
 * common case where every char is {@code <= 0xFF}, and a byte-at-a-time path for the rest.
 *
 * <p>Public only so that {@code org.stickyroute.key} can reach it; not part of the supported API.
 */
public final class ByteView {
  private static final int[] CRC_TABLE = new int[256];

  static {
    for (int n = 0; n < 256; n++) {
      int c = n;
      for (int k = 0; k < 8; k++) {
        c = (c & 1) != 0 ? 0xEDB88320 ^ (c >>> 1) : c >>> 1;
      }
      CRC_TABLE[n] = c;
    }
  }

  private ByteView() {}

  /**
   * Hashes the byte view of {@code s[from, to)} followed by the first {@code partial} bytes (0..3) of the
   * byte view of the code unit starting at {@code to} (used when a {@code len} limit cuts a multi-byte
   * character).
   */
  public static int hash(HashFunction fn, CharSequence s, int from, int to, int partial) {
    if (partial == 0) {
      switch (fn) {
        case SDBM:
          {
            int h = 0;
            for (int i = from; i < to; i++) {
              char c = s.charAt(i);
              if (c > 0xFF) {
                return slow(fn, s, from, to, 0);
              }
              h = sdbmStep(h, c);
            }
            return h;
          }
        case DJB2:
          {
            int h = 5381;
            for (int i = from; i < to; i++) {
              char c = s.charAt(i);
              if (c > 0xFF) {
                return slow(fn, s, from, to, 0);
              }
              h = (h << 5) + h + c;
            }
            return h;
          }
        case WT6:
          {
            int h0 = HashFunction.WT6_H0;
            int h1 = HashFunction.WT6_H1;
            int s0 = 6;
            int s1 = 18;
            for (int i = from; i < to; i++) {
              char t = s.charAt(i);
              if (t > 0xFF) {
                return slow(fn, s, from, to, 0);
              }
              h0 = ~(h0 ^ t);
              h1 = ~(h1 + t);
              int tmp = Integer.rotateLeft(h1, s0);
              h1 = Integer.rotateLeft(h0, s1);
              h0 = tmp;
              int x = ((h0 >>> 16) ^ h1) & 0xffff;
              s0 = x & 0x1f;
              s1 = x >>> 11;
            }
            return h0 ^ h1;
          }
        default:
          {
            int h = 0xFFFFFFFF;
            for (int i = from; i < to; i++) {
              char c = s.charAt(i);
              if (c > 0xFF) {
                return slow(fn, s, from, to, 0);
              }
              h = CRC_TABLE[(h ^ c) & 0xFF] ^ (h >>> 8);
            }
            return ~h;
          }
      }
    }
    return slow(fn, s, from, to, partial);
  }

  /** Hashes {@code b[from, to)} as unsigned bytes, with the same loops as the char paths. */
  static int hash(HashFunction fn, byte[] b, int from, int to) {
    switch (fn) {
      case SDBM:
        {
          int h = 0;
          for (int i = from; i < to; i++) {
            h = sdbmStep(h, b[i] & 0xFF);
          }
          return h;
        }
      case DJB2:
        {
          int h = 5381;
          for (int i = from; i < to; i++) {
            h = (h << 5) + h + (b[i] & 0xFF);
          }
          return h;
        }
      case WT6:
        {
          int h0 = HashFunction.WT6_H0;
          int h1 = HashFunction.WT6_H1;
          int s0 = 6;
          int s1 = 18;
          for (int i = from; i < to; i++) {
            int t = b[i] & 0xFF;
            h0 = ~(h0 ^ t);
            h1 = ~(h1 + t);
            int tmp = Integer.rotateLeft(h1, s0);
            h1 = Integer.rotateLeft(h0, s1);
            h0 = tmp;
            int x = ((h0 >>> 16) ^ h1) & 0xffff;
            s0 = x & 0x1f;
            s1 = x >>> 11;
          }
          return h0 ^ h1;
        }
      default:
        {
          int h = 0xFFFFFFFF;
          for (int i = from; i < to; i++) {
            h = CRC_TABLE[(h ^ b[i]) & 0xFF] ^ (h >>> 8);
          }
          return ~h;
        }
    }
  }

  /**
   * One sdbm step, {@code c + (h << 6) + (h << 16) - h}, grouped as {@code ((h << 6) + (h << 16)) + (c - h)}:
   * the same value (integer addition wraps, so any grouping gives the same 32 bits), but {@code c - h} no
   * longer waits for the shifts, so the loop-carried chain is three one-cycle operations instead of four.
   * Sdbm over a key is a chain of these steps, so this is most of the cost of hashing a URI.
   */
  public static int sdbmStep(int h, int c) {
    return ((h << 6) + (h << 16)) + (c - h);
  }

  private static int slow(HashFunction fn, CharSequence s, int from, int to, int partial) {
    long state = HashFunction.initialState(fn);
    boolean first = true;
    int i = from;
    while (i < to) {
      int unit = unit(s, i, to);
      int n = unitBytes(unit);
      for (int k = 0; k < n; k++) {
        state = HashFunction.step(fn, state, unitByte(unit, k), first);
        first = false;
      }
      i += unitChars(unit);
    }
    if (partial > 0 && to < s.length()) {
      int unit = unit(s, to, s.length());
      for (int k = 0; k < partial; k++) {
        state = HashFunction.step(fn, state, unitByte(unit, k), first);
        first = false;
      }
    }
    return HashFunction.finish(fn, state);
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
