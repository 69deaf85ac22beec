package org.stickyroute.spring.cloud.gateway;

import java.nio.charset.StandardCharsets;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import reactor.core.publisher.Mono;

/** HAProxy's "no server" page, and the page of a strict sticky failure (the same as the servlet adapter's). */
final class ErrorPages {
  private static final String UNAVAILABLE =
      "<html><body><h1>503 Service Unavailable</h1>\nNo server is available to handle this request.\n</body></html>\n";
  private static final String STICKY_TAIL =
      "</h1>\nThe server this session is bound to is unavailable (sticky-failure strict): "
          + "the request was not sent to another server.\n</body></html>\n";

  private ErrorPages() {}

  /** Answers {@code status} with the page; nothing from the request is echoed. */
  static Mono<Void> write(ServerHttpResponse response, int status, boolean stickyFailure) {
    if (response.isCommitted()) {
      return Mono.empty();
    }
    String body = stickyFailure ? "<html><body><h1>" + status + reason(status) + STICKY_TAIL
        : status == 503 ? UNAVAILABLE
        : "<html><body><h1>" + status + reason(status) + "</h1>\nNo server is available to handle this request.\n</body></html>\n";
    byte[] bytes = body.getBytes(StandardCharsets.ISO_8859_1);
    response.setStatusCode(HttpStatusCode.valueOf(status));
    HttpHeaders h = response.getHeaders();
    h.remove(HttpHeaders.SET_COOKIE);
    h.set(HttpHeaders.CACHE_CONTROL, "no-cache");
    h.setContentType(MediaType.TEXT_HTML);
    h.setContentLength(bytes.length);
    DataBuffer buffer = response.bufferFactory().wrap(bytes);
    return response.writeWith(Mono.just(buffer));
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
