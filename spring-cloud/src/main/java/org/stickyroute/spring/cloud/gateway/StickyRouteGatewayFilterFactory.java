package org.stickyroute.spring.cloud.gateway;

import java.util.List;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import org.stickyroute.spring.cloud.RoutingAttributes;
import org.stickyroute.spring.cloud.ServiceTarget;
import org.stickyroute.spring.cloud.StickyRouteRouting;

/**
 * {@code StickyRoute}: the route's requests are routed in a backend section of the configuration ({@code
 * backend}) or by a frontend's rules ({@code frontend}), instead of the service's own — so each route chooses
 * its algorithm and its persistence cookie ({@code cookie SERVERID insert indirect nocache}, signed cookies,
 * the sticky-failure policy), all of it in one decision the load balancer takes. Unknown names fail the
 * route at start-up.
 *
 * <pre>
 * filters:
 *   - StickyRoute=sharelatex_generic          # shortcut: the backend
 *   - name: StickyRoute
 *     args:
 *       frontend: incoming_http
 * </pre>
 */
public final class StickyRouteGatewayFilterFactory
    extends AbstractGatewayFilterFactory<StickyRouteGatewayFilterFactory.Config> {
  private final StickyRouteRouting routing;

  /** A factory for routes over {@code routing}'s configuration. */
  public StickyRouteGatewayFilterFactory(StickyRouteRouting routing) {
    super(Config.class);
    this.routing = routing;
  }

  @Override
  public List<String> shortcutFieldOrder() {
    return List.of("backend");
  }

  @Override
  public GatewayFilter apply(Config config) {
    ServiceTarget target = new ServiceTarget(blank(config.getBackend()), blank(config.getFrontend()));
    routing.checkRoute(String.valueOf(config.getBackend() != null ? config.getBackend() : config.getFrontend()), target);
    String key = target.backend() != null ? RoutingAttributes.BACKEND : RoutingAttributes.FRONTEND;
    String name = target.backend() != null ? target.backend() : target.frontend();
    return (exchange, chain) -> {
      exchange.getAttributes().put(key, name);
      return chain.filter(exchange);
    };
  }

  private static String blank(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }

  /** The filter's arguments: one of {@code backend} and {@code frontend}. */
  public static final class Config {
    private String backend;
    private String frontend;

    /** Empty arguments. */
    public Config() {}

    /** The backend section to route in, or {@code null}. */
    public String getBackend() {
      return backend;
    }

    /** Sets the backend section to route in. */
    public void setBackend(String backend) {
      this.backend = backend;
    }

    /** The frontend whose rules choose the backend, or {@code null}. */
    public String getFrontend() {
      return frontend;
    }

    /** Sets the frontend whose rules choose the backend. */
    public void setFrontend(String frontend) {
      this.frontend = frontend;
    }
  }
}
