package org.stickyroute.spring.cloud.gateway;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.stickyroute.http.IpAddress;
import org.stickyroute.http.RequestView;

/**
 * A {@link RequestView} of the client's request as the Gateway received it: the method, the raw request-target
 * from Reactor Netty (exactly as on the request line, as HAProxy hashes it), the {@code Cookie} headers in
 * order, every header by name ({@code balance hdr()}, {@code hash}), the client's address ({@code balance
 * source}) and whether the connection is TLS. No body: {@code balance url_param} on a {@code POST} whose query
 * lacks the parameter falls back as HAProxy does without one. Created once per exchange, before any route filter rewrites the
 * path; reads nothing until the router asks.
 */
final class ExchangeRequestView implements RequestView {
  private final ServerHttpRequest request;
  private final String method;
  private final String target;
  private List<String> cookies;
  private boolean clientKnown;
  private final IpAddress client = new IpAddress();

  ExchangeRequestView(ServerHttpRequest request) {
    this.request = request;
    this.method = request.getMethod().name();
    this.target = rawTarget(request);
  }

  /** The request-target as received: Reactor Netty's {@code uri()}, else the URI's raw path and query. */
  static String rawTarget(ServerHttpRequest request) {
    reactor.netty.http.server.HttpServerRequest r = ReactorNettyNatives.request(request);
    String uri = r == null ? null : r.uri();
    if (uri != null && !uri.isEmpty()) {
      return uri;
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

  /** Fields by name (Spring's headers are indexed by name): for {@code hdr()} and {@code hash req.hdr(...)}. */
  @Override
  public int headerCount(CharSequence name) {
    List<String> v = request.getHeaders().get(name.toString());
    return v == null ? 0 : v.size();
  }

  @Override
  public CharSequence header(CharSequence name, int occurrence) {
    List<String> v = request.getHeaders().get(name.toString());
    return v == null || occurrence < 0 || occurrence >= v.size() ? null : v.get(occurrence);
  }

  /**
   * The client: the connection's peer as Spring reports it ({@code getRemoteAddress()}, which Spring's {@code
   * server.forward-headers-strategy=framework} sets from a trusted proxy's {@code Forwarded}/{@code
   * X-Forwarded-For}); for {@code balance source} and {@code src}.
   */
  @Override
  public int clientAddressFamily() {
    if (!clientKnown) {
      clientKnown = true;
      InetSocketAddress peer = request.getRemoteAddress();
      InetAddress a = peer == null ? null : peer.getAddress();
      if (a instanceof Inet4Address) {
        client.setV4(ByteBuffer.wrap(a.getAddress()).getInt());
      } else if (a instanceof Inet6Address) {
        ByteBuffer b = ByteBuffer.wrap(a.getAddress());
        client.setV6(b.getLong(), b.getLong());
      }
    }
    return client.family();
  }

  @Override
  public long clientAddressHigh() {
    clientAddressFamily();
    return client.high();
  }

  @Override
  public long clientAddressLow() {
    clientAddressFamily();
    return client.low();
  }

  @Override
  public boolean secure() {
    return request.getSslInfo() != null;
  }
}
