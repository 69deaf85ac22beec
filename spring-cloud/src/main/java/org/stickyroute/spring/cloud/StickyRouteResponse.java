package org.stickyroute.spring.cloud;

import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.Response;
import org.stickyroute.ConnectRetry;
import org.stickyroute.Decision;
import org.stickyroute.Router;

/**
 * The load balancer's answer: the chosen instance and the stickyroute {@link Decision} behind it, which holds
 * the lease on the server (what {@code leastconn}, {@code maxconn} and bounded load count) and the cookie
 * facts the Gateway filter applies. {@link #release()} ends the request exactly once, whichever of the
 * load-balancer lifecycle, the Gateway's exchange filter or a cancellation comes first.
 */
public final class StickyRouteResponse implements Response<ServiceInstance> {
  private final Decision decision;
  private final Router router;
  private final DiscoveredBackend backend;
  private final DecisionPool pool;
  private final boolean owned;
  private final AtomicBoolean released = new AtomicBoolean();
  private volatile ServiceInstance instance;

  StickyRouteResponse(Decision decision, Router router, DiscoveredBackend backend, ServiceInstance instance,
      boolean owned, DecisionPool pool) {
    this.decision = decision;
    this.pool = pool;
    this.router = router;
    this.backend = backend;
    this.instance = instance;
    this.owned = owned;
  }

  @Override
  public boolean hasServer() {
    return instance != null;
  }

  @Override
  public ServiceInstance getServer() {
    return instance;
  }

  /**
   * The decision: server, status, lease and cookie facts. Valid until {@link #release()}, after which the
   * decision is reused for another request.
   */
  public Decision decision() {
    return decision;
  }

  /** The router that took the decision. */
  public Router router() {
    return router;
  }

  /**
   * Whether the owner of the request (the Gateway's exchange filter) releases it when the exchange ends; the
   * load-balancer lifecycle then leaves it alone (Spring's lifecycle never hears of a cancelled exchange).
   */
  public boolean ownedByExchange() {
    return owned;
  }

  /**
   * After the instance refused the connection: HAProxy's retry number {@code retry} (1-based, {@link
   * ConnectRetry}) — the pause in milliseconds before sending the request again to {@link #getServer()} (which
   * a redispatch may have changed), or {@link ConnectRetry#GIVE_UP}.
   */
  public long retry(int retry) {
    long pause = ConnectRetry.next(router, decision, retry);
    if (pause == ConnectRetry.GIVE_UP) {
      return pause;
    }
    ServiceInstance next = backend.current().instance(decision.serverName());
    if (next == null) {
      return ConnectRetry.GIVE_UP; // the server left the service meanwhile
    }
    instance = next;
    return pause;
  }

  /** Whether {@link #release()} ran. */
  public boolean released() {
    return released.get();
  }

  /** Releases the decision's lease; only the first call does anything. The decision is then reused. */
  public void release() {
    if (released.compareAndSet(false, true)) {
      pool.give(decision);
    }
  }

  @Override
  public String toString() {
    ServiceInstance i = instance;
    return "StickyRouteResponse[" + (i == null ? "no server" : InstanceServers.serverName(i)) + (released() ? ", released" : "") + "]";
  }
}
