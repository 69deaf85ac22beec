package org.stickyroute.servlet;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The one page the filter and the proxy answer when a request cannot be routed: HAProxy's "503 Service
 * Unavailable / No server is available to handle this request", the same text for another configured status,
 * or, for a strict sticky failure, a page saying that the session's own server is unavailable. Nothing from
 * the request is echoed.
 */
final class UnavailablePage {
  private static final String NO_SERVER_TAIL =
      "</h1>\nNo server is available to handle this request.\n</body></html>\n";
  private static final String STICKY_TAIL =
      "</h1>\nThe server this session is bound to is unavailable (sticky-failure strict): "
          + "the request was not sent to another server.\n</body></html>\n";

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

  /** The page's text. */
  static String body(int status, boolean stickyFailure) {
    return "<html><body><h1>" + status + reason(status) + (stickyFailure ? STICKY_TAIL : NO_SERVER_TAIL);
  }

  /** " Reason-Phrase" of the statuses a strict failure is likely configured with, else "". */
  static String reason(int status) {
    return switch (status) {
      case 400 -> " Bad Request";
      case 403 -> " Forbidden";
      case 404 -> " Not Found";
      case 409 -> " Conflict";
      case 410 -> " Gone";
      case 421 -> " Misdirected Request";
      case 429 -> " Too Many Requests";
      case 500 -> " Internal Server Error";
      case 502 -> " Bad Gateway";
      case 503 -> " Service Unavailable";
      case 504 -> " Gateway Timeout";
      default -> "";
    };
  }
}
