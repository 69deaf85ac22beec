package org.stickyroute.config;

/**
 * Load-time validation of everything the configuration can put into a {@code Set-Cookie} header, so that no
 * configured byte can split or extend the header (CR/LF injection) or a cookie.
 */
final class Cookies {
  private Cookies() {}

  /** A cookie name must be an RFC 6265 token: visible ASCII without separators. */
  static void checkToken(String s, String what) {
    if (s.isEmpty()) {
      throw new IllegalArgumentException("'" + s + "': " + what + " must not be empty");
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c <= 0x20 || c >= 0x7F || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
        throw new IllegalArgumentException("'" + s + "': " + what + " contains " + describe(c));
      }
    }
  }

  /**
   * A cookie value must be made of RFC 6265 cookie-octets (no control characters, whitespace, double quote,
   * comma, semicolon or backslash) and must not contain {@code |}, which HAProxy reads as the start of the
   * cookie dates (such a value could never match).
   */
  static void checkValue(String s, String what) {
    if (s.isEmpty()) {
      throw new IllegalArgumentException("'" + s + "': " + what + " must not be empty");
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c <= 0x20 || c >= 0x7F || c == '"' || c == ',' || c == ';' || c == '\\' || c == '|') {
        throw new IllegalArgumentException("'" + s + "': " + what + " contains " + describe(c));
      }
    }
  }

  /** A {@code domain} or {@code attr}: no control characters, whitespace, {@code ;} or {@code ,}. */
  static void checkAttributeValue(String s, String what) {
    if (s.isEmpty()) {
      throw new IllegalArgumentException("'" + s + "': " + what + " must not be empty");
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c <= 0x20 || c >= 0x7F || c == ';' || c == ',') {
        throw new IllegalArgumentException("'" + s + "': " + what + " contains " + describe(c));
      }
    }
  }

  private static String describe(char c) {
    if (c < 0x20 || c == 0x7F) {
      return String.format("the control character 0x%02X", (int) c);
    }
    if (c == ' ') {
      return "a space";
    }
    if (c > 0x7F) {
      return String.format("the non-ASCII character U+%04X", (int) c);
    }
    return "'" + c + "'";
  }
}
