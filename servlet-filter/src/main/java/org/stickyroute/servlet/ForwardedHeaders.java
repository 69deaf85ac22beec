package org.stickyroute.servlet;

import jakarta.servlet.http.HttpServletRequest;

/**
 * What a trusted TLS-terminating proxy says about the original request, and hiding what anyone else says:
 * {@code X-Forwarded-Proto} (the scheme, hence {@code Secure} under {@code secure-cookie=auto}) and {@code
 * X-Forwarded-For} (the client) are believed only from {@link TrustedProxies}; from anyone else every forwarded
 * header is hidden from the application.
 */
final class ForwardedHeaders {
  private ForwardedHeaders() {}

  /** Reads X-Forwarded-Proto / X-Forwarded-For when the sender is trusted; hides them otherwise. */
  static void read(Exchange ex, HttpServletRequest req, TrustedProxies trusted) {
    String proto = req.getHeader("X-Forwarded-Proto");
    String forFor = req.getHeader("X-Forwarded-For");
    boolean any = proto != null || forFor != null || req.getHeader("X-Forwarded-Host") != null
        || req.getHeader("Forwarded") != null || req.getHeader("X-Forwarded-Port") != null;
    if (!any) {
      return;
    }
    ex.forwardedSeen = true;
    if (!trusted.trusts(req.getRemoteAddr())) {
      ex.hideForwarded = true;
      return;
    }
    if (proto != null) {
      String p = firstToken(proto);
      if ("https".equalsIgnoreCase(p)) {
        ex.forwardedScheme = "https";
        ex.secure = true;
      } else if ("http".equalsIgnoreCase(p)) {
        ex.forwardedScheme = "http";
        ex.secure = false;
      }
    }
    if (forFor != null) {
      ex.forwardedFor = clientFrom(forFor, trusted);
    }
  }

  private static String firstToken(String v) {
    int comma = v.indexOf(',');
    return (comma < 0 ? v : v.substring(0, comma)).strip();
  }

  /**
   * The client in an {@code X-Forwarded-For} chain sent by a trusted proxy: the rightmost address that is
   * not itself a trusted proxy (what each trusted hop vouches for), or the leftmost if all are trusted.
   * Only IP literals are accepted; anything else ends the walk (the container's address is kept).
   */
  static String clientFrom(String chain, TrustedProxies trusted) {
    int end = chain.length();
    String candidate = null;
    while (end > 0) {
      int comma = chain.lastIndexOf(',', end - 1);
      String hop = chain.substring(comma + 1, end).strip();
      if (TrustedProxies.literal(hop) == null) {
        return candidate;
      }
      candidate = hop;
      if (!trusted.trusts(hop)) {
        return hop;
      }
      end = comma < 0 ? 0 : comma;
    }
    return candidate;
  }
}
