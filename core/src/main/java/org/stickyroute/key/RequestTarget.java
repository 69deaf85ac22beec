package org.stickyroute.key;

/**
 * Parsing of a raw request-target the way HAProxy 2.6 does it for {@code path}, {@code path_beg} and {@code
 * balance uri path-only} ({@code src/http.c:http_get_path}). Allocation-free; never throws for a valid
 * range.
 */
public final class RequestTarget {
  private RequestTarget() {}

  /**
   * Where the path starts, or -1 when there is none: origin-form starts at its {@code /}; absolute-form
   * ({@code scheme://authority/path}) skips the scheme and the authority up to the first {@code /};
   * {@code *}, authority-form ({@code host:port}) and absolute URIs without a path have no path.
   */
  public static int pathStart(CharSequence s, int from, int to) {
    if (from >= to) {
      return -1;
    }
    int p = from;
    char c = s.charAt(p);
    if (c == '*') {
      return -1;
    }
    if (isAlpha(c)) {
      p++;
      while (p < to && isSchemeChar(s.charAt(p))) {
        p++;
      }
      if (p == to || s.charAt(p++) != ':') {
        return -1;
      }
      if (p == to || s.charAt(p++) != '/') {
        return -1;
      }
      if (p == to || s.charAt(p++) != '/') {
        return -1;
      }
    }
    while (p < to && s.charAt(p) != '/') {
      p++;
    }
    return p == to ? -1 : p;
  }

  /**
   * The end of the path that starts at {@code pathStart}: the first {@code ?}, or {@code to}. An unpaired
   * surrogate counts as {@code ?}, because that is its byte view (see {@link org.stickyroute.hash.HashFunction}),
   * as in {@code balance uri}.
   */
  public static int pathEnd(CharSequence s, int pathStart, int to) {
    int p = pathStart;
    while (p < to) {
      char c = s.charAt(p);
      if (c == '?') {
        break;
      }
      if (c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE) {
        if (Character.isHighSurrogate(c) && p + 1 < to && Character.isLowSurrogate(s.charAt(p + 1))) {
          p += 2;
          continue;
        }
        break; // unpaired: '?'
      }
      p++;
    }
    return p;
  }

  private static boolean isAlpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static boolean isSchemeChar(char c) {
    return isAlpha(c) || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
  }
}
