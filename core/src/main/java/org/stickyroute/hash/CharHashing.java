package org.stickyroute.hash;

import org.stickyroute.hash.internal.ByteView;

/**
 * Hashing over the byte view of a {@link CharSequence} (see {@link HashFunction}): fast loops for the
 * common case where every char is {@code <= 0xFF}, and a byte-at-a-time path for the rest.
 *
 * <p>Each function has one fast loop, which serves both input kinds: it reads a char of {@code s}, or when
 * {@code s} is null an unsigned byte of {@code b}. The loops are small static methods called with a
 * constant null, so once the JIT inlines them (it does: they are a few dozen bytes) the test folds away and
 * each input kind gets its own loop (JMH: {@code HashBench}). The byte-at-a-time path shares the sdbm, djb2
 * and crc32 steps; it keeps WT6's two lanes packed in a {@code long}, which the fast loop does not: packing
 * puts two more operations on WT6's serial chain (12-19 % slower in a quiet {@code HashBench} A/B).
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

  /** What a fast loop returns at a char above 0xFF (a hash is returned as an unsigned value). */
  private static final long SLOW = -1;

  private static final int DJB2_INITIAL = 5381;
  private static final int CRC32_INITIAL = 0xFFFFFFFF;
  private static final int WT6_H0 = 0xa53c965a;
  private static final int WT6_H1 = 0x5ca6953a;

  private CharHashing() {}

  /**
   * Hashes the byte view of {@code s[from, to)} followed by the first {@code partial} bytes (0..3) of the
   * byte view of the code unit starting at {@code to} (used when a {@code len} limit cuts a multi-byte
   * character).
   */
  static int hash(HashFunction fn, CharSequence s, int from, int to, int partial) {
    if (partial == 0) {
      long h = fast(fn, s, null, from, to);
      if (h != SLOW) {
        return (int) h;
      }
    }
    return slow(fn, s, from, to, partial);
  }

  /** Hashes {@code b[from, to)} as unsigned bytes, with the same loops as the char paths. */
  static int hash(HashFunction fn, byte[] b, int from, int to) {
    return (int) fast(fn, null, b, from, to);
  }

  private static long fast(HashFunction fn, CharSequence s, byte[] b, int from, int to) {
    switch (fn) {
      case SDBM:
        return sdbm(s, b, from, to);
      case DJB2:
        return djb2(s, b, from, to);
      case WT6:
        return wt6(s, b, from, to);
      default:
        return crc32(s, b, from, to);
    }
  }

  /** Input {@code i}: char {@code i} of {@code s}, or when {@code s} is null the unsigned byte {@code b[i]}. */
  private static int at(CharSequence s, byte[] b, int i) {
    return s != null ? s.charAt(i) : b[i] & 0xFF;
  }

  // ---- the fast loops: the hash as an unsigned value, or SLOW ----

  private static long sdbm(CharSequence s, byte[] b, int from, int to) {
    int h = 0;
    for (int i = from; i < to; i++) {
      int c = at(s, b, i);
      if (c > 0xFF) {
        return SLOW;
      }
      h = ByteView.sdbmStep(h, c);
    }
    return h & 0xFFFFFFFFL;
  }

  private static long djb2(CharSequence s, byte[] b, int from, int to) {
    int h = DJB2_INITIAL;
    for (int i = from; i < to; i++) {
      int c = at(s, b, i);
      if (c > 0xFF) {
        return SLOW;
      }
      h = djb2Step(h, c);
    }
    return h & 0xFFFFFFFFL;
  }

  private static long crc32(CharSequence s, byte[] b, int from, int to) {
    int h = CRC32_INITIAL;
    for (int i = from; i < to; i++) {
      int c = at(s, b, i);
      if (c > 0xFF) {
        return SLOW;
      }
      h = crc32Step(h, c);
    }
    return ~h & 0xFFFFFFFFL;
  }

  /** HAProxy's {@code hash_wt6}: two lanes, each byte's rotations chosen by the lanes after the last. */
  private static long wt6(CharSequence s, byte[] b, int from, int to) {
    int h0 = WT6_H0;
    int h1 = WT6_H1;
    int s0 = 6;
    int s1 = 18;
    for (int i = from; i < to; i++) {
      int t = at(s, b, i);
      if (t > 0xFF) {
        return SLOW;
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
    return (h0 ^ h1) & 0xFFFFFFFFL;
  }

  private static int djb2Step(int h, int c) {
    return (h << 5) + h + c;
  }

  private static int crc32Step(int h, int c) {
    return CRC_TABLE[(h ^ c) & 0xFF] ^ (h >>> 8);
  }

  // ---- the byte-at-a-time path ----

  /**
   * For chars above 0xFF and a cut multi-byte character: one {@code long} of state (WT6's lanes, {@code
   * h0} high; the other functions' {@code int} in its low half), one switch per byte.
   */
  private static int slow(HashFunction fn, CharSequence s, int from, int to, int partial) {
    long state = fn == HashFunction.WT6 ? pack(WT6_H0, WT6_H1) : fn == HashFunction.DJB2 ? DJB2_INITIAL
        : fn == HashFunction.CRC32 ? CRC32_INITIAL : 0;
    boolean first = true;
    int i = from;
    while (i < to) {
      int unit = ByteView.unit(s, i, to);
      int n = ByteView.unitBytes(unit);
      for (int k = 0; k < n; k++) {
        state = step(fn, state, ByteView.unitByte(unit, k), first);
        first = false;
      }
      i += ByteView.unitChars(unit);
    }
    if (partial > 0 && to < s.length()) {
      int unit = ByteView.unit(s, to, s.length());
      for (int k = 0; k < partial; k++) {
        state = step(fn, state, ByteView.unitByte(unit, k), first);
        first = false;
      }
    }
    switch (fn) {
      case WT6:
        return (int) (state >>> 32) ^ (int) state;
      case CRC32:
        return ~(int) state;
      default:
        return (int) state;
    }
  }

  /** One byte. WT6's rotations are a function of its lanes, except before the first byte (6 and 18). */
  private static long step(HashFunction fn, long state, int b, boolean first) {
    switch (fn) {
      case SDBM:
        return ByteView.sdbmStep((int) state, b);
      case DJB2:
        return djb2Step((int) state, b);
      case WT6:
        {
          int h0 = (int) (state >>> 32);
          int h1 = (int) state;
          int x = ((h0 >>> 16) ^ h1) & 0xffff;
          int s0 = first ? 6 : x & 0x1f;
          int s1 = first ? 18 : x >>> 11;
          return pack(Integer.rotateLeft(~(h1 + b), s0), Integer.rotateLeft(~(h0 ^ b), s1));
        }
      default:
        return crc32Step((int) state, b);
    }
  }

  private static long pack(int h0, int h1) {
    return ((long) h0 << 32) | (h1 & 0xFFFFFFFFL);
  }
}
