package org.stickyroute.spring.cloud;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.CompletionContext;
import org.springframework.cloud.client.loadbalancer.LoadBalancerLifecycle;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.Response;

/**
 * Ends a stickyroute decision when Spring Cloud LoadBalancer reports the request complete (success, failure
 * or discard): its lease is released exactly once ({@link StickyRouteResponse#release()}). Decisions owned by
 * a Gateway exchange are left to its filter, which also sees cancellations, and releases after the whole
 * response body, where Spring reports completion once the response headers have arrived; the Gateway's own
 * load-balancer filter does not even see this lifecycle (so it skips building completion data nobody reads),
 * while {@code WebClient}, {@code RestClient} and {@code RestTemplate} calls do.
 */
@SuppressWarnings("rawtypes")
public final class StickyRouteLifecycle implements LoadBalancerLifecycle<Object, Object, ServiceInstance> {
  /** The lifecycle. */
  public StickyRouteLifecycle() {}

  @Override
  public void onStart(Request<Object> request) {
    // nothing: the decision is taken in choose()
  }

  @Override
  public void onStartRequest(Request<Object> request, Response<ServiceInstance> lbResponse) {
    // nothing: the lease was taken with the decision
  }

  @Override
  public void onComplete(CompletionContext<Object, ServiceInstance, Object> completionContext) {
    if (completionContext.getLoadBalancerResponse() instanceof StickyRouteResponse r && !r.ownedByExchange()) {
      r.release();
    }
  }
}
