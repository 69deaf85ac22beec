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

  /**
   * The cookie name a {@code Set-Cookie} value sets: the characters before the first {@code =} or {@code ;},
   * spaces and tabs trimmed, compared with {@code name} (case-sensitive, as HAProxy compares cookie names).
   */
  static boolean setsCookie(CharSequence setCookie, String name) {
    int n = setCookie.length();
    int i = 0;
    while (i < n && (setCookie.charAt(i) == ' ' || setCookie.charAt(i) == '\t')) {
      i++;
    }
    int start = i;
    while (i < n && setCookie.charAt(i) != '=' && setCookie.charAt(i) != ';') {
      i++;
    }
    if (i >= n || setCookie.charAt(i) != '=') {
      return false;
    }
    int end = i;
    while (end > start && (setCookie.charAt(end - 1) == ' ' || setCookie.charAt(end - 1) == '\t')) {
      end--;
    }
    if (end - start != name.length()) {
      return false;
    }
    for (int k = 0; k < name.length(); k++) {
      if (setCookie.charAt(start + k) != name.charAt(k)) {
        return false;
      }
    }
    return true;
  }
}
