package org.stickyroute.key;

import java.nio.charset.StandardCharsets;
import org.stickyroute.config.SampleExpression;
import org.stickyroute.config.SampleTerm;
import org.stickyroute.hash.internal.Avalanche;
import org.stickyroute.hash.HashFunction;
import org.stickyroute.http.IpAddress;

/**
 * One compiled converter of a {@link SampleKey}, applied to a {@link Sample} exactly as HAProxy 2.6's {@code
 * sample_process} applies it: first the cast of the sample's current type to the converter's input type,
 * then the converter ({@code src/sample.c}, {@code src/http_conv.c}). Immutable; {@link #apply} is
 * allocation-free once the sample's buffers are large enough, and returns false where HAProxy's converter
 * fails (the expression then has no value).
 */
final class Converter {
  private static final int LOWER = 1;
  private static final int UPPER = 2;
  private static final int FIELD = 3;
  private static final int WORD = 4;
  private static final int BYTES = 5;
  private static final int LTRIM = 6;
  private static final int RTRIM = 7;
  private static final int CUT_CRLF = 8;
  private static final int URL_DEC = 9;
  private static final int LENGTH = 10;
  private static final int HEX = 11;
  private static final int BASE64 = 12;
  private static final int IPMASK = 13;
  private static final int HASH = 14;

  private static final byte[] HEX_DIGITS = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] BASE64_DIGITS =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".getBytes(StandardCharsets.US_ASCII);

  private final int op;
  private final long a;
  private final long b;
  private final long c;
  private final boolean hasB;
  private final boolean hasC;
  private final byte[] chars;
  private final HashFunction function;
  private final String text;

  private Converter(int op, long a, long b, boolean hasB, long c, boolean hasC, byte[] chars, HashFunction fn,
      String text) {
    this.op = op;
    this.a = a;
    this.b = b;
    this.hasB = hasB;
    this.c = c;
    this.hasC = hasC;
    this.chars = chars;
    this.function = fn;
    this.text = text;
  }

  /** Compiles a converter term the loader has checked ({@link SampleExpression#parse}). */
  static Converter compile(SampleTerm t) {
    String k = SampleExpression.canonical(t.keyword());
    String text = t.toString();
    switch (k) {
      case "lower":
        return simple(LOWER, text);
      case "upper":
        return simple(UPPER, text);
      case "field":
      case "word":
        return new Converter(k.equals("field") ? FIELD : WORD, t.integer(0), 0, false,
            t.has(2) ? t.integer(2) : 1, t.has(2), bytes(t.string(1)), null, text);
      case "bytes":
        return new Converter(BYTES, t.integer(0), t.has(1) ? t.integer(1) : 0, t.has(1), 0, false, null, null,
            text);
      case "ltrim":
        return new Converter(LTRIM, 0, 0, false, 0, false, bytes(t.string(0)), null, text);
      case "rtrim":
        return new Converter(RTRIM, 0, 0, false, 0, false, bytes(t.string(0)), null, text);
      case "cut_crlf":
        return simple(CUT_CRLF, text);
      case "url_dec":
        return new Converter(URL_DEC, t.has(0) && t.integer(0) != 0 ? 1 : 0, 0, false, 0, false, null, null, text);
      case "length":
        return simple(LENGTH, text);
      case "hex":
        return simple(HEX, text);
      case "base64":
        return simple(BASE64, text);
      case "ipmask":
        {
          IpAddress m4 = mask(t.string(0), false);
          IpAddress m6 = t.has(1) ? mask(t.string(1), true) : null;
          return new Converter(IPMASK, m4.low(), m6 == null ? 0 : m6.high(), m6 != null,
              m6 == null ? 0 : m6.low(), m6 != null, null, null, text);
        }
      case "crc32":
      case "djb2":
      case "sdbm":
      case "wt6":
        return new Converter(HASH, t.has(0) && t.integer(0) != 0 ? 1 : 0, 0, false, 0, false, null,
            HashFunction.fromConfigName(k), text);
      default:
        throw new IllegalArgumentException("'" + t.keyword() + "': converter not supported");
    }
  }

  private static Converter simple(int op, String text) {
    return new Converter(op, 0, 0, false, 0, false, null, null, text);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  /** {@code str2mask} / {@code str2mask6}: a dotted (or colon) mask, or a prefix length. */
  static IpAddress mask(String s, boolean v6) {
    IpAddress m = new IpAddress();
    if (s.indexOf(v6 ? ':' : '.') >= 0) {
      m.set(s);
      return m;
    }
    int len = Integer.parseInt(s);
    if (v6) {
      long hi = len == 0 ? 0 : len >= 64 ? -1L : -1L << (64 - len);
      long lo = len <= 64 ? 0 : len == 128 ? -1L : -1L << (128 - len);
      m.setV6(hi, lo);
    } else {
      m.setV4(len == 0 ? 0 : -1 << (32 - len));
    }
    return m;
  }

  /** Applies the cast and the converter to {@code s}; false when HAProxy's would fail. */
  boolean apply(Sample s) {
    switch (op) {
      case LOWER:
      case UPPER:
        {
          if (!s.toStr()) {
            return false;
          }
          byte[] buf = s.buf;
          int lo = op == LOWER ? 'A' : 'a';
          for (int i = s.off, e = s.off + s.len; i < e; i++) {
            int ch = buf[i];
            if (ch >= lo && ch <= lo + 25) {
              buf[i] = (byte) (ch ^ 0x20);
            }
          }
          return true;
        }
      case FIELD:
        return s.toStr() && split(s, false);
      case WORD:
        return s.toStr() && split(s, true);
      case BYTES:
        {
          if (!s.toBin()) {
            return false;
          }
          // HAProxy compares the unsigned length with the signed arguments: a negative offset empties the
          // sample, a negative length does not cut it.
          if (a < 0 || s.len <= a) {
            s.len = 0;
            return true;
          }
          s.off += (int) a;
          s.len -= (int) a;
          if (hasB && b >= 0 && b < s.len) {
            s.len = (int) b;
          }
          return true;
        }
      case LTRIM:
        {
          if (!s.toStr()) {
            return false;
          }
          while (s.len > 0 && contains(chars, s.buf[s.off])) {
            s.off++;
            s.len--;
          }
          return true;
        }
      case RTRIM:
        {
          if (!s.toStr()) {
            return false;
          }
          while (s.len > 0 && contains(chars, s.buf[s.off + s.len - 1])) {
            s.len--;
          }
          return true;
        }
      case CUT_CRLF:
        {
          if (!s.toStr()) {
            return false;
          }
          for (int i = 0; i < s.len; i++) {
            byte ch = s.buf[s.off + i];
            if (ch == '\r' || ch == '\n') {
              s.len = i;
              break;
            }
          }
          return true;
        }
      case URL_DEC:
        return s.toStr() && urlDecode(s);
      case LENGTH:
        if (!s.toStr()) {
          return false;
        }
        s.sint = s.len;
        s.type = Sample.SINT;
        return true;
      case HEX:
        {
          if (!s.toBin()) {
            return false;
          }
          byte[] out = s.altBuffer(2 * s.len);
          for (int i = 0; i < s.len; i++) {
            int ch = s.buf[s.off + i] & 0xFF;
            out[2 * i] = HEX_DIGITS[ch >>> 4];
            out[2 * i + 1] = HEX_DIGITS[ch & 0xF];
          }
          s.swap(2 * s.len);
          s.type = Sample.STR;
          return true;
        }
      case BASE64:
        return s.toBin() && base64(s);
      case IPMASK:
        return s.toAddr() && ipmask(s);
      default:
        {
          if (!s.toBin()) {
            return false;
          }
          int h = function.hash(s.buf, s.off, s.off + s.len);
          s.sint = (a != 0 ? Avalanche.fullHash(h) : h) & 0xFFFFFFFFL;
          s.type = Sample.SINT;
          return true;
        }
    }
  }

  private static boolean contains(byte[] set, byte ch) {
    for (byte x : set) {
      if (x == ch) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code sample_conv_field} ({@code words} false) and {@code sample_conv_word} ({@code words} true): keeps
   * {@code count} fields (or words) from the {@code idx}-th one, counted from the start for a positive index
   * and from the end for a negative one ({@code dir} walks either way over the same steps). A field starts
   * at the start and after every separator, so fields may be empty and a missing one fails the expression; a
   * word starts at the first non-separator after a separator (or at the start), so runs of separators count
   * once and a missing word is the empty string.
   */
  private boolean split(Sample s, boolean words) {
    byte[] buf = s.buf;
    long count = hasC ? c : 1;
    long idx = a;
    int dir = idx < 0 ? -1 : 1;
    int lo = s.off;
    int hi = s.off + s.len;
    int p = dir > 0 ? lo : hi; // the cursor
    int mark = p; // the current field's (word's) edge nearest where the scan began
    long n = words ? 0 : dir; // the index of the current field (word)
    boolean in = !words; // inside a field (word); a field is never left, the next one starts at once
    boolean found = false;
    while (dir > 0 ? p < hi : p > lo) {
      boolean sep = contains(chars, buf[dir > 0 ? p : p - 1]);
      if (sep && in) {
        if (n == idx) {
          if (count == 1) {
            found = true;
            break;
          } else if (count > 1) {
            count--;
          }
        } else if (!words) {
          mark = p + dir;
          n += dir;
        }
        in = !words;
      } else if (!sep && !in) {
        if (n != idx) {
          n += dir;
          mark = p;
        }
        in = true;
      }
      p += dir;
    }
    if (!found && n != idx) {
      s.len = 0;
      return words;
    }
    return cut(s, dir, p, mark);
  }

  /** Keeps the bytes between the cursor {@code p} and {@code mark} (in scan direction {@code dir}). */
  private static boolean cut(Sample s, int dir, int p, int mark) {
    s.off = dir > 0 ? mark : p;
    s.len = dir > 0 ? p - mark : mark - p;
    return true;
  }

  /**
   * {@code url_decode}: {@code %XX} decoded, {@code +} a space in form mode (or after a {@code ?}); a {@code %}
   * without two hexadecimal digits fails; the input ends at a NUL byte.
   */
  private boolean urlDecode(Sample s) {
    byte[] buf = s.buf;
    int in = s.off;
    int end = s.off + s.len;
    int out = s.off;
    boolean form = a != 0;
    while (in < end && buf[in] != 0) {
      byte ch = buf[in];
      if (ch == '+') {
        buf[out++] = form ? (byte) ' ' : ch;
      } else if (ch == '%') {
        int h1 = in + 1 < end ? hex(buf[in + 1]) : -1;
        int h2 = in + 2 < end ? hex(buf[in + 2]) : -1;
        if (h1 < 0 || h2 < 0) {
          return false;
        }
        buf[out++] = (byte) (h1 << 4 | h2);
        in += 2;
      } else {
        if (ch == '?') {
          form = true;
        }
        buf[out++] = ch;
      }
      in++;
    }
    s.len = out - s.off;
    return true;
  }

  private static int hex(byte ch) {
    if (ch >= '0' && ch <= '9') {
      return ch - '0';
    }
    if (ch >= 'a' && ch <= 'f') {
      return ch - 'a' + 10;
    }
    if (ch >= 'A' && ch <= 'F') {
      return ch - 'A' + 10;
    }
    return -1;
  }

  /** {@code a2base64}: standard alphabet with {@code =} padding. */
  private static boolean base64(Sample s) {
    int n = s.len;
    int outLen = (n + 2) / 3 * 4;
    byte[] out = s.altBuffer(outLen);
    byte[] in = s.buf;
    int i = s.off;
    int o = 0;
    int rest = n;
    while (rest >= 3) {
      int x = (in[i] & 0xFF) << 16 | (in[i + 1] & 0xFF) << 8 | (in[i + 2] & 0xFF);
      out[o++] = BASE64_DIGITS[x >>> 18];
      out[o++] = BASE64_DIGITS[(x >>> 12) & 0x3F];
      out[o++] = BASE64_DIGITS[(x >>> 6) & 0x3F];
      out[o++] = BASE64_DIGITS[x & 0x3F];
      i += 3;
      rest -= 3;
    }
    if (rest > 0) {
      int x0 = in[i] & 0xFF;
      out[o++] = BASE64_DIGITS[x0 >>> 2];
      if (rest == 1) {
        out[o++] = BASE64_DIGITS[(x0 & 0x03) << 4];
        out[o++] = '=';
      } else {
        int x1 = in[i + 1] & 0xFF;
        out[o++] = BASE64_DIGITS[((x0 & 0x03) << 4) | (x1 >>> 4)];
        out[o++] = BASE64_DIGITS[(x1 & 0x0F) << 2];
      }
      out[o++] = '=';
    }
    s.swap(o);
    s.type = Sample.STR;
    return true;
  }

  /** {@code sample_conv_ipmask}: an IPv4-mapped IPv6 address is masked as IPv4. */
  private boolean ipmask(Sample s) {
    if (s.type == Sample.IPV6 && s.high == 0 && (s.low >>> 32) == 0xFFFFL) {
      s.type = Sample.IPV4;
      s.low &= 0xFFFFFFFFL;
    }
    if (s.type == Sample.IPV4) {
      s.low &= a & 0xFFFFFFFFL;
      return true;
    }
    if (!hasB) {
      return false;
    }
    s.high &= b;
    s.low &= c;
    return true;
  }

  @Override
  public String toString() {
    return text;
  }
}
