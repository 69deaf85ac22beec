package org.stickyroute.spring.cloud.gateway;

import java.nio.charset.StandardCharsets;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.stickyroute.NoServerPage;
import reactor.core.publisher.Mono;

/** Sends {@link NoServerPage}: HAProxy's "no server" page, or the page of a strict sticky failure. */
final class ErrorPages {
  private ErrorPages() {}

  /** Answers {@code status} with the page; nothing from the request is echoed. */
  static Mono<Void> write(ServerHttpResponse response, int status, boolean stickyFailure) {
    if (response.isCommitted()) {
      return Mono.empty();
    }
    byte[] bytes = NoServerPage.body(status, stickyFailure).getBytes(StandardCharsets.ISO_8859_1);
    response.setStatusCode(HttpStatusCode.valueOf(status));
    HttpHeaders h = response.getHeaders();
    h.remove(HttpHeaders.SET_COOKIE);
    h.set(HttpHeaders.CACHE_CONTROL, "no-cache");
    h.setContentType(MediaType.TEXT_HTML);
    h.setContentLength(bytes.length);
    DataBuffer buffer = response.bufferFactory().wrap(bytes);
    return response.writeWith(Mono.just(buffer));
  }
}
