package org.stickyroute.servlet;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The proxies whose {@code X-Forwarded-Proto} / {@code X-Forwarded-For} headers are believed (the seed's
 * {@code SHARELATEX_BEHIND_PROXY}): a list of IPv4/IPv6 addresses or CIDR blocks. Immutable, thread-safe.
 *
 * <p>Forwarded headers from anyone else are ignored: a client that is not behind a trusted proxy cannot make
 * itself look like an HTTPS user or another address. Parsing of the configured list happens once; request-time
 * checks parse only the literal address the container reports ({@code getRemoteAddr()}), never a host name,
 * so no DNS lookup can happen on the request path.
 */
public final class TrustedProxies {
  private final byte[][] networks;
  private final int[] prefixes;

  private TrustedProxies(byte[][] networks, int[] prefixes) {
    this.networks = networks;
    this.prefixes = prefixes;
  }

  /** Trusts nobody: forwarded headers are always ignored. */
  public static TrustedProxies none() {
    return new TrustedProxies(new byte[0][], new int[0]);
  }

  /**
   * Parses a comma- or space-separated list such as {@code 127.0.0.1, 10.0.0.0/8, ::1, fd00::/8}.
   *
   * @throws IllegalArgumentException naming the offending entry (a host name, a bad prefix length)
   */
  public static TrustedProxies parse(String list) {
    List<byte[]> nets = new ArrayList<>();
    List<Integer> lens = new ArrayList<>();
    if (list != null) {
      for (String raw : list.trim().split("[,\\s]+")) {
        if (raw.isEmpty()) {
          continue;
        }
        int slash = raw.indexOf('/');
        String addr = slash < 0 ? raw : raw.substring(0, slash);
        byte[] bytes = literal(addr);
        if (bytes == null) {
          throw new IllegalArgumentException("'" + raw + "': not an IP address or CIDR block");
        }
        int len = bytes.length * 8;
        if (slash >= 0) {
          try {
            len = Integer.parseInt(raw.substring(slash + 1));
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + raw + "': bad prefix length");
          }
          if (len < 0 || len > bytes.length * 8) {
            throw new IllegalArgumentException("'" + raw + "': bad prefix length");
          }
        }
        nets.add(bytes);
        lens.add(len);
      }
    }
    return new TrustedProxies(nets.toArray(new byte[0][]), lens.stream().mapToInt(Integer::intValue).toArray());
  }

  /** Whether nobody is trusted. */
  public boolean isEmpty() {
    return networks.length == 0;
  }

  /** Whether {@code address} (a literal IP as {@code getRemoteAddr()} returns it) is a trusted proxy. */
  public boolean trusts(String address) {
    if (networks.length == 0 || address == null) {
      return false;
    }
    byte[] a = literal(address);
    if (a == null) {
      return false;
    }
    for (int i = 0; i < networks.length; i++) {
      if (matches(networks[i], prefixes[i], a)) {
        return true;
      }
    }
    return false;
  }

  private static boolean matches(byte[] net, int prefix, byte[] a) {
    if (net.length != a.length) {
      return false;
    }
    int full = prefix / 8;
    for (int i = 0; i < full; i++) {
      if (net[i] != a[i]) {
        return false;
      }
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xFF << (8 - rest)) & 0xFF;
    return (net[full] & mask) == (a[full] & mask);
  }

  /** The bytes of a literal IPv4/IPv6 address (brackets allowed), or {@code null}; never resolves names. */
  static byte[] literal(String s) {
    String a = s.trim();
    if (a.startsWith("[") && a.endsWith("]")) {
      a = a.substring(1, a.length() - 1);
    }
    if (a.isEmpty()) {
      return null;
    }
    boolean v6 = a.indexOf(':') >= 0;
    for (int i = 0; i < a.length(); i++) {
      char c = a.charAt(i);
      boolean ok = (c >= '0' && c <= '9') || c == '.' || (v6 && (c == ':' || (c >= 'a' && c <= 'f')
          || (c >= 'A' && c <= 'F') || c == '%'));
      if (!ok) {
        return null;
      }
    }
    if (!v6 && a.chars().filter(c -> c == '.').count() != 3) {
      return null;
    }
    try {
      // Only literals reach here (checked above), so this never performs a DNS lookup.
      return InetAddress.getByName(a).getAddress();
    } catch (UnknownHostException e) {
      return null;
    }
  }
}
