package org.stickyroute.hash;

import org.stickyroute.hash.internal.ByteView;

/**
 * Hashing over the byte view of a {@link CharSequence} (see {@link HashFunction}): fast loops for the
 * common case where every char is {@code <= 0xFF}, and a byte-at-a-time path for the rest.
 */
final class CharHashing {
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

  private CharHashing() {}

  /**
   * Hashes the byte view of {@code s[from, to)} followed by the first {@code partial} bytes (0..3) of the
   * byte view of the code unit starting at {@code to} (used when a {@code len} limit cuts a multi-byte
   * character).
   */
  static int hash(HashFunction fn, CharSequence s, int from, int to, int partial) {
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
              h = ByteView.sdbmStep(h, c);
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
            h = ByteView.sdbmStep(h, b[i] & 0xFF);
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

  private static int slow(HashFunction fn, CharSequence s, int from, int to, int partial) {
    long state = HashFunction.initialState(fn);
    boolean first = true;
    int i = from;
    while (i < to) {
      int unit = ByteView.unit(s, i, to);
      int n = ByteView.unitBytes(unit);
      for (int k = 0; k < n; k++) {
        state = HashFunction.step(fn, state, ByteView.unitByte(unit, k), first);
        first = false;
      }
      i += ByteView.unitChars(unit);
    }
    if (partial > 0 && to < s.length()) {
      int unit = ByteView.unit(s, to, s.length());
      for (int k = 0; k < partial; k++) {
        state = HashFunction.step(fn, state, ByteView.unitByte(unit, k), first);
        first = false;
      }
    }
    return HashFunction.finish(fn, state);
  }
}
