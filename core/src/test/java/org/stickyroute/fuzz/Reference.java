package org.stickyroute.fuzz;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * Deliberately naive reference implementations, written from the spec ({@code haproxy-semantics.md} §2, §3,
 * §9) and the byte-view rule of docs/haproxy-parity.md rather than from the production code: they materialise byte arrays,
 * allocate and take no shortcuts, so the fuzz targets can compare the allocation-free, fused, char-based
 * production paths against them.
 */
public final class Reference {
  private Reference() {}

  /**
   * The bytes HAProxy would see for {@code s[from, to)}: a char up to 0xFF is that byte; a surrogate pair
   * (both halves inside the range) is its 4 UTF-8 bytes; an unpaired surrogate is {@code ?}; any other char
   * is its 2 or 3 UTF-8 bytes.
   */
  public static byte[] byteView(CharSequence s, int from, int to) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c <= 0xFF) {
        out.write(c);
      } else if (Character.isHighSurrogate(c) && i + 1 < to && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        out.write(0xF0 | (cp >>> 18));
        out.write(0x80 | ((cp >>> 12) & 0x3F));
        out.write(0x80 | ((cp >>> 6) & 0x3F));
        out.write(0x80 | (cp & 0x3F));
      } else if (Character.isSurrogate(c)) {
        out.write('?');
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

  private static boolean alpha(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  /**
   * §3.1 / §9: where the path starts in a request-target, or -1: origin-form at its {@code /}; absolute-form
   * {@code scheme://authority/...} after the authority; {@code *}, authority-form and absolute URIs without a
   * path have none.
   */
  public static int pathStart(byte[] b) {
    if (b.length == 0 || b[0] == '*') {
      return -1;
    }
    int p = 0;
    if (alpha(b[0] & 0xFF)) {
      p = 1;
      while (p < b.length && (alpha(b[p] & 0xFF) || (b[p] >= '0' && b[p] <= '9') || b[p] == '+' || b[p] == '-'
          || b[p] == '.')) {
        p++;
      }
      if (p + 3 > b.length || b[p] != ':' || b[p + 1] != '/' || b[p + 2] != '/') {
        return -1;
      }
      p += 3;
    }
    while (p < b.length && b[p] != '/') {
      p++;
    }
    return p == b.length ? -1 : p;
  }

  /** §3.2: the key bytes of {@code balance uri [len] [depth] [whole] [path-only]} over the target's bytes. */
  public static byte[] uriKey(byte[] target, int len, int depth, boolean whole, boolean pathOnly) {
    byte[] b = target;
    if (pathOnly) {
      int p = pathStart(b);
      b = p < 0 ? new byte[0] : Arrays.copyOfRange(b, p, b.length);
    }
    int n = b.length;
    if (len > 0) {
      n = Math.min(n, len);
    }
    int end = 0;
    int slashes = 0;
    while (end < n) {
      byte c = b[end];
      if (c == '/') {
        slashes++;
        if (depth > 0 && slashes == depth + 1) {
          break;
        }
      } else if (c == '?' && !whole) {
        break;
      }
      end++;
    }
    return Arrays.copyOf(b, end);
  }

  /** §2.2: sdbm (0), djb2 (1), wt6 (2), crc32 (3) over unsigned bytes. */
  public static int hash(int fn, byte[] b) {
    switch (fn) {
      case 0: {
        int h = 0;
        for (byte x : b) {
          h = (x & 0xFF) + (h << 6) + (h << 16) - h;
        }
        return h;
      }
      case 1: {
        int h = 5381;
        for (byte x : b) {
          h = (h << 5) + h + (x & 0xFF);
        }
        return h;
      }
      case 2: {
        int h0 = 0xa53c965a;
        int h1 = 0x5ca6953a;
        int s0 = 6;
        int s1 = 18;
        for (byte x : b) {
          int t = x & 0xFF;
          h0 = ~(h0 ^ t);
          h1 = ~(h1 + t);
          int tmp = (h1 << s0) | (h1 >>> (32 - s0));
          h1 = (h0 << s1) | (h0 >>> (32 - s1));
          h0 = tmp;
          int y = ((h0 >>> 16) ^ h1) & 0xffff;
          s0 = y & 0x1f;
          s1 = y >>> 11;
        }
        return h0 ^ h1;
      }
      default: {
        CRC32 crc = new CRC32();
        crc.update(b);
        return (int) crc.getValue();
      }
    }
  }

  /** §2.3: Bob Jenkins' 6-shift integer hash followed by a multiply. */
  public static int fullHash(int a) {
    a = (a + 0x7ed55d16) + (a << 12);
    a = (a ^ 0xc761c23c) ^ (a >>> 19);
    a = (a + 0x165667b1) + (a << 5);
    a = (a + 0xd3a2646c) ^ (a << 9);
    a = (a + 0xfd7046c5) + (a << 3);
    a = (a ^ 0xb55a4f09) ^ (a >>> 16);
    return a * (int) 3221225473L;
  }

  /**
   * §9: whether {@code acl path_beg [-i] pattern} matches: the path is the target's bytes from {@link
   * #pathStart} up to the first {@code ?}; the pattern (chars taken as byte values) must be a byte prefix of
   * it, {@code -i} folding ASCII letters only. No path: false.
   */
  public static boolean pathBeg(byte[] target, String pattern, boolean ignoreCase) {
    int p = pathStart(target);
    if (p < 0) {
      return false;
    }
    int end = p;
    while (end < target.length && target[end] != '?') {
      end++;
    }
    if (pattern.length() > end - p) {
      return false;
    }
    for (int k = 0; k < pattern.length(); k++) {
      int a = target[p + k] & 0xFF;
      int c = pattern.charAt(k);
      if (ignoreCase) {
        a = a >= 'A' && a <= 'Z' ? a + 32 : a;
        c = c >= 'A' && c <= 'Z' ? c + 32 : c;
      }
      if (a != c) {
        return false;
      }
    }
    return true;
  }
}
