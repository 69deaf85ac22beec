package org.stickyroute.servlet;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The page a request gets when no server can take it (HAProxy's 503 "no server" page, or the configured status
 * of a strict sticky failure), from the filter and from the proxy servlet alike. Nothing from the request is
 * echoed.
 */
final class UnavailablePage {
  private UnavailablePage() {}

  private static final String UNAVAILABLE_BODY =
      "<html><body><h1>503 Service Unavailable</h1>\nNo server is available to handle this request.\n</body></html>\n";

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

  private static final String STICKY_BODY_TAIL =
      "</h1>\nThe server this session is bound to is unavailable (sticky-failure strict): "
          + "the request was not sent to another server.\n</body></html>\n";

  /**
   * Answers {@code status} with HAProxy's "no server" page, or, for a strict sticky failure, a page that
   * says the session's own server is unavailable. Nothing from the request is echoed.
   */
  static void send(HttpServletResponse resp, int status, boolean stickyFailure) throws IOException {
    if (resp.isCommitted()) {
      return;
    }
    resp.resetBuffer();
    resp.setStatus(status);
    resp.setHeader("cache-control", "no-cache");
    resp.setContentType("text/html");
    String body = stickyFailure ? "<html><body><h1>" + status + reason(status) + STICKY_BODY_TAIL
        : status == 503 ? UNAVAILABLE_BODY
        : "<html><body><h1>" + status + reason(status) + "</h1>\nNo server is available to handle this request.\n</body></html>\n";
    byte[] bytes = body.getBytes(StandardCharsets.ISO_8859_1);
    resp.setContentLength(bytes.length);
    resp.getOutputStream().write(bytes);
  }
}
