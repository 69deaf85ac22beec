package org.stickyroute.spring.cloud;

/**
 * The request attributes through which the Spring Cloud Gateway filters and the load balancer share one
 * decision (Gateway exchange attributes reach the load balancer as {@code RequestData.getAttributes()}).
 */
public final class RoutingAttributes {
  /** A {@link org.stickyroute.http.RequestView} of the client's request, for the load balancer to route. */
  public static final String REQUEST_VIEW = "org.stickyroute.spring.cloud.requestView";
  /** The name of a backend section to route the request in, instead of the service's own (a route's choice). */
  public static final String BACKEND = "org.stickyroute.spring.cloud.backend";
  /** The name of a frontend whose rules choose the backend, instead of the service's own (a route's choice). */
  public static final String FRONTEND = "org.stickyroute.spring.cloud.frontend";
  /** The {@link StickyRouteResponse} of the request, put there by the load balancer when the request is owned. */
  public static final String RESPONSE = "org.stickyroute.spring.cloud.response";
  /**
   * Present when the owner of the request (the Gateway's exchange filter) releases the decision itself when
   * the exchange ends — on completion, error or cancellation — instead of the load-balancer lifecycle.
   */
  public static final String OWNED = "org.stickyroute.spring.cloud.owned";

  private RoutingAttributes() {}
}
