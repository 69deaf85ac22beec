package org.stickyroute.testing.haproxy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded generator of HTTP requests for the algorithm differential tests: headers missing, repeated, with
 * comma lists, quoted commas, empty values and odd letter case; query strings with repeated, empty and
 * value-less parameters and {@code ;} separators; {@code Host} values with ports, upper case, IP literals,
 * trailing dots; cookies repeated and quoted; IPv4, IPv6 and IPv4-mapped client addresses; form bodies on
 * {@code POST}. Print the seed with any failure.
 */
public final class RequestGenerator {
  /** Header names the generated backends hash (besides {@code Host} and {@code Cookie}). */
  public static final String[] HEADERS = {"X-Tenant", "X-User", "User-Agent", "X-Forwarded-For"};
  /** Query and body parameter names the generated backends hash. */
  public static final String[] PARAMS = {"user", "id", "sid"};
  /** Cookie names the generated backends hash. */
  public static final String[] COOKIES = {"user", "sid", "JSESSIONID"};

  private static final String[] TOKENS = {
    "acme", "ACME", "Acme", "globex", "t1", "t2", "t3", "t17", "42", "0", "tenant-7", "tenant_8", "a.b.c",
    "x:y", "%41%42", "caf\u00e9", "Mozilla/5.0 (X11; Linux x86_64)", "curl/8.1", "Acme Corp", "a b", "-", "",
  };
  private static final String[] HOSTS = {
    "example.com", "www.example.com", "shop.Example.COM", "EXAMPLE.com:8080", "a.b.c.example.co.uk", "localhost",
    "localhost:8080", "127.0.0.1", "10.0.0.1:443", "[::1]", "[2001:db8::1]:8443", "example.com.", ".example.com",
    "x", "a..b", "WWW.EXAMPLE.COM:80", "xn--bcher-kva.example",
  };

  private final SplittableRandom r;

  /** A generator with this seed. */
  public RequestGenerator(long seed) {
    this.r = new SplittableRandom(seed);
  }

  /** The next request. */
  public GeneratedRequest next() {
    List<String[]> headers = new ArrayList<>();
    String target = target();
    String host = null;
    if (target.startsWith("http://")) {
      int end = target.indexOf('/', 7);
      int q = target.indexOf('?', 7);
      if (end < 0 || (q >= 0 && q < end)) {
        end = q;
      }
      host = end < 0 ? target.substring(7) : target.substring(7, end);
    } else if (r.nextInt(12) != 0) {
      host = HOSTS[r.nextInt(HOSTS.length)];
      if (r.nextInt(25) == 0) {
        host = "";
      }
    }
    if (host != null) {
      headers.add(new String[] {r.nextInt(6) == 0 ? "host" : "Host", host});
      if (r.nextInt(20) == 0) {
        headers.add(new String[] {"HOST", host}); // an equal repeat: HAProxy drops it
      }
    }
    for (String name : HEADERS) {
      int copies = r.nextInt(10) < 4 ? 0 : r.nextInt(10) < 7 ? 1 : r.nextInt(2, 4);
      for (int i = 0; i < copies; i++) {
        headers.add(new String[] {caseOf(name), name.equals("X-Forwarded-For") ? addresses() : value()});
      }
    }
    int cookies = r.nextInt(10) < 3 ? 0 : r.nextInt(10) < 8 ? 1 : 2;
    for (int i = 0; i < cookies; i++) {
      headers.add(new String[] {r.nextInt(5) == 0 ? "cookie" : "Cookie", cookieHeader()});
    }
    if (r.nextInt(4) == 0) {
      headers.add(new String[] {"Accept", "*/*"});
    }
    // shuffle a little: move one field to the front
    if (headers.size() > 1 && r.nextInt(3) == 0) {
      headers.add(0, headers.remove(r.nextInt(headers.size())));
    }
    String method = "GET";
    byte[] body = null;
    int m = r.nextInt(10);
    if (m < 3) {
      method = "POST";
      body = body().getBytes(StandardCharsets.ISO_8859_1);
    } else if (m == 3) {
      method = r.nextBoolean() ? "PUT" : "post"; // not a POST for url_param
      body = body().getBytes(StandardCharsets.ISO_8859_1);
    }
    return new GeneratedRequest(method, target, headers, src(), body);
  }

  private String caseOf(String name) {
    switch (r.nextInt(4)) {
      case 0:
        return name.toLowerCase(java.util.Locale.ROOT);
      case 1:
        return name.toUpperCase(java.util.Locale.ROOT);
      default:
        return name;
    }
  }

  private String token() {
    return TOKENS[r.nextInt(TOKENS.length)];
  }

  /** A header value: one token, a comma list, quoted commas, empty elements, surrounding blanks. */
  private String value() {
    switch (r.nextInt(12)) {
      case 0:
        return token() + ", " + token();
      case 1:
        return token() + "," + token() + ",," + token();
      case 2:
        return "\"" + token() + "," + token() + "\", " + token();
      case 3:
        return ", " + token();
      case 4:
        return token() + ",";
      case 5:
        return "  " + token() + " \t";
      case 6:
        return "";
      case 7:
        return "\"q\\\"x,y\"";
      default:
        return token();
    }
  }

  private String addresses() {
    int n = r.nextInt(1, 4);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        sb.append(r.nextBoolean() ? ", " : ",");
      }
      int kind = r.nextInt(8);
      sb.append(kind == 0 ? "unknown" : kind == 1 ? ipv6() : kind == 2 ? ipv4() + ":" + r.nextInt(1, 65536) : ipv4());
    }
    return sb.toString();
  }

  private String cookieHeader() {
    int n = r.nextInt(1, 4);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        sb.append(r.nextInt(6) == 0 ? ", " : r.nextInt(4) == 0 ? ";" : "; ");
      }
      int kind = r.nextInt(14);
      String name = kind == 0 ? "$Version" : kind == 1 ? "theme" : COOKIES[r.nextInt(COOKIES.length)];
      sb.append(name);
      if (kind == 2) {
        continue; // no '=': not a cookie
      }
      sb.append(r.nextInt(8) == 0 ? " = " : "=");
      switch (r.nextInt(8)) {
        case 0:
          sb.append('"').append(token()).append(',').append(token()).append('"');
          break;
        case 1:
          break; // empty
        default:
          sb.append(Long.toHexString(r.nextLong()), 0, r.nextInt(1, 12));
      }
    }
    return sb.toString();
  }

  private String target() {
    StringBuilder sb = new StringBuilder();
    int form = r.nextInt(15);
    if (form == 0) {
      sb.append("http://").append(r.nextBoolean() ? "example.com" : "api.example.com:8080");
    }
    int segments = r.nextInt(0, 4);
    if (segments == 0) {
      sb.append('/');
    }
    String[] words = {"api", "API", "v1", "orders", "project", "x", "%7Euser", "a;b"};
    for (int i = 0; i < segments; i++) {
      sb.append('/').append(r.nextInt(3) == 0 ? Integer.toString(r.nextInt(1000)) : words[r.nextInt(words.length)]);
    }
    if (r.nextInt(10) < 7) {
      sb.append('?').append(query());
    }
    return sb.toString();
  }

  private String query() {
    int n = r.nextInt(0, 6);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        int sep = r.nextInt(10);
        sb.append(sep == 0 ? ";" : sep == 1 ? "&&" : "&");
      }
      String name = r.nextInt(6) == 0 ? "other" : PARAMS[r.nextInt(PARAMS.length)];
      if (r.nextInt(20) == 0) {
        name = name.toUpperCase(java.util.Locale.ROOT);
      }
      sb.append(name);
      int kind = r.nextInt(10);
      if (kind == 0) {
        continue; // no '='
      }
      sb.append('=');
      if (kind == 1) {
        continue; // empty value
      }
      String v = kind == 2 ? "a%20b" : kind == 3 ? "x+y" : kind == 4 ? "%zz" : Long.toHexString(r.nextLong());
      sb.append(v, 0, Math.min(v.length(), r.nextInt(1, 10)));
    }
    if (r.nextInt(200) == 0) {
      sb.append("#frag"); // HAProxy refuses it (400): not compared
    }
    return sb.toString();
  }

  private String body() {
    StringBuilder sb = new StringBuilder();
    int n = r.nextInt(0, 4);
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        sb.append('&');
      }
      String name = r.nextInt(4) == 0 ? "other" : PARAMS[r.nextInt(PARAMS.length)];
      sb.append(name).append('=');
      switch (r.nextInt(9)) {
        case 0:
          sb.append(" lead");
          break;
        case 1:
          sb.append("\"quoted\"");
          break;
        case 2:
          break;
        case 3:
          sb.append("two words");
          break;
        case 4:
          sb.append("line\r\nnext");
          break;
        case 5:
          sb.append("%41b");
          break;
        default:
          sb.append(Long.toHexString(r.nextLong()), 0, r.nextInt(1, 10));
      }
    }
    return sb.toString();
  }

  /** A client address: IPv4, IPv6 in several spellings, IPv4-mapped, loopbacks. */
  public String src() {
    switch (r.nextInt(10)) {
      case 0:
        return "::ffff:" + ipv4();
      case 1:
        return r.nextBoolean() ? "127.0.0.1" : "::1";
      case 2:
      case 3:
      case 4:
        return ipv6();
      default:
        return ipv4();
    }
  }

  private String ipv4() {
    return r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(256);
  }

  private String ipv6() {
    int[] g = new int[8];
    int zeros = r.nextInt(4);
    for (int i = 0; i < 8; i++) {
      g[i] = zeros > 0 && i >= 2 && i < 2 + zeros * 2 ? 0 : r.nextInt(3) == 0 ? r.nextInt(16) : r.nextInt(0x10000);
    }
    if (r.nextInt(4) == 0) {
      g[0] = 0x2001;
      g[1] = 0xdb8;
    }
    StringBuilder sb = new StringBuilder();
    boolean upper = r.nextInt(5) == 0;
    boolean full = r.nextInt(4) == 0;
    for (int i = 0; i < 8; i++) {
      if (i > 0) {
        sb.append(':');
      }
      String h = full ? String.format("%04x", g[i]) : Integer.toHexString(g[i]);
      sb.append(upper ? h.toUpperCase(java.util.Locale.ROOT) : h);
    }
    String s = sb.toString();
    if (!full && zeros > 0) {
      // compress the first run of zero groups
      s = s.replaceFirst("(^|:)0(:0)+(:|$)", "::");
    }
    return s;
  }
}
