package org.stickyroute.http;

/**
 * An IPv4 or IPv6 address as primitive words, with an allocation-free parser and printer: what adapters use
 * to turn the client address text a container reports ({@code getRemoteAddr()}, an {@code X-Forwarded-For}
 * hop) into the words of {@link RequestView#clientAddressFamily()}, {@link RequestView#clientAddressHigh()}
 * and {@link RequestView#clientAddressLow()}. Mutable and reusable (an adapter keeps one per request slot);
 * not thread-safe.
 *
 * <p>The family is kept as written: {@code ::ffff:192.0.2.1} is an IPv6 address (HAProxy hashes it as 16
 * bytes, unlike {@code 192.0.2.1}), although {@link java.net.InetAddress} would turn it into an IPv4 one.
 */
public final class IpAddress {
  /** No address (unknown, or the last parse failed). */
  public static final int NONE = 0;
  /** An IPv4 address. */
  public static final int V4 = 4;
  /** An IPv6 address (IPv4-mapped ones included). */
  public static final int V6 = 6;

  /** Longest text {@link #format} writes: {@code ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255}. */
  public static final int MAX_TEXT = 45;

  private int family;
  private long high;
  private long low;

  /** An empty holder (family {@link #NONE}). */
  public IpAddress() {}

  /**
   * Parses a literal address (for configuration and tools; allocates).
   *
   * @throws IllegalArgumentException when {@code text} is not an IPv4 or IPv6 literal
   */
  public static IpAddress parse(CharSequence text) {
    IpAddress a = new IpAddress();
    if (!a.set(text)) {
      throw new IllegalArgumentException("'" + text + "' is not an IPv4 or IPv6 address");
    }
    return a;
  }

  /** The family: {@link #V4}, {@link #V6} or {@link #NONE}. */
  public int family() {
    return family;
  }

  /** IPv6: the first 8 bytes, big-endian; otherwise 0. */
  public long high() {
    return high;
  }

  /** IPv6: the last 8 bytes, big-endian; IPv4: the address in the low 32 bits; otherwise 0. */
  public long low() {
    return low;
  }

  /** Forgets the address (family {@link #NONE}). */
  public void clear() {
    family = NONE;
    high = 0;
    low = 0;
  }

  /** Sets an IPv4 address (big-endian in an int: {@code 0x7f000001} is 127.0.0.1). */
  public void setV4(int address) {
    family = V4;
    high = 0;
    low = address & 0xFFFFFFFFL;
  }

  /** Sets an IPv6 address from its two big-endian halves. */
  public void setV6(long high, long low) {
    family = V6;
    this.high = high;
    this.low = low;
  }

  /** Copies another holder. */
  public void set(IpAddress other) {
    family = other.family;
    high = other.high;
    low = other.low;
  }

  /**
   * Parses a whole literal: dotted-quad IPv4 (decimal parts 0..255), or IPv6 in any RFC 4291 text form,
   * including {@code ::} and a trailing dotted quad. Returns false (and leaves family {@link #NONE}) for
   * anything else. Allocation-free.
   */
  public boolean set(CharSequence s) {
    return set(s, 0, s.length());
  }

  /** {@link #set(CharSequence)} over {@code s[from, to)}. */
  public boolean set(CharSequence s, int from, int to) {
    if (from < 0 || to > s.length() || from >= to) {
      clear();
      return false;
    }
    long v4 = parseV4(s, from, to);
    if (v4 >= 0) {
      setV4((int) v4);
      return true;
    }
    if (parseV6(s, from, to)) {
      return true;
    }
    clear();
    return false;
  }

  /**
   * As {@link #set(CharSequence, int, int)}, but also accepts what containers and proxies print around an
   * address: surrounding spaces and tabs, {@code [...]} brackets and an IPv6 zone ({@code %eth0}, ignored).
   */
  public boolean setLenient(CharSequence s, int from, int to) {
    while (from < to && isBlank(s.charAt(from))) {
      from++;
    }
    while (to > from && isBlank(s.charAt(to - 1))) {
      to--;
    }
    if (to - from >= 2 && s.charAt(from) == '[' && s.charAt(to - 1) == ']') {
      from++;
      to--;
    }
    for (int i = from; i < to; i++) {
      if (s.charAt(i) == '%') {
        to = i;
        break;
      }
    }
    return set(s, from, to);
  }

  /** {@link #setLenient(CharSequence, int, int)} over the whole of {@code s}; false for {@code null}. */
  public boolean setLenient(CharSequence s) {
    if (s == null) {
      clear();
      return false;
    }
    return setLenient(s, 0, s.length());
  }

  private static boolean isBlank(char c) {
    return c == ' ' || c == '\t';
  }

  /** A dotted quad as an unsigned 32-bit value, or -1. */
  static long parseV4(CharSequence s, int from, int to) {
    long value = 0;
    int parts = 0;
    int part = -1;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        part = (part < 0 ? 0 : part * 10) + (c - '0');
        if (part > 255) {
          return -1;
        }
      } else if (c == '.') {
        if (part < 0 || parts == 3) {
          return -1;
        }
        value = value << 8 | part;
        parts++;
        part = -1;
      } else {
        return -1;
      }
    }
    if (part < 0 || parts != 3) {
      return -1;
    }
    return value << 8 | part;
  }

  private boolean parseV6(CharSequence s, int from, int to) {
    // Groups are shifted into a 128-bit accumulator: the ones before "::" (head) and the ones after it
    // (tail); the head is then moved up over the groups "::" stands for.
    long headHi = 0;
    long headLo = 0;
    long tailHi = 0;
    long tailLo = 0;
    int head = 0;
    int tail = 0;
    boolean gap = false;
    int i = from;
    if (to - i >= 2 && s.charAt(i) == ':' && s.charAt(i + 1) == ':') {
      gap = true;
      i += 2;
    } else if (s.charAt(i) == ':') {
      return false;
    }
    while (i < to) {
      int start = i;
      int v = 0;
      while (i < to && i - start < 5) {
        int d = hex(s.charAt(i));
        if (d < 0) {
          break;
        }
        v = v << 4 | d;
        i++;
      }
      int digits = i - start;
      int groups;
      long words;
      if (i < to && s.charAt(i) == '.') {
        long q = parseV4(s, start, to);
        if (q < 0) {
          return false;
        }
        groups = 2;
        words = q;
        i = to;
      } else if (digits == 0 || digits > 4) {
        return false;
      } else {
        groups = 1;
        words = v;
      }
      int bits = 16 * groups;
      if (gap) {
        tailHi = tailHi << bits | tailLo >>> (64 - bits);
        tailLo = tailLo << bits | words;
        tail += groups;
      } else {
        headHi = headHi << bits | headLo >>> (64 - bits);
        headLo = headLo << bits | words;
        head += groups;
      }
      if (head + tail > (gap ? 7 : 8)) {
        return false;
      }
      if (i == to) {
        break;
      }
      if (s.charAt(i) != ':') {
        return false;
      }
      i++;
      if (i < to && s.charAt(i) == ':') {
        if (gap) {
          return false;
        }
        gap = true;
        i++;
      } else if (i == to) {
        return false; // a trailing single ':'
      }
    }
    if (!gap) {
      if (head != 8) {
        return false;
      }
      setV6(headHi, headLo);
      return true;
    }
    // Move the head up to the top: shift left by 16 * (8 - head) bits.
    int k = 16 * (8 - head);
    long hi;
    long lo;
    if (k >= 128) {
      hi = 0;
      lo = 0;
    } else if (k >= 64) {
      hi = headLo << (k - 64);
      lo = 0;
    } else {
      hi = headHi << k | headLo >>> (64 - k);
      lo = headLo << k;
    }
    setV6(hi | tailHi, lo | tailLo);
    return true;
  }

  private static int hex(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  // ------------------------------------------------------------------------------------------ output

  /** Whether this is an IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}). */
  public boolean isV4Mapped() {
    return family == V6 && high == 0 && (low >>> 32) == 0xFFFFL;
  }

  /**
   * Writes the address' bytes in network order ({@code sin_addr} / {@code sin6_addr}) at {@code dst[off]}
   * and returns how many: 4, 16, or 0 for {@link #NONE}.
   */
  public int write(byte[] dst, int off) {
    if (family == V4) {
      putInt(dst, off, (int) low);
      return 4;
    }
    if (family == V6) {
      putInt(dst, off, (int) (high >>> 32));
      putInt(dst, off + 4, (int) high);
      putInt(dst, off + 8, (int) (low >>> 32));
      putInt(dst, off + 12, (int) low);
      return 16;
    }
    return 0;
  }

  private static void putInt(byte[] dst, int off, int v) {
    dst[off] = (byte) (v >>> 24);
    dst[off + 1] = (byte) (v >>> 16);
    dst[off + 2] = (byte) (v >>> 8);
    dst[off + 3] = (byte) v;
  }

  /**
   * Writes the address as text, exactly as glibc's {@code inet_ntop} prints it (what HAProxy's {@code src}
   * turns into when a string is needed): dotted decimal for IPv4; for IPv6 lower-case hexadecimal groups
   * without leading zeros, the first longest run of two or more zero groups as {@code ::}, and a dotted quad
   * for the last 32 bits of {@code ::ffff:0:0/96} and of {@code ::/96} (except {@code ::} and {@code ::1}).
   * Returns the number of bytes written (at most {@link #MAX_TEXT}), 0 for {@link #NONE}. Allocation-free.
   */
  public int format(byte[] dst, int off) {
    if (family == V4) {
      return formatV4(dst, off, (int) low);
    }
    if (family != V6) {
      return 0;
    }
    int bestBase = -1;
    int bestLen = 0;
    int curBase = -1;
    int curLen = 0;
    for (int i = 0; i < 8; i++) {
      if (word(i) == 0) {
        if (curBase < 0) {
          curBase = i;
          curLen = 1;
        } else {
          curLen++;
        }
      } else if (curBase >= 0) {
        if (bestBase < 0 || curLen > bestLen) {
          bestBase = curBase;
          bestLen = curLen;
        }
        curBase = -1;
      }
    }
    if (curBase >= 0 && (bestBase < 0 || curLen > bestLen)) {
      bestBase = curBase;
      bestLen = curLen;
    }
    if (bestBase >= 0 && bestLen < 2) {
      bestBase = -1;
    }
    int p = off;
    for (int i = 0; i < 8; i++) {
      if (bestBase >= 0 && i >= bestBase && i < bestBase + bestLen) {
        if (i == bestBase) {
          dst[p++] = ':';
        }
        continue;
      }
      if (i != 0) {
        dst[p++] = ':';
      }
      if (i == 6 && bestBase == 0 && (bestLen == 6 || (bestLen == 5 && word(5) == 0xFFFF))) {
        p += formatV4(dst, p, (int) low);
        return p - off;
      }
      int w = word(i);
      boolean started = false;
      for (int shift = 12; shift >= 0; shift -= 4) {
        int d = (w >>> shift) & 0xF;
        if (d != 0 || started || shift == 0) {
          dst[p++] = (byte) (d < 10 ? '0' + d : 'a' + d - 10);
          started = true;
        }
      }
    }
    if (bestBase >= 0 && bestBase + bestLen == 8) {
      dst[p++] = ':';
    }
    return p - off;
  }

  private int word(int i) {
    long half = i < 4 ? high : low;
    return (int) (half >>> (16 * (3 - (i & 3)))) & 0xFFFF;
  }

  private static int formatV4(byte[] dst, int off, int a) {
    int p = off;
    for (int k = 3; k >= 0; k--) {
      int b = (a >>> (8 * k)) & 0xFF;
      if (b >= 100) {
        dst[p++] = (byte) ('0' + b / 100);
      }
      if (b >= 10) {
        dst[p++] = (byte) ('0' + b / 10 % 10);
      }
      dst[p++] = (byte) ('0' + b % 10);
      if (k > 0) {
        dst[p++] = '.';
      }
    }
    return p - off;
  }

  /** The address as {@link #format} prints it, or {@code "-"} for {@link #NONE}. */
  @Override
  public String toString() {
    if (family == NONE) {
      return "-";
    }
    byte[] b = new byte[MAX_TEXT];
    return new String(b, 0, format(b, 0), java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IpAddress a && a.family == family && a.high == high && a.low == low;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(high * 31 + low) * 31 + family;
  }
}
