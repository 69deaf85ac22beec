package org.stickyroute.servlet;

/**
 * The last check before a value becomes a response header: no CR, LF or other control character (HTAB
 * excepted) may reach the wire, whatever produced the value. Containers differ in what they do with such
 * values (Tomcat drops the header, Jetty may throw), so the filter checks itself and drops the header.
 */
final class HeaderValues {
  private HeaderValues() {}

  /** Whether {@code v} may be written as a header value: no control characters other than HTAB, nothing above 0xFF. */
  static boolean safe(CharSequence v) {
    if (v == null) {
      return false;
    }
    for (int i = 0, n = v.length(); i < n; i++) {
      char c = v.charAt(i);
      if ((c < 0x20 && c != '\t') || c == 0x7F || c > 0xFF) {
        return false;
      }
    }
    return true;
  }

  /** ASCII case-insensitive equality of a header name with a lower-case constant. */
  static boolean nameIs(CharSequence name, String lower) {
    int n = lower.length();
    if (name == null || name.length() != n) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = name.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        c += 32;
      }
      if (c != lower.charAt(i)) {
        return false;
      }
    }
    return true;
  }
}
