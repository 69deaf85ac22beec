package org.stickyroute.hash;

import org.stickyroute.hash.internal.ByteView;

/**
 * Hashing over the byte view of a {@link CharSequence} (see {@link HashFunction}): fast loops for the
 * common case where every char is {@code <= 0xFF}, and a byte-at-a-time path for the rest.
 *
 * <p>Each function's per-byte step is written once, as a small static method that the char loop, the
 * {@code byte[]} loop and the byte-at-a-time path all call (the JIT inlines it). WT6's state is its two
 * lanes packed in a {@code long} ({@code h0} high, {@code h1} low) plus the next step's rotation amounts
 * packed in an {@code int} ({@code s0} in bits 0..4, {@code s1} in bits 8..12), which the lanes determine
 * except before the first byte.
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

  private static final int DJB2_INITIAL = 5381;
  private static final int CRC32_INITIAL = 0xFFFFFFFF;
  /** WT6's lanes before the first byte: {@code h0 = 0xa53c965a}, {@code h1 = 0x5ca6953a}. */
  private static final long WT6_INITIAL = 0xa53c965a_5ca6953aL;
  /** WT6's rotation amounts for the first byte: 6 and 18. */
  private static final int WT6_FIRST_SHIFTS = 6 | (18 << 8);

  private CharHashing() {}

  // ---- the per-byte steps, one per function ----

  private static int djb2(int h, int b) {
    return (h << 5) + h + b;
  }

  private static int crc32(int h, int b) {
    return CRC_TABLE[(h ^ b) & 0xFF] ^ (h >>> 8);
  }

  /** One WT6 byte: the new lanes, from the lanes {@code hh}, the rotation amounts and the byte {@code t}. */
  private static long wt6(long hh, int shifts, int t) {
    int h0 = ~((int) (hh >>> 32) ^ t);
    int h1 = ~((int) hh + t);
    return ((long) Integer.rotateLeft(h1, shifts) << 32)
        | (Integer.rotateLeft(h0, shifts >>> 8) & 0xFFFFFFFFL);
  }

  /** The rotation amounts of the next WT6 step, a function of the lanes. */
  private static int wt6Shifts(long hh) {
    int x = ((int) (hh >>> 48) ^ (int) hh) & 0xffff;
    return (x & 0x1f) | ((x >>> 11) << 8);
  }

  private static int wt6Finish(long hh) {
    return (int) (hh >>> 32) ^ (int) hh;
  }

  // ---- the loops ----

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
            int h = DJB2_INITIAL;
            for (int i = from; i < to; i++) {
              char c = s.charAt(i);
              if (c > 0xFF) {
                return slow(fn, s, from, to, 0);
              }
              h = djb2(h, c);
            }
            return h;
          }
        case WT6:
          {
            long hh = WT6_INITIAL;
            int shifts = WT6_FIRST_SHIFTS;
            for (int i = from; i < to; i++) {
              char c = s.charAt(i);
              if (c > 0xFF) {
                return slow(fn, s, from, to, 0);
              }
              hh = wt6(hh, shifts, c);
              shifts = wt6Shifts(hh);
            }
            return wt6Finish(hh);
          }
        default:
          {
            int h = CRC32_INITIAL;
            for (int i = from; i < to; i++) {
              char c = s.charAt(i);
              if (c > 0xFF) {
                return slow(fn, s, from, to, 0);
              }
              h = crc32(h, c);
            }
            return ~h;
          }
      }
    }
    return slow(fn, s, from, to, partial);
  }

  /** Hashes {@code b[from, to)} as unsigned bytes, with the same steps as the char paths. */
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
          int h = DJB2_INITIAL;
          for (int i = from; i < to; i++) {
            h = djb2(h, b[i] & 0xFF);
          }
          return h;
        }
      case WT6:
        {
          long hh = WT6_INITIAL;
          int shifts = WT6_FIRST_SHIFTS;
          for (int i = from; i < to; i++) {
            hh = wt6(hh, shifts, b[i] & 0xFF);
            shifts = wt6Shifts(hh);
          }
          return wt6Finish(hh);
        }
      default:
        {
          int h = CRC32_INITIAL;
          for (int i = from; i < to; i++) {
            h = crc32(h, b[i] & 0xFF);
          }
          return ~h;
        }
    }
  }

  /**
   * The byte-at-a-time path, for chars above 0xFF and a cut multi-byte character: one {@code long} of
   * state per function (WT6's lanes; the other functions' {@code int} in its low half), one switch per
   * byte.
   */
  private static int slow(HashFunction fn, CharSequence s, int from, int to, int partial) {
    long state = fn == HashFunction.WT6 ? WT6_INITIAL : fn == HashFunction.DJB2 ? DJB2_INITIAL
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
        return wt6Finish(state);
      case CRC32:
        return ~(int) state;
      default:
        return (int) state;
    }
  }

  private static long step(HashFunction fn, long state, int b, boolean first) {
    switch (fn) {
      case SDBM:
        return ByteView.sdbmStep((int) state, b);
      case DJB2:
        return djb2((int) state, b);
      case WT6:
        return wt6(state, first ? WT6_FIRST_SHIFTS : wt6Shifts(state), b);
      default:
        return crc32((int) state, b);
    }
  }
}
