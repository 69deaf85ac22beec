package org.stickyroute.spring.cloud.gateway;

import java.net.URI;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.stickyroute.http.RequestView;

/**
 * A {@link RequestView} of the client's request as the Gateway received it: the method, the raw request-target
 * from Reactor Netty (exactly as on the request line, as HAProxy hashes it), the {@code Cookie} headers in
 * order, and whether the connection is TLS. Created once per exchange, before any route filter rewrites the
 * path; reads nothing until the router asks.
 */
final class ExchangeRequestView implements RequestView {
  private final ServerHttpRequest request;
  private final String method;
  private final String target;
  private List<String> cookies;

  ExchangeRequestView(ServerHttpRequest request) {
    this.request = request;
    this.method = request.getMethod().name();
    this.target = rawTarget(request);
  }

  /** The request-target as received: Reactor Netty's {@code uri()}, else the URI's raw path and query. */
  static String rawTarget(ServerHttpRequest request) {
    try {
      Object nativeRequest = ServerHttpRequestDecorator.getNativeRequest(request);
      if (nativeRequest instanceof reactor.netty.http.server.HttpServerRequest r) {
        String uri = r.uri();
        if (uri != null && !uri.isEmpty()) {
          return uri;
        }
      }
    } catch (IllegalArgumentException | LinkageError notReactorNetty) {
      // another server, or a request the Gateway built itself: the URI below
    }
    URI u = request.getURI();
    String path = u.getRawPath();
    String query = u.getRawQuery();
    return (path == null || path.isEmpty() ? "/" : path) + (query == null ? "" : "?" + query);
  }

  private List<String> cookies() {
    List<String> c = cookies;
    if (c == null) {
      List<String> values = request.getHeaders().get(HttpHeaders.COOKIE);
      cookies = c = values == null ? List.of() : values;
    }
    return c;
  }

  @Override
  public CharSequence method() {
    return method;
  }

  @Override
  public CharSequence target() {
    return target;
  }

  @Override
  public int cookieHeaderCount() {
    return cookies().size();
  }

  @Override
  public CharSequence cookieHeader(int i) {
    return cookies().get(i);
  }

  @Override
  public boolean secure() {
    return request.getSslInfo() != null;
  }
}
