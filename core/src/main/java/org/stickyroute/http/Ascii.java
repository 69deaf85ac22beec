package org.stickyroute.http;

/** ASCII helpers for header names: allocation-free, locale-independent. */
final class Ascii {
  private Ascii() {}

  /** ASCII case-insensitive equality (only {@code A-Z} fold), as HTTP header names compare. */
  static boolean equalsIgnoreCase(CharSequence a, CharSequence b) {
    int n = a.length();
    if (n != b.length()) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char x = a.charAt(i);
      char y = b.charAt(i);
      if (x != y && lower(x) != lower(y)) {
        return false;
      }
    }
    return true;
  }

  static char lower(char c) {
    return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
  }
}
