package org.stickyroute.key;

import org.stickyroute.hash.internal.ByteView;
import org.stickyroute.http.IpAddress;

/**
 * The sample being computed by a {@link SampleKey}: HAProxy's {@code struct sample} with its type, and the
 * scratch space its converters write into. One per thread (see {@link SampleKey}); buffers grow to the
 * largest sample seen and are then reused, so evaluation allocates nothing once warm.
 */
final class Sample {
  // HAProxy's runtime sample types (a subset of SMP_T_*).
  static final int STR = 1;
  static final int BIN = 2;
  static final int SINT = 3;
  static final int IPV4 = 4;
  static final int IPV6 = 5;

  private static final int INITIAL = 256;

  int type;
  /** STR / BIN: the bytes are {@code buf[off, off + len)}. */
  byte[] buf = new byte[INITIAL];
  int off;
  int len;
  /** A second buffer for converters whose output cannot overwrite their input. */
  byte[] alt = new byte[INITIAL];
  /** SINT. */
  long sint;
  /** IPV4 (low 32 bits of {@code low}) / IPV6. */
  long high;
  long low;
  /** Formats and parses addresses. */
  final IpAddress address = new IpAddress();
  private final Latin1 latin1 = new Latin1();

  /** Ensures {@code buf} holds at least {@code n} bytes (keeping nothing). */
  byte[] buffer(int n) {
    if (buf.length < n) {
      buf = new byte[Math.max(n, buf.length * 2)];
    }
    return buf;
  }

  /** Ensures {@code alt} holds at least {@code n} bytes (keeping nothing). */
  byte[] altBuffer(int n) {
    if (alt.length < n) {
      alt = new byte[Math.max(n, alt.length * 2)];
    }
    return alt;
  }

  /** Makes {@code alt} the current buffer: the converter wrote its output there. */
  void swap(int newLen) {
    byte[] t = buf;
    buf = alt;
    alt = t;
    off = 0;
    len = newLen;
  }

  /** Loads {@code s[from, to)} as a string sample, through the byte view of {@link ByteView}. */
  void loadText(CharSequence s, int from, int to) {
    type = STR;
    off = 0;
    len = 0;
    appendText(s, from, to);
  }

  /** Appends {@code s[from, to)} (byte view) to the current string sample, which starts at offset 0. */
  void appendText(CharSequence s, int from, int to) {
    int n = len;
    byte[] b = buf.length >= n + (to - from) ? buf : grow(n + (to - from));
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c <= 0xFF) {
        if (n == b.length) {
          b = grow(n + 1);
        }
        b[n++] = (byte) c;
        continue;
      }
      int unit = ByteView.unit(s, i, to);
      int k = ByteView.unitBytes(unit);
      if (n + k > b.length) {
        b = grow(n + k);
      }
      for (int j = 0; j < k; j++) {
        b[n++] = (byte) ByteView.unitByte(unit, j);
      }
      i += ByteView.unitChars(unit) - 1;
    }
    len = n;
  }

  private byte[] grow(int n) {
    byte[] b = new byte[Math.max(n, buf.length * 2)];
    System.arraycopy(buf, 0, b, 0, len);
    buf = b;
    return b;
  }

  void loadAddress(int family, long high, long low) {
    this.type = family == IpAddress.V4 ? IPV4 : IPV6;
    this.high = family == IpAddress.V4 ? 0 : high;
    this.low = family == IpAddress.V4 ? low & 0xFFFFFFFFL : low;
  }

  /** The current IPV4 / IPV6 sample in {@link #address}. */
  private IpAddress address() {
    if (type == IPV4) {
      address.setV4((int) low);
    } else {
      address.setV6(high, low);
    }
    return address;
  }

  // ---------------------------------------------------------------- casts (src/sample.c:sample_casts)

  /** Casts to a string ({@code c_bin2str} stops at a NUL; integers and addresses are printed). */
  boolean toStr() {
    switch (type) {
      case STR:
        return true;
      case BIN:
        for (int i = 0; i < len; i++) {
          if (buf[off + i] == 0) {
            len = i;
            break;
          }
        }
        type = STR;
        return true;
      case SINT:
        {
          byte[] b = buffer(20);
          int n = 0;
          long v = sint;
          if (v == 0) {
            b[n++] = '0';
          } else {
            boolean neg = v < 0;
            // digits backwards from the end of a 20-byte area, then moved to the front
            int p = 20;
            while (v != 0) {
              long q = v / 10;
              int d = (int) Math.abs(v - q * 10);
              b[--p] = (byte) ('0' + d);
              v = q;
            }
            if (neg) {
              b[--p] = '-';
            }
            n = 20 - p;
            System.arraycopy(b, p, b, 0, n);
          }
          off = 0;
          len = n;
          type = STR;
          return true;
        }
      case IPV4:
      case IPV6:
        {
          byte[] b = buffer(IpAddress.MAX_TEXT);
          off = 0;
          len = address().format(b, 0);
          type = STR;
          return true;
        }
      default:
        return false;
    }
  }

  /** Casts to binary: strings as they are, integers as 8 big-endian bytes, addresses as their bytes. */
  boolean toBin() {
    switch (type) {
      case STR:
      case BIN:
        type = BIN;
        return true;
      case SINT:
        {
          byte[] b = buffer(8);
          long v = sint;
          for (int i = 7; i >= 0; i--) {
            b[i] = (byte) v;
            v >>>= 8;
          }
          off = 0;
          len = 8;
          type = BIN;
          return true;
        }
      case IPV4:
      case IPV6:
        {
          off = 0;
          len = address().write(buffer(16), 0);
          type = BIN;
          return true;
        }
      default:
        return false;
    }
  }

  /**
   * Casts to an address ({@code c_str2addr}: HAProxy's lenient dotted-quad parser first, then IPv6; {@code
   * c_int2ip}: the low 32 bits).
   */
  boolean toAddr() {
    switch (type) {
      case IPV4:
      case IPV6:
        return true;
      case SINT:
        low = sint & 0xFFFFFFFFL;
        high = 0;
        type = IPV4;
        return true;
      case STR:
        {
          long v4 = buf2ip(buf, off, len);
          if (v4 >= 0) {
            low = v4;
            high = 0;
            type = IPV4;
            return true;
          }
          return strToIpv6();
        }
      default:
        return false;
    }
  }

  /** {@code c_str2ipv6}: the string as an IPv6 address ({@code inet_pton(AF_INET6)}), else false. */
  boolean strToIpv6() {
    if (len > 46 || !address.set(latin1.set(buf, off, len), 0, len) || address.family() != IpAddress.V6) {
      return false;
    }
    high = address.high();
    low = address.low();
    type = IPV6;
    return true;
  }

  /**
   * {@code buf2ip}: up to four dotted decimal parts (each at most 255) at the start of the bytes, stopping at
   * the first other character; -1 unless four parts were read.
   */
  static long buf2ip(byte[] b, int off, int len) {
    int octets = 0;
    boolean sawDigit = false;
    long value = 0;
    int part = 0;
    for (int i = 0; i < len; i++) {
      int ch = b[off + i] & 0xFF;
      int digit = ch - '0';
      if ((digit < 0 || digit > 9) && ch != '.') {
        break;
      }
      if (digit >= 0 && digit <= 9) {
        part = part * 10 + digit;
        if (part > 255) {
          return -1;
        }
        if (!sawDigit) {
          if (++octets > 4) {
            return -1;
          }
          sawDigit = true;
        }
      } else if (sawDigit) {
        if (octets == 4) {
          return -1;
        }
        value = value << 8 | part;
        part = 0;
        sawDigit = false;
      } else {
        return -1;
      }
    }
    if (octets < 4) {
      return -1;
    }
    return value << 8 | part;
  }
}
