package org.stickyroute.spring.cloud.gateway;

import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.LoadBalancerUriTools;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.ReactiveLoadBalancerClientFilter;
import org.springframework.cloud.gateway.support.DelegatingServiceInstance;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.stickyroute.ConnectRetry;
import org.stickyroute.Decision;
import org.stickyroute.spring.cloud.RoutingAttributes;
import org.stickyroute.spring.cloud.StickyRouteResponse;
import reactor.core.publisher.Mono;

/**
 * Applies a stickyroute decision to the forwarded exchange, right after the load balancer took it: the request's
 * {@code Cookie} headers as the decision forwards them (the persistence cookie stripped under {@code insert
 * indirect}, the prefix removed under {@code prefix}); the response's cookie as HAProxy writes it ({@code
 * Set-Cookie} inserted for a new or redispatched client, the server's own persistence cookie kept, rewritten or
 * deleted, {@code Cache-Control: private} under {@code nocache}); and HAProxy's answer to a refused connection
 * ({@link ConnectRetry}): retries on the same instance after the turn-around pause, redispatch to another
 * instance under {@code option redispatch}, then HAProxy's 503 page — or, under the {@code strict} sticky-failure
 * policy, the strict status without moving the user.
 */
public final class StickyRouteForwardFilter implements GlobalFilter, Ordered {
  /** Just after the load balancer ({@link ReactiveLoadBalancerClientFilter}), before the request is sent. */
  public static final int ORDER = ReactiveLoadBalancerClientFilter.LOAD_BALANCER_CLIENT_FILTER_ORDER + 1;

  private static final String GAVE_UP = "org.stickyroute.spring.cloud.gaveUp";

  /** The filter. */
  public StickyRouteForwardFilter() {}

  @Override
  public int getOrder() {
    return ORDER;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
    if (!(exchange.getAttribute(RoutingAttributes.RESPONSE) instanceof StickyRouteResponse r) || !r.hasServer()) {
      return chain.filter(exchange);
    }
    Decision d = r.decision();
    ServerWebExchange forwarded = exchange;
    if (d.cookiesChanged()) {
      // a read-only view of the received headers with the Cookie values replaced: mutate() would copy them all
      forwarded = exchange.mutate()
          .request(new CookieForwardedRequest(exchange.getRequest(), forwardedCookies(d)))
          .build();
    }
    if (d.watchesResponse()) {
      ServerHttpResponse response = exchange.getResponse();
      response.beforeCommit(() -> Mono.fromRunnable(() -> respond(exchange, r)));
    }
    return attempt(forwarded, chain, r, 1);
  }

  /** The {@code Cookie} header values as the decision forwards them, in order; empty to forward none. */
  private static List<String> forwardedCookies(Decision d) {
    int n = d.cookieHeaderCount();
    List<String> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      CharSequence v = d.forwardedCookie(i);
      if (v != null) {
        out.add(v.toString());
      }
    }
    return out;
  }

  /** One attempt; a refused connection is retried or redispatched as HAProxy does. */
  private Mono<Void> attempt(ServerWebExchange exchange, GatewayFilterChain chain, StickyRouteResponse r, int retry) {
    return chain.filter(exchange).onErrorResume(
        e -> connectFailure(e) && !exchange.getResponse().isCommitted(),
        e -> {
          long pause = r.retry(retry);
          if (pause == ConnectRetry.GIVE_UP) {
            return giveUp(exchange, r);
          }
          exchange.getAttributes().put(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR, uri(exchange, r.getServer()));
          exchange.getAttributes().remove(ServerWebExchangeUtils.GATEWAY_ALREADY_ROUTED_ATTR);
          Mono<Void> again = Mono.defer(() -> attempt(exchange, chain, r, retry + 1));
          return pause == 0 ? again : Mono.delay(Duration.ofMillis(pause)).then(again);
        });
  }

  private static URI uri(ServerWebExchange exchange, ServiceInstance instance) {
    String schemePrefix = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_SCHEME_PREFIX_ATTR);
    URI original = exchange.getRequest().getURI();
    String scheme = instance.isSecure() ? "https" : "http";
    if (schemePrefix != null) {
      URI routeUri = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR);
      scheme = routeUri == null ? scheme : routeUri.getScheme();
    }
    return LoadBalancerUriTools.reconstructURI(new DelegatingServiceInstance(instance, scheme), original);
  }

  /** Every attempt failed: HAProxy's 503, or the strict status when the user's cookie bound the request. */
  private static Mono<Void> giveUp(ServerWebExchange exchange, StickyRouteResponse r) {
    exchange.getAttributes().put(GAVE_UP, Boolean.TRUE);
    Decision d = r.decision();
    boolean sticky = r.router().failSticky(d);
    return ErrorPages.write(exchange.getResponse(), sticky ? d.status() : 503, sticky);
  }

  /** Whether the instance could not be connected to (refused, unreachable, connect timeout): nothing was sent. */
  static boolean connectFailure(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ConnectException) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  /** The response half of cookie persistence, just before the response's head is sent. */
  private static void respond(ServerWebExchange exchange, StickyRouteResponse r) {
    Decision d = r.decision();
    if (exchange.getAttribute(GAVE_UP) != null || !d.ok() || r.released()) {
      return;
    }
    ServerHttpResponse response = exchange.getResponse();
    HttpHeaders headers = response.getHeaders();
    HttpStatusCode status = response.getStatusCode();
    HeadersResponseView view = HeadersResponseView.of(status == null ? 200 : status.value(), response);
    r.router().respond(d, view);
    if (d.responseHeadersChanged()) {
      List<String> cookies = new ArrayList<>();
      for (int i = 0; i < view.headerCount(); i++) {
        if (isSetCookie(view.headerName(i))) {
          CharSequence v = d.responseHeader(i, view.headerValue(i));
          if (v != null) {
            cookies.add(v.toString());
          }
        }
      }
      headers.remove(HttpHeaders.SET_COOKIE);
      if (!cookies.isEmpty()) {
        headers.put(HttpHeaders.SET_COOKIE, cookies);
      }
    }
    String setCookie = d.setCookie();
    if (setCookie != null) {
      headers.add(HttpHeaders.SET_COOKIE, setCookie);
    }
    if (d.cacheControlPrivate()) {
      headers.add(HttpHeaders.CACHE_CONTROL, "private");
    }
  }

  /** Whether a field name is {@code Set-Cookie}, in any case, without making a {@code String} of it. */
  static boolean isSetCookie(CharSequence name) {
    return io.netty.util.AsciiString.contentEqualsIgnoreCase(HttpHeaders.SET_COOKIE, name);
  }
}
