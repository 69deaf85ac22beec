package org.stickyroute.cli;

import org.stickyroute.http.BasicRequest;
import org.stickyroute.http.IpAddress;

/**
 * One stdin line of {@code route}: a request-target exactly as in a request line, optionally followed by
 * TAB-separated fields — {@code src=ADDR} (the client address, IPv4 or IPv6, default {@code 127.0.0.1}) and
 * {@code Name: value} (a request header; repeat a name for several occurrences, kept in order; the blanks
 * around the value are dropped, as an HTTP parser drops them) and {@code >Name: value} (a header of the chosen
 * server's response, for {@code stick store-response}). Empty fields are ignored.
 */
final class InputLine {
  /** The client address of a line without {@code src=}. */
  static final String DEFAULT_SRC = "127.0.0.1";

  private InputLine() {}

  /** A line that is not request-target + fields. */
  static final class Invalid extends Exception {
    private static final long serialVersionUID = 1L;

    Invalid(String message) {
      super(message);
    }
  }

  /**
   * The request of {@code line}: a GET with the line's target, fields and client address, after the {@code
   * Cookie} header {@code cookie} when not {@code null}.
   */
  static BasicRequest parse(String line, String cookie) throws Invalid {
    return parse(line, cookie, new java.util.ArrayList<>());
  }

  /**
   * {@link #parse(String, String)}, adding the line's response headers ({@code >Name: value} fields) to {@code
   * response} as name, value, name, value...
   */
  static BasicRequest parse(String line, String cookie, java.util.List<CharSequence> response) throws Invalid {
    int tab = line.indexOf('\t');
    String target = tab < 0 ? line : line.substring(0, tab);
    BasicRequest.Builder b = BasicRequest.builder("GET", target);
    if (cookie != null) {
      b.header("Cookie", cookie);
    }
    IpAddress src = IpAddress.parse(DEFAULT_SRC);
    while (tab >= 0) {
      int next = line.indexOf('\t', tab + 1);
      String field = next < 0 ? line.substring(tab + 1) : line.substring(tab + 1, next);
      tab = next;
      if (field.isEmpty()) {
        continue;
      }
      if (field.startsWith("src=")) {
        if (!src.set(field.substring(4).strip())) {
          throw new Invalid("'" + field + "': src= needs an IPv4 or IPv6 address");
        }
        continue;
      }
      boolean toResponse = field.charAt(0) == '>';
      int from = toResponse ? 1 : 0;
      int colon = field.indexOf(':', from);
      if (colon <= from) {
        throw new Invalid("'" + field + "': a field is src=ADDR, 'Name: value' or '>Name: value'");
      }
      String name = field.substring(from, colon);
      for (int i = 0; i < name.length(); i++) {
        char c = name.charAt(i);
        if (c <= ' ' || c >= 0x7F) {
          throw new Invalid("'" + field + "': a header name is a token (no blanks or control characters)");
        }
      }
      if (toResponse) {
        response.add(name);
        response.add(strip(field.substring(colon + 1)));
      } else {
        b.header(name, strip(field.substring(colon + 1)));
      }
    }
    return b.client(src).build();
  }

  private static String strip(String v) {
    int s = 0;
    int e = v.length();
    while (s < e && v.charAt(s) == ' ') {
      s++;
    }
    while (e > s && v.charAt(e - 1) == ' ') {
      e--;
    }
    return v.substring(s, e);
  }
}
