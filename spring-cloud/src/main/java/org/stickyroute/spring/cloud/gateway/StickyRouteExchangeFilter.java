package org.stickyroute.spring.cloud.gateway;

import java.util.Map;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.NettyWriteResponseFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.stickyroute.Decision;
import org.stickyroute.spring.cloud.RoutingAttributes;
import org.stickyroute.spring.cloud.StickyRouteResponse;
import reactor.core.publisher.Mono;

/**
 * Owns the stickyroute decision of every routed exchange that reaches the load balancer — through an {@code lb://}
 * route, or a route whose filters rewrite the request URL to {@code lb://} ({@code SetRequestUri}): hands the load
 * balancer a view of the client's request, releases the decision's lease exactly once when the exchange ends — after the
 * whole response body, on an error, or when the client goes away (a cancellation Spring's load-balancer
 * lifecycle never reports) — and answers a request the decision could not place with HAProxy's 503 page, or
 * the configured status of a strict sticky failure. Runs before the Gateway's response writer, so its end is
 * the end of the response.
 */
public final class StickyRouteExchangeFilter implements GlobalFilter, Ordered {
  /** Just outside the Gateway's response writer ({@link NettyWriteResponseFilter}), so it sees the body's end. */
  public static final int ORDER = NettyWriteResponseFilter.WRITE_RESPONSE_FILTER_ORDER - 1;

  /** The filter. */
  public StickyRouteExchangeFilter() {}

  @Override
  public int getOrder() {
    return ORDER;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
    Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
    if (route == null) {
      return chain.filter(exchange);
    }
    // every route, not only lb:// ones: a route filter may still send the request to lb://, and the Gateway's
    // load-balancer filter no longer calls StickyRouteLifecycle (GatewayClientFactory), so nothing else releases
    Map<String, Object> attributes = exchange.getAttributes();
    attributes.put(RoutingAttributes.REQUEST_VIEW, new ExchangeRequestView(exchange.getRequest()));
    attributes.put(RoutingAttributes.OWNED, Boolean.TRUE);
    return chain.filter(exchange)
        .onErrorResume(e -> failedDecision(exchange) != null && !exchange.getResponse().isCommitted(), e -> {
          Decision d = failedDecision(exchange);
          return ErrorPages.write(exchange.getResponse(), d.status() == 0 ? 503 : d.status(), d.stickyFailure());
        })
        .doFinally(signal -> {
          if (attributes.get(RoutingAttributes.RESPONSE) instanceof StickyRouteResponse r) {
            r.release();
          }
        });
  }

  /** The decision of this exchange if the load balancer could not place the request, else {@code null}. */
  private static Decision failedDecision(ServerWebExchange exchange) {
    if (exchange.getAttribute(RoutingAttributes.RESPONSE) instanceof StickyRouteResponse r && !r.hasServer()) {
      return r.decision();
    }
    return null;
  }
}
