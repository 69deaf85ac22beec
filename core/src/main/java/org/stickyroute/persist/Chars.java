package org.stickyroute.persist;

/**
 * Character helpers of cookie persistence, over the header text as HAProxy reads it (bytes as chars): blanks,
 * ASCII case-insensitive comparison with lower-case constants, HAProxy's cookie-value end, search and copy.
 * Stateless and allocation-free.
 */
final class Chars {
  private Chars() {}

  /** HAProxy's {@code HTTP_IS_SPHT}: a space or a horizontal tab. */
  static boolean spht(char c) {
    return c == ' ' || c == '\t';
  }

  /** ASCII case-insensitive equality of {@code s} with a lower-case constant. */
  static boolean equalsIgnoreCase(CharSequence s, String lower) {
    return equalsIgnoreCase(s, 0, s.length(), lower);
  }

  /** ASCII case-insensitive equality of {@code s[from, to)} with a lower-case constant. */
  static boolean equalsIgnoreCase(CharSequence s, int from, int to, String lower) {
    return to - from == lower.length() && startsWithIgnoreCase(s, from, to, lower);
  }

  /** Whether {@code s[from, to)} starts with a lower-case constant, ASCII case-insensitively. */
  static boolean startsWithIgnoreCase(CharSequence s, int from, int to, String lower) {
    if (to - from < lower.length()) {
      return false;
    }
    for (int i = 0; i < lower.length(); i++) {
      char c = s.charAt(from + i);
      if (c >= 'A' && c <= 'Z') {
        c += 32;
      }
      if (c != lower.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /**
   * HAProxy's {@code http_find_cookie_value_end} over {@code b[s, e)}: quotes respected, {@code ;} (and, in a
   * request, {@code ,}) end a value. Returns the index of the end.
   */
  static int valueEnd(char[] b, int s, int e, boolean commaEnds) {
    boolean quoted = false;
    boolean qdpair = false;
    for (; s < e; s++) {
      char c = b[s];
      if (qdpair) {
        qdpair = false;
      } else if (quoted) {
        if (c == '\\') {
          qdpair = true;
        } else if (c == '"') {
          quoted = false;
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ';' || (commaEnds && c == ',')) {
        return s;
      }
    }
    return s;
  }

  /** Copies {@code v[0, len)} into {@code b} (a bulk copy for the usual String). */
  static void copy(CharSequence v, int len, char[] b) {
    if (v instanceof String str) {
      str.getChars(0, len, b, 0);
    } else {
      for (int i = 0; i < len; i++) {
        b[i] = v.charAt(i);
      }
    }
  }

  /** The first index of {@code c} in {@code b[from, to)}, or -1. */
  static int indexOf(char[] b, char c, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] == c) {
        return i;
      }
    }
    return -1;
  }

  /** Whether {@code b[at, at + s.length)} equals {@code s} (the caller guarantees the range exists). */
  static boolean regionEquals(char[] b, int at, char[] s) {
    for (int i = 0; i < s.length; i++) {
      if (b[at + i] != s[i]) {
        return false;
      }
    }
    return true;
  }
}
