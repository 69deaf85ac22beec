package org.stickyroute.spring.cloud.gateway;

import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * Reactor Netty's own request and response under Spring's (decorated) ones, where the Gateway runs on Reactor Netty:
 * what was received as it was received (the raw request-target, Netty's header lists) without Spring's copies. Any
 * other server, a request or response the Gateway built itself, or one that refuses to name its native object
 * gives {@code null}, and the caller reads Spring's view instead: a request never fails here.
 */
final class ReactorNettyNatives {
  private ReactorNettyNatives() {}

  /** Reactor Netty's request under {@code request}, or {@code null}. */
  static HttpServerRequest request(ServerHttpRequest request) {
    try {
      return ServerHttpRequestDecorator.getNativeRequest(request) instanceof HttpServerRequest r ? r : null;
    } catch (RuntimeException | LinkageError notReactorNetty) {
      return null;
    }
  }

  /** Reactor Netty's response under {@code response}, or {@code null}. */
  static HttpServerResponse response(ServerHttpResponse response) {
    try {
      return ServerHttpResponseDecorator.getNativeResponse(response) instanceof HttpServerResponse r ? r : null;
    } catch (RuntimeException | LinkageError notReactorNetty) {
      return null;
    }
  }
}
