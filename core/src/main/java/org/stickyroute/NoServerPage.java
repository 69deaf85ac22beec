package org.stickyroute;

/**
 * The text every adapter answers when a request cannot be routed ({@link Decision#status()}): HAProxy's "503
 * Service Unavailable / No server is available to handle this request", the same text under another configured
 * status, or, for a strict sticky failure ({@link Decision#stickyFailure()}), a page saying that the session's
 * own server is unavailable. Nothing from the request is echoed. Send it as {@code text/html} with {@code
 * Cache-Control: no-cache}.
 */
public final class NoServerPage {
  private static final String NO_SERVER_TAIL =
      "</h1>\nNo server is available to handle this request.\n</body></html>\n";
  private static final String STICKY_TAIL =
      "</h1>\nThe server this session is bound to is unavailable (sticky-failure strict): "
          + "the request was not sent to another server.\n</body></html>\n";

  private NoServerPage() {}

  /** The page for {@code status}; {@code stickyFailure} for a strict sticky failure. ISO-8859-1 text. */
  public static String body(int status, boolean stickyFailure) {
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
