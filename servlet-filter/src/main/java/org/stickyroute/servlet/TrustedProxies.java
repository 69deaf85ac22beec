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
  // IPv4 blocks again as (network, mask) ints: the request path checks them without allocating
  private final int[] v4Networks;
  private final int[] v4Masks;

  private TrustedProxies(byte[][] networks, int[] prefixes) {
    this.networks = networks;
    this.prefixes = prefixes;
    int n = 0;
    for (byte[] net : networks) {
      if (net.length == 4) {
        n++;
      }
    }
    v4Networks = new int[n];
    v4Masks = new int[n];
    int k = 0;
    for (int i = 0; i < networks.length; i++) {
      if (networks[i].length == 4) {
        int mask = prefixes[i] == 0 ? 0 : -1 << (32 - prefixes[i]);
        v4Masks[k] = mask;
        v4Networks[k] = toInt(networks[i]) & mask;
        k++;
      }
    }
  }

  private static int toInt(byte[] a) {
    return (a[0] & 0xFF) << 24 | (a[1] & 0xFF) << 16 | (a[2] & 0xFF) << 8 | (a[3] & 0xFF);
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

  /**
   * Whether {@code address} (a literal IP as {@code getRemoteAddr()} returns it) is a trusted proxy. An IPv4
   * address is checked without allocating; IPv6 addresses are parsed by {@link InetAddress} (literals only,
   * never a DNS lookup).
   */
  public boolean trusts(String address) {
    if (networks.length == 0 || address == null) {
      return false;
    }
    long v4 = ipv4(address);
    if (v4 >= 0) {
      int a = (int) v4;
      for (int i = 0; i < v4Networks.length; i++) {
        if ((a & v4Masks[i]) == v4Networks[i]) {
          return true;
        }
      }
      return false;
    }
    if (address.indexOf(':') < 0) {
      return false; // neither a dotted quad nor IPv6: a host name or garbage, never looked up
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

  /**
   * A dotted-quad IPv4 literal ({@code 0-255} four times, surrounding spaces allowed) as an unsigned 32-bit
   * value, or -1 when {@code s} is not one. Allocation-free.
   */
  static long ipv4(CharSequence s) {
    int from = 0;
    int to = s.length();
    while (from < to && s.charAt(from) == ' ') {
      from++;
    }
    while (to > from && s.charAt(to - 1) == ' ') {
      to--;
    }
    long value = 0;
    int parts = 0;
    int part = -1;
    int digits = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        if (digits == 3) {
          return -1;
        }
        part = (part < 0 ? 0 : part * 10) + (c - '0');
        digits++;
      } else if (c == '.') {
        if (part < 0 || part > 255 || parts == 3) {
          return -1;
        }
        value = value << 8 | part;
        parts++;
        part = -1;
        digits = 0;
      } else {
        return -1;
      }
    }
    if (part < 0 || part > 255 || parts != 3) {
      return -1;
    }
    return value << 8 | part;
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
