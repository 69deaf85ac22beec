package org.stickyroute.config;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * IP literals as HAProxy's address parser takes them, without ever resolving a name: an IPv4 dotted quad or
 * an IPv6 literal (without brackets or zone id).
 */
final class IpLiteral {
  private IpLiteral() {}

  /**
   * The address bytes of an IP literal (4 for a dotted quad, 16 for IPv6; an IPv4-mapped IPv6 literal stays 16
   * bytes, as HAProxy keeps it), or {@code null} for anything else (host names included). Never performs a
   * DNS look-up.
   */
  static byte[] parse(String host) {
    if (host.indexOf(':') >= 0) {
      for (int i = 0; i < host.length(); i++) {
        char c = host.charAt(i);
        boolean ok = c == ':' || c == '.' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        if (!ok) {
          return null; // zone ids and the like: not a plain literal
        }
      }
      try {
        // A string containing ':' is parsed as an IPv6 literal, never looked up.
        byte[] a = InetAddress.getByName(host).getAddress();
        if (a.length == 4) {
          // an IPv4-mapped literal (::ffff:a.b.c.d) is returned as IPv4 by Java; HAProxy keeps it IPv6
          byte[] v6 = new byte[16];
          v6[10] = (byte) 0xFF;
          v6[11] = (byte) 0xFF;
          System.arraycopy(a, 0, v6, 12, 4);
          return v6;
        }
        return a;
      } catch (UnknownHostException e) {
        return null;
      }
    }
    byte[] out = new byte[4];
    int part = 0;
    int value = -1;
    int digits = 0;
    for (int i = 0; i <= host.length(); i++) {
      char c = i < host.length() ? host.charAt(i) : '.';
      if (c == '.') {
        if (value < 0 || part > 3) {
          return null;
        }
        out[part++] = (byte) value;
        value = -1;
        digits = 0;
      } else if (c >= '0' && c <= '9') {
        value = (value < 0 ? 0 : value * 10) + (c - '0');
        if (++digits > 3 || value > 255) {
          return null;
        }
      } else {
        return null;
      }
    }
    return part == 4 ? out : null;
  }
}
