package org.stickyroute.persist;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import net.openhft.hashing.LongHashFunction;

/**
 * HAProxy's dynamic server cookies ({@code cookie ... dynamic} with {@code dynamic-cookie-key}, {@code
 * src/server.c:srv_set_dyncookie}): the value is the 16 lower-case hex digits of XXH64, seed 0, over the key's
 * bytes, then the server's IPv4 address (4 bytes, network order) or IPv6 address (16 bytes), then its port as
 * a 4-byte big-endian number.
 *
 * <p>Only IP literals produce a value. HAProxy resolves a host name at start-up and hashes the address it got;
 * stickyroute never resolves names (its decisions are pure functions of the configuration), so a server written
 * with a host name has <em>no</em> dynamic value: it is never matched by a cookie and, in insert mode, its
 * responses carry HAProxy's deletion cookie. The loader warns about such servers. Write IP addresses in the
 * configuration to get the same values as HAProxy.
 *
 * <p>Thread-safe; called at configuration time only.
 */
public final class DynamicCookie {
  private static final LongHashFunction XXH64 = LongHashFunction.xx(0);

  private DynamicCookie() {}

  /**
   * The dynamic cookie value of a server.
   *
   * @param key the backend's {@code dynamic-cookie-key}, taken as ISO-8859-1 bytes (the configuration is read
   *     one byte per char)
   * @param host the server address as written: an IPv4 dotted quad or an IPv6 literal (without brackets)
   * @param port the server port (0..65535)
   * @return 16 lower-case hex digits, or {@code null} when {@code host} is not an IP literal
   */
  public static String value(String key, String host, int port) {
    byte[] addr = ipLiteral(host);
    if (addr == null) {
      return null;
    }
    byte[] k = key.getBytes(StandardCharsets.ISO_8859_1);
    byte[] buf = new byte[k.length + addr.length + 4];
    System.arraycopy(k, 0, buf, 0, k.length);
    System.arraycopy(addr, 0, buf, k.length, addr.length);
    int p = k.length + addr.length;
    buf[p] = (byte) (port >>> 24);
    buf[p + 1] = (byte) (port >>> 16);
    buf[p + 2] = (byte) (port >>> 8);
    buf[p + 3] = (byte) port;
    long h = XXH64.hashBytes(buf);
    String hex = Long.toHexString(h);
    return "0000000000000000".substring(hex.length()) + hex;
  }

  /** Whether {@code host} is an IPv4 dotted quad or an IPv6 literal (so it can get a dynamic value). */
  public static boolean isIpLiteral(String host) {
    return ipLiteral(host) != null;
  }

  /**
   * The address bytes of an IP literal (4 for a dotted quad, 16 for IPv6), or {@code null} for anything else
   * (host names included). Never performs a DNS look-up.
   */
  static byte[] ipLiteral(String host) {
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
