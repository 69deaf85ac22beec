package org.stickyroute.fuzz;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * How the fuzz targets read their {@code byte[]} inputs, so that committed corpus files stay readable and
 * the fuzzer can still reach every UTF-16 code unit.
 *
 * <p><b>Chars</b> ({@link #chars}): a lenient "WTF-8" decoding. ASCII bytes are themselves; a well-formed
 * UTF-8 sequence of 2..4 bytes is its code point (3-byte sequences may encode surrogates, so {@code ED A0
 * 80} is a lone high surrogate); any other byte {@code 0x80..0xFF} is the Latin-1 char of the same value.
 * So ASCII and UTF-8 files read as text, raw Latin-1 bytes (what Tomcat or Netty pass for a request line) are
 * reachable, and so are unpaired surrogates.
 *
 * <p><b>Fields</b> ({@link #fields}): a target that needs several strings splits its input on the byte
 * {@code 0xFE}, which never occurs in UTF-8; every field is decoded with {@link #chars}.
 *
 * <p>{@link #encode} is the inverse used to write seed files.
 */
public final class FuzzInput {
  /** The field separator (never part of UTF-8). */
  public static final int SEPARATOR = 0xFE;

  private FuzzInput() {}

  /** The unsigned byte at {@code i}, or {@code def} past the end. */
  public static int u8(byte[] b, int i, int def) {
    return i < b.length ? b[i] & 0xFF : def;
  }

  /** Decodes {@code b[from, to)} as described in the class comment. */
  public static String chars(byte[] b, int from, int to) {
    StringBuilder sb = new StringBuilder(Math.max(0, to - from));
    int i = from;
    while (i < to) {
      int c = b[i] & 0xFF;
      int n = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xC2 && c <= 0xDF ? 2 : 1;
      int cp = -1;
      if (n > 1 && i + n <= to) {
        cp = c & (0xFF >> (n + 1));
        for (int k = 1; k < n; k++) {
          int d = b[i + k] & 0xFF;
          if ((d & 0xC0) != 0x80) {
            cp = -1;
            break;
          }
          cp = (cp << 6) | (d & 0x3F);
        }
        int min = n == 2 ? 0x80 : n == 3 ? 0x800 : 0x10000;
        if (cp < min || cp > 0x10FFFF) {
          cp = -1;
        }
      }
      if (cp >= 0) {
        sb.appendCodePoint(cp);
        i += n;
      } else {
        sb.append((char) c);
        i++;
      }
    }
    return sb.toString();
  }

  /** The fields of {@code b[from, length)}, split on {@link #SEPARATOR}. */
  public static List<String> fields(byte[] b, int from) {
    List<String> out = new ArrayList<>();
    int start = from;
    for (int i = from; i <= b.length; i++) {
      if (i == b.length || (b[i] & 0xFF) == SEPARATOR) {
        out.add(chars(b, start, i));
        start = i + 1;
      }
    }
    return out;
  }

  /**
   * Encodes chars so that {@link #chars} gives them back: ASCII as is, other chars up to 0xFF as the single
   * Latin-1 byte when that byte does not start a UTF-8 sequence with what follows (else as UTF-8), and chars
   * above 0xFF (including lone surrogates) as 3-byte sequences (pairs as 4 bytes).
   */
  public static byte[] encode(String s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        out.write(c);
      } else if (c <= 0xFF && (c < 0xC2 || c > 0xF4) && c != SEPARATOR) {
        out.write(c); // a byte that can never start a UTF-8 sequence decodes as itself
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        out.write(0xF0 | (cp >>> 18));
        out.write(0x80 | ((cp >>> 12) & 0x3F));
        out.write(0x80 | ((cp >>> 6) & 0x3F));
        out.write(0x80 | (cp & 0x3F));
      } else if (c < 0x800) {
        out.write(0xC0 | (c >>> 6));
        out.write(0x80 | (c & 0x3F));
      } else {
        out.write(0xE0 | (c >>> 12));
        out.write(0x80 | ((c >>> 6) & 0x3F));
        out.write(0x80 | (c & 0x3F));
      }
    }
    return out.toByteArray();
  }

  /** Joins header bytes and fields: {@code head} then the encoded fields separated by {@link #SEPARATOR}. */
  public static byte[] frame(byte[] head, String... fields) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(head);
    for (int i = 0; i < fields.length; i++) {
      if (i > 0) {
        out.write(SEPARATOR);
      }
      out.writeBytes(encode(fields[i]));
    }
    return out.toByteArray();
  }
}
