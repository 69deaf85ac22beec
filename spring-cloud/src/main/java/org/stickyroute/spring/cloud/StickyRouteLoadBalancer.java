package org.stickyroute.spring.cloud;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.DefaultRequestContext;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.RequestData;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.loadbalancer.core.NoopServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.core.ReactorServiceInstanceLoadBalancer;
import org.springframework.cloud.loadbalancer.core.RoundRobinLoadBalancer;
import org.springframework.cloud.loadbalancer.core.SelectedInstanceCallback;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.stickyroute.Backend;
import org.stickyroute.Decision;
import org.stickyroute.http.RequestView;
import reactor.core.publisher.Mono;

/**
 * A Spring Cloud LoadBalancer whose choices are stickyroute's, that is HAProxy 2.6's: the service's backend
 * section ({@code balance uri depth 2}, {@code leastconn}, {@code hash-type consistent} with {@code
 * hash-balance-factor}, {@code random}, {@code roundrobin}...) picks among the instances the service's {@link
 * ServiceInstanceListSupplier} lists, each one a server by the rule of {@link InstanceServers}; a valid
 * persistence cookie (the backend's {@code cookie} line) wins first, as in HAProxy.
 *
 * <p>Each answer is a {@link StickyRouteResponse} holding the decision and its lease, released exactly once
 * when the request ends ({@link StickyRouteLifecycle}, the Gateway's exchange filter, or a cancelled {@code
 * choose()} that never delivered it). No server: a response without a server (Spring answers 503).
 *
 * <p>What is routed: the client's own request when the Gateway hands a view of it ({@link
 * RoutingAttributes#REQUEST_VIEW}), otherwise the method, path, query and {@code Cookie} headers of the
 * request data Spring passes. Where: the backend or frontend a Gateway route names ({@link
 * RoutingAttributes#BACKEND}, {@link RoutingAttributes#FRONTEND}), else the service's ({@link
 * StickyRouteRouting#target}); a service with neither is balanced by Spring's round robin.
 */
public final class StickyRouteLoadBalancer implements ReactorServiceInstanceLoadBalancer {
  private final String serviceId;
  private final StickyRouteRouting routing;
  private final ObjectProvider<ServiceInstanceListSupplier> suppliers;
  private final RoundRobinLoadBalancer fallback;
  private volatile ServiceInstanceListSupplier supplier;

  /**
   * A load balancer for one service.
   *
   * @param suppliers the service's instance supplier (Spring's lazy provider)
   * @param serviceId the service
   * @param routing the application's routing
   */
  public StickyRouteLoadBalancer(
      ObjectProvider<ServiceInstanceListSupplier> suppliers, String serviceId, StickyRouteRouting routing) {
    this.suppliers = Objects.requireNonNull(suppliers, "suppliers");
    this.serviceId = serviceId;
    this.routing = Objects.requireNonNull(routing, "routing");
    this.fallback = new RoundRobinLoadBalancer(suppliers, serviceId);
  }

  private ServiceInstanceListSupplier supplier() {
    ServiceInstanceListSupplier s = supplier;
    if (s == null) {
      supplier = s = suppliers.getIfAvailable(NoopServiceInstanceListSupplier::new);
    }
    return s;
  }

  @SuppressWarnings("rawtypes")
  @Override
  public Mono<Response<ServiceInstance>> choose(Request request) {
    RequestData data = data(request);
    Map<String, Object> attributes = data == null ? null : data.getAttributes();
    ServiceTarget target = target(attributes);
    if (target == null) {
      return fallback.choose(request);
    }
    ServiceInstanceListSupplier s = supplier();
    if (attributes != null && attributes.containsKey(RoutingAttributes.OWNED)) {
      // the exchange releases the decision whatever ends it, a cancellation included
      return s.get(request).next().map(instances -> decide(data, attributes, target, instances, s));
    }
    return Mono.defer(() -> {
      Delivery delivery = new Delivery();
      return s.get(request)
          .next()
          .map(instances -> delivery.taken(decide(data, attributes, target, instances, s)))
          .doOnNext(r -> delivery.delivered())
          .doOnCancel(delivery::cancelled);
    });
  }

  private static RequestData data(Request<?> request) {
    Object context = request == null ? null : request.getContext();
    if (context instanceof DefaultRequestContext c && c.getClientRequest() instanceof RequestData d) {
      return d;
    }
    return null;
  }

  private ServiceTarget target(Map<String, Object> attributes) {
    if (attributes != null) {
      if (attributes.get(RoutingAttributes.BACKEND) instanceof String b) {
        return ServiceTarget.backend(b);
      }
      if (attributes.get(RoutingAttributes.FRONTEND) instanceof String f) {
        return ServiceTarget.frontend(f);
      }
    }
    return routing.target(serviceId);
  }

  /**
   * Routes one request among {@code instances}: the whole decision (persistence cookie, then the algorithm),
   * in {@code target}.
   */
  private Response<ServiceInstance> decide(RequestData data, Map<String, Object> attributes, ServiceTarget target,
      List<ServiceInstance> instances, ServiceInstanceListSupplier source) {
    boolean owned = attributes != null && attributes.containsKey(RoutingAttributes.OWNED);
    if (owned && attributes.remove(RoutingAttributes.RESPONSE) instanceof StickyRouteResponse earlier) {
      earlier.release(); // the same exchange asks again (a retry by Spring's machinery): one lease at a time
    }
    RequestView view = attributes != null && attributes.get(RoutingAttributes.REQUEST_VIEW) instanceof RequestView v
        ? v : RequestDataView.of(data);
    StickyRouteResponse response = decide(view, target, instances, owned);
    if (owned) {
      attributes.put(RoutingAttributes.RESPONSE, response);
    }
    if (response.hasServer() && source instanceof SelectedInstanceCallback callback) {
      callback.selectedServiceInstance(response.getServer());
    }
    return response;
  }

  /**
   * The decision for {@code view} among {@code instances} in {@code target}: a response with the chosen
   * instance and a held lease, or without a server (the decision's status says why).
   *
   * @param owned whether the caller's exchange releases the response when it ends
   */
  StickyRouteResponse decide(RequestView view, ServiceTarget target, List<ServiceInstance> instances, boolean owned) {
    Decision d = routing.decisions().take();
    ServiceInstance instance = routing.route(target, view, instances, d);
    Backend b = d.backend();
    return new StickyRouteResponse(d, routing.router(), b == null ? null : routing.discovered(b), instance, owned,
        routing.decisions());
  }

  /**
   * Releases a decision whose {@code choose()} was cancelled before delivering it: nobody else would.
   */
  private static final class Delivery {
    private StickyRouteResponse taken;
    private boolean delivered;
    private boolean cancelled;

    synchronized Response<ServiceInstance> taken(Response<ServiceInstance> r) {
      if (r instanceof StickyRouteResponse s) {
        if (cancelled && !s.ownedByExchange()) {
          s.release();
        }
        taken = s;
      }
      return r;
    }

    synchronized void delivered() {
      delivered = true;
    }

    synchronized void cancelled() {
      cancelled = true;
      if (taken != null && !delivered && !taken.ownedByExchange()) {
        taken.release();
      }
    }
  }

}
