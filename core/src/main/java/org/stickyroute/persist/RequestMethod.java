package org.stickyroute.persist;

/**
 * The request methods cookie persistence tells apart: {@code postonly} inserts only on POST, and {@code
 * nocache} reads cacheability, which depends on GET, HEAD, OPTIONS and TRACE. Methods are case-sensitive
 * tokens, as HAProxy compares them. Stateless and allocation-free.
 */
final class RequestMethod {
  static final int OTHER = 0;
  static final int GET = 1;
  static final int HEAD = 2;
  static final int POST = 3;
  static final int OPTIONS = 4;
  static final int TRACE = 5;

  private RequestMethod() {}

  /** The class of method {@code m} ({@code null}: {@link #OTHER}). */
  static int code(CharSequence m) {
    if (m == null) {
      return OTHER;
    }
    switch (m.length()) {
      case 3:
        return is(m, "GET") ? GET : OTHER;
      case 4:
        return is(m, "HEAD") ? HEAD : is(m, "POST") ? POST : OTHER;
      case 5:
        return is(m, "TRACE") ? TRACE : OTHER;
      case 7:
        return is(m, "OPTIONS") ? OPTIONS : OTHER;
      default:
        return OTHER;
    }
  }

  private static boolean is(CharSequence m, String s) {
    for (int i = 0; i < s.length(); i++) {
      if (m.charAt(i) != s.charAt(i)) {
        return false;
      }
    }
    return true;
  }
}
