package org.stickyroute.spring.cloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.CompletionContext;
import org.springframework.cloud.client.loadbalancer.DefaultRequest;
import org.springframework.cloud.client.loadbalancer.RequestData;
import org.springframework.cloud.client.loadbalancer.RequestDataContext;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.util.LinkedMultiValueMap;
import org.stickyroute.BackendSnapshot;
import org.stickyroute.config.ConfigLoader;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * The lease of a decision through Spring Cloud LoadBalancer's lifecycle: taken by {@code choose()}, released by
 * {@code onComplete} (success, failure, discard) exactly once, left to the exchange when the Gateway owns it,
 * never taken when {@code choose()} is cancelled before the instances arrive.
 */
class LoadBalancerLifecycleTest {
  static final String LEASTCONN = "backend svc\n    balance leastconn\n";
  final List<ServiceInstance> instances = List.of(
      new DefaultServiceInstance("a", "svc", "10.0.0.1", 80, false), new DefaultServiceInstance("b", "svc", "10.0.0.2", 80, false));

  static DefaultRequest<RequestDataContext> request(Map<String, Object> attributes) {
    return new DefaultRequest<>(new RequestDataContext(new RequestData(HttpMethod.GET, URI.create("http://svc/x"),
        new HttpHeaders(), new LinkedMultiValueMap<>(), attributes)));
  }

  static int inFlight(StickyRouteRouting routing) {
    BackendSnapshot s = routing.router().backend("svc").snapshot();
    int n = 0;
    for (int i = 0; i < s.serverCount(); i++) {
      n += s.served(i);
    }
    return n;
  }

  StickyRouteLoadBalancer balancer(StickyRouteRouting routing, ServiceInstanceListSupplier supplier) {
    return new StickyRouteLoadBalancer(
        new StaticListableBeanFactory(Map.of("s", supplier)).getBeanProvider(ServiceInstanceListSupplier.class), "svc", routing);
  }

  static ServiceInstanceListSupplier fixed(List<ServiceInstance> list) {
    return new ServiceInstanceListSupplier() {
      @Override
      public String getServiceId() {
        return "svc";
      }

      @Override
      public Flux<List<ServiceInstance>> get() {
        return Flux.just(list);
      }
    };
  }

  @Test
  @SuppressWarnings({"unchecked", "rawtypes"})
  void onCompleteReleasesOnceAndOwnedDecisionsAreLeftToTheExchange() {
    try (StickyRouteRouting routing = StickyRouteRouting.create(ConfigLoader.parse(LEASTCONN, "t.cfg", false), Map.of(), false)) {
      StickyRouteLoadBalancer lb = balancer(routing, fixed(instances));
      StickyRouteLifecycle lifecycle = new StickyRouteLifecycle();
      for (CompletionContext.Status status : CompletionContext.Status.values()) {
        DefaultRequest<RequestDataContext> req = request(new HashMap<>());
        Response<ServiceInstance> r = lb.choose(req).block();
        assertTrue(r.hasServer());
        assertEquals(1, inFlight(routing), "the decision holds a lease");
        CompletionContext done = new CompletionContext(status, req, r);
        lifecycle.onComplete(done);
        lifecycle.onComplete(done); // twice: still one release
        assertEquals(0, inFlight(routing), status + " releases the lease");
      }
      Map<String, Object> attributes = new HashMap<>();
      attributes.put(RoutingAttributes.OWNED, Boolean.TRUE);
      DefaultRequest<RequestDataContext> owned = request(attributes);
      Response<ServiceInstance> r = lb.choose(owned).block();
      lifecycle.onComplete(new CompletionContext(CompletionContext.Status.SUCCESS, owned, r));
      assertEquals(1, inFlight(routing), "an exchange-owned decision outlives Spring's completion (headers received)");
      assertEquals(r, attributes.get(RoutingAttributes.RESPONSE), "and is where the exchange finds it");
      Response<ServiceInstance> again = lb.choose(owned).block(); // the same exchange asks again (a retry)
      assertEquals(1, inFlight(routing), "one lease per exchange: the earlier one was released");
      ((StickyRouteResponse) again).release();
      assertEquals(0, inFlight(routing));
    }
  }

  @Test
  void aChooseCancelledBeforeTheInstancesArriveTakesNothing() {
    try (StickyRouteRouting routing = StickyRouteRouting.create(ConfigLoader.parse(LEASTCONN, "t.cfg", false), Map.of(), false)) {
      Sinks.Many<List<ServiceInstance>> sink = Sinks.many().multicast().onBackpressureBuffer();
      ServiceInstanceListSupplier slow = new ServiceInstanceListSupplier() {
        @Override
        public String getServiceId() {
          return "svc";
        }

        @Override
        public Flux<List<ServiceInstance>> get() {
          return sink.asFlux();
        }
      };
      StickyRouteLoadBalancer lb = balancer(routing, slow);
      var subscription = lb.choose(request(new HashMap<>())).subscribe();
      subscription.dispose(); // cancelled: nobody will ever complete this request
      sink.tryEmitNext(instances);
      assertEquals(0, inFlight(routing));
      assertFalse(sink.currentSubscriberCount() > 0, "the cancelled choose() let go of discovery");
    }
  }
}
