package org.stickyroute.servlet;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.stickyroute.NoServerPage;

/**
 * Sends the one page the filter and the proxy answer when a request cannot be routed: HAProxy's "503 Service
 * Unavailable / No server is available to handle this request", the same text for another configured status,
 * or, for a strict sticky failure, a page saying that the session's own server is unavailable. Nothing from
 * the request is echoed.
 */
final class UnavailablePage {
  private UnavailablePage() {}

  /** Sends the page with {@code status}, unless the response is already committed. */
  static void send(HttpServletResponse resp, int status, boolean stickyFailure) throws IOException {
    if (resp.isCommitted()) {
      return;
    }
    resp.resetBuffer();
    resp.setStatus(status);
    resp.setHeader("cache-control", "no-cache");
    resp.setContentType("text/html");
    byte[] bytes = body(status, stickyFailure).getBytes(StandardCharsets.ISO_8859_1);
    resp.setContentLength(bytes.length);
    resp.getOutputStream().write(bytes);
  }

  /** The page's text (core's, the same in every adapter). */
  static String body(int status, boolean stickyFailure) {
    return NoServerPage.body(status, stickyFailure);
  }
}
