package org.stickyroute.spring.cloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.CompletionContext;
import org.springframework.cloud.client.loadbalancer.LoadBalancerLifecycle;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.client.loadbalancer.reactive.ReactorLoadBalancerExchangeFilterFunction;
import org.springframework.cloud.gateway.filter.ReactiveLoadBalancerClientFilter;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The Gateway's load-balancer filter runs over a view of the load-balancer factory without {@link
 * StickyRouteLifecycle} (its exchanges' leases are the exchange filter's), while a load-balanced {@code WebClient}
 * in the same application still gets the lifecycle and so its lease back: a real Gateway and real instances,
 * {@code leastconn}, and a lifecycle of the test's own that counts the completions Spring reports.
 */
class GatewayLifecycleTest {
  @TempDir
  Path dir;

  final List<TestInstance> instances = new ArrayList<>();
  TestGateway gateway;

  /** Counts the completions Spring reports to the service's lifecycles. */
  static final class Witness implements LoadBalancerLifecycle<Object, Object, ServiceInstance> {
    final AtomicInteger completed = new AtomicInteger();

    @Override
    public void onStart(Request<Object> request) {}

    @Override
    public void onStartRequest(Request<Object> request, Response<ServiceInstance> lbResponse) {}

    @Override
    public void onComplete(CompletionContext<Object, ServiceInstance, Object> completionContext) {
      completed.incrementAndGet();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class WitnessConfig {
    @Bean
    Witness witness() {
      return new Witness();
    }
  }

  TestGateway start(Map<String, Object> extra) throws Exception {
    Path cfg = Files.writeString(dir.resolve("haproxy.cfg"),
        String.join("\n", "defaults", "    mode http", "    timeout connect 5s", "backend svc", "    balance leastconn", ""));
    for (String n : List.of("a", "b")) {
      instances.add(new TestInstance(n));
    }
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("stickyroute.cloud.config", "file:" + cfg);
    // a route that is not lb:// but whose filter sends the request to lb://svc: still the exchange's lease
    p.put("spring.cloud.gateway.server.webflux.routes[1].id", "rewritten");
    p.put("spring.cloud.gateway.server.webflux.routes[1].uri", "http://127.0.0.1:9");
    p.put("spring.cloud.gateway.server.webflux.routes[1].order", "-1");
    p.put("spring.cloud.gateway.server.webflux.routes[1].predicates[0]", "Path=/rewritten/**");
    p.put("spring.cloud.gateway.server.webflux.routes[1].filters[0]", "SetRequestUri=lb://svc");
    p.putAll(extra);
    return gateway = TestGateway.start("svc", instances, p, WitnessConfig.class);
  }

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
    instances.forEach(TestInstance::close);
  }

  static List<Object> lifecycles(LoadBalancerClientFactory factory) {
    return new ArrayList<>(factory.getInstances("svc", LoadBalancerLifecycle.class).values());
  }

  static boolean hasStickyRouteLifecycle(List<Object> lifecycles) {
    return lifecycles.stream().anyMatch(StickyRouteLifecycle.class::isInstance);
  }

  @Test
  void gatewayExchangesSkipTheLifecycleAndWebClientCallsStillReleaseThroughIt() throws Exception {
    start(Map.of());
    Witness witness = gateway.context.getBean(Witness.class);
    Map<String, ReactiveLoadBalancerClientFilter> filters = gateway.context.getBeansOfType(ReactiveLoadBalancerClientFilter.class);
    assertEquals(List.of("stickyRouteLoadBalancerClientFilter"), List.copyOf(filters.keySet()), "ours replaced the Gateway's");
    Field f = ReactiveLoadBalancerClientFilter.class.getDeclaredField("clientFactory");
    f.setAccessible(true);
    LoadBalancerClientFactory seen = (LoadBalancerClientFactory) f.get(filters.values().iterator().next());
    LoadBalancerClientFactory real = gateway.context.getBean(LoadBalancerClientFactory.class);
    assertNotSame(real, seen);
    assertTrue(hasStickyRouteLifecycle(lifecycles(real)), "the application's factory lists StickyRouteLifecycle");
    assertFalse(hasStickyRouteLifecycle(lifecycles(seen)), "the Gateway's view leaves it out");
    assertTrue(lifecycles(seen).contains(witness), "and keeps every other lifecycle");
    assertSame(real.getInstance("svc"), seen.getInstance("svc"), "the same balancer: the view has no context of its own");
    assertSame(real.getProperties("svc"), seen.getProperties("svc"));

    int exchanges = 20;
    for (int i = 0; i < exchanges; i++) {
      assertEquals(200, gateway.get(i % 4 == 3 ? "/rewritten/x" : "/ok/" + i).statusCode());
    }
    assertEquals(200, gateway.get("/slow?ms=300").statusCode());
    exchanges++;
    assertEquals(0, gateway.awaitIdle(30), "every Gateway exchange, the rewritten ones too, released its lease");
    assertEquals(exchanges, await(witness.completed, exchanges), "the Gateway reported each exchange to the others");

    // a load-balanced WebClient: no exchange owns its decision, only StickyRouteLifecycle releases it
    WebClient web = WebClient.builder().filter(gateway.context.getBean(ReactorLoadBalancerExchangeFilterFunction.class)).build();
    CompletableFuture<Integer> slow = web.get().uri("http://svc/slow?ms=1500")
        .exchangeToMono(r -> r.releaseBody().thenReturn(r.statusCode().value())).toFuture();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (gateway.inFlight() == 0 && System.nanoTime() < end) {
      Thread.sleep(5);
    }
    assertEquals(1, gateway.inFlight(), "the WebClient call holds a lease while it runs (leastconn counts it)");
    assertEquals(200, slow.get(60, TimeUnit.SECONDS));
    assertEquals(0, gateway.awaitIdle(30), "and StickyRouteLifecycle released it when Spring reported it complete");
    assertEquals(exchanges + 1, await(witness.completed, exchanges + 1));
    for (int i = 0; i < 10; i++) {
      String path = i % 3 == 0 ? "/fail" : "/ok/web" + i;
      web.get().uri("http://svc" + path).exchangeToMono(r -> r.releaseBody().thenReturn(r.statusCode().value()))
          .block(Duration.ofSeconds(60));
    }
    assertEquals(0, gateway.awaitIdle(30), "failed WebClient calls are released too");
  }

  @Test
  void theGatewaysSwitchForItsLoadBalancerFilterStillTurnsItOff() throws Exception {
    start(Map.of("spring.cloud.gateway.server.webflux.global-filter.reactive-load-balancer-client.enabled", "false"));
    assertTrue(gateway.context.getBeansOfType(ReactiveLoadBalancerClientFilter.class).isEmpty());
  }

  static int await(AtomicInteger counter, int expected) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (counter.get() < expected && System.nanoTime() < end) {
      Thread.sleep(5);
    }
    return counter.get();
  }
}
