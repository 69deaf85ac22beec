package org.stickyroute.spring.cloud;

import java.net.URI;
import java.util.List;
import org.springframework.cloud.client.loadbalancer.RequestData;
import org.springframework.http.HttpHeaders;
import org.stickyroute.http.RequestView;

/**
 * A {@link RequestView} of Spring Cloud's {@link RequestData} (what a {@code WebClient}, {@code RestClient} or
 * {@code RestTemplate} hands the load balancer): the method, the raw path and query of its URL, its headers.
 * No client address (the caller is the application itself) and no body. The Gateway hands a view of the client's own request instead ({@link
 * RoutingAttributes#REQUEST_VIEW}).
 */
final class RequestDataView implements RequestView {
  private static final RequestView EMPTY = RequestView.of("GET", "/");

  private final String method;
  private final String target;
  private final List<String> cookies;
  private final HttpHeaders headers;

  private RequestDataView(String method, String target, List<String> cookies, HttpHeaders headers) {
    this.method = method;
    this.target = target;
    this.cookies = cookies;
    this.headers = headers;
  }

  /** A view of {@code data}, or of {@code GET /} when there is none (a {@code choose()} without a request). */
  static RequestView of(RequestData data) {
    if (data == null) {
      return EMPTY;
    }
    URI url = data.getUrl();
    String path = url == null ? null : url.getRawPath();
    String query = url == null ? null : url.getRawQuery();
    String target = (path == null || path.isEmpty() ? "/" : path) + (query == null ? "" : "?" + query);
    HttpHeaders h = data.getHeaders();
    List<String> cookies = h == null ? null : h.get(HttpHeaders.COOKIE);
    return new RequestDataView(data.getHttpMethod() == null ? "GET" : data.getHttpMethod().name(), target,
        cookies == null ? List.of() : cookies, h);
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
    return cookies.size();
  }

  @Override
  public CharSequence cookieHeader(int i) {
    return cookies.get(i);
  }

  @Override
  public int headerCount(CharSequence name) {
    List<String> v = headers == null ? null : headers.get(name.toString());
    return v == null ? 0 : v.size();
  }

  @Override
  public CharSequence header(CharSequence name, int occurrence) {
    List<String> v = headers == null ? null : headers.get(name.toString());
    return v == null || occurrence < 0 || occurrence >= v.size() ? null : v.get(occurrence);
  }
}
