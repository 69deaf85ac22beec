package org.stickyroute.spring.cloud.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.cloud.client.loadbalancer.CompletionContext;
import org.springframework.cloud.client.loadbalancer.LoadBalancerClientsProperties;
import org.springframework.cloud.client.loadbalancer.LoadBalancerLifecycle;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.loadbalancer.annotation.LoadBalancerClientSpecification;
import org.springframework.cloud.loadbalancer.core.ReactorServiceInstanceLoadBalancer;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Scope;
import org.stickyroute.spring.cloud.StickyRouteLifecycle;

/**
 * The Gateway's view of a real {@link LoadBalancerClientFactory} (real Spring contexts): the lifecycles it lists
 * leave out {@link StickyRouteLifecycle}, a service's singleton lifecycles and balancer are looked up once and kept,
 * and a service with a prototype-scoped lifecycle is looked up on every request, as Spring's own factory does.
 */
class GatewayClientFactoryTest {
  private AnnotationConfigApplicationContext parent;
  private LoadBalancerClientFactory real;

  /** A lifecycle that does nothing (a stand-in for an application's metrics lifecycle). */
  static final class QuietLifecycle implements LoadBalancerLifecycle<Object, Object, Object> {
    @Override
    public void onStart(Request<Object> request) {}

    @Override
    public void onStartRequest(Request<Object> request, Response<Object> lbResponse) {}

    @Override
    public void onComplete(CompletionContext<Object, Object, Object> completionContext) {}
  }

  @Configuration(proxyBeanMethods = false)
  static class Parent {
    @Bean
    StickyRouteLifecycle stickyRouteLifecycle() {
      return new StickyRouteLifecycle();
    }

    @Bean
    QuietLifecycle applicationLifecycle() {
      return new QuietLifecycle();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class PrototypeService {
    @Bean
    @Scope(ConfigurableBeanFactory.SCOPE_PROTOTYPE)
    QuietLifecycle perRequestLifecycle() {
      return new QuietLifecycle();
    }
  }

  private GatewayClientFactory gateway(String prototypeService) {
    real = new LoadBalancerClientFactory(new LoadBalancerClientsProperties());
    parent = new AnnotationConfigApplicationContext();
    parent.register(Parent.class);
    parent.registerBean(LoadBalancerClientFactory.class, () -> real); // the default balancer's configuration needs it
    parent.refresh();
    real.setApplicationContext(parent);
    real.setConfigurations(List.of(
        new LoadBalancerClientSpecification(prototypeService, new Class<?>[] {PrototypeService.class})));
    return new GatewayClientFactory(real);
  }

  @AfterEach
  void close() {
    if (real != null) {
      real.destroy();
    }
    if (parent != null) {
      parent.close();
    }
  }

  @Test
  void singletonLifecyclesAreListedWithoutStickyRoutesAndKept() {
    GatewayClientFactory gateway = gateway("other");
    Map<String, LoadBalancerLifecycle> first = gateway.getInstances("svc", LoadBalancerLifecycle.class);
    assertEquals(List.of("applicationLifecycle"), List.copyOf(first.keySet()));
    assertTrue(real.getInstances("svc", LoadBalancerLifecycle.class).containsKey("stickyRouteLifecycle"),
        "the application's factory still lists stickyroute's lifecycle (WebClient and RestClient need it)");
    Map<String, LoadBalancerLifecycle> second = gateway.getInstances("svc", LoadBalancerLifecycle.class);
    assertSame(second, gateway.getInstances("svc", LoadBalancerLifecycle.class), "kept after the first request");
    assertSame(first.get("applicationLifecycle"), second.get("applicationLifecycle"));
    assertThrows(UnsupportedOperationException.class, () -> second.clear(), "the kept map is nobody's to change");
  }

  @Test
  void prototypeLifecyclesAreLookedUpEveryTime() {
    GatewayClientFactory gateway = gateway("proto");
    Map<String, LoadBalancerLifecycle> a = gateway.getInstances("proto", LoadBalancerLifecycle.class);
    Map<String, LoadBalancerLifecycle> b = gateway.getInstances("proto", LoadBalancerLifecycle.class);
    Map<String, LoadBalancerLifecycle> c = gateway.getInstances("proto", LoadBalancerLifecycle.class);
    assertEquals(2, a.size(), "the parent's singleton and the service's prototype: " + a.keySet());
    assertFalse(a.containsKey("stickyRouteLifecycle"));
    assertNotSame(a.get("perRequestLifecycle"), b.get("perRequestLifecycle"));
    assertNotSame(b.get("perRequestLifecycle"), c.get("perRequestLifecycle"), "a new one on every request");
    assertSame(a.get("applicationLifecycle"), c.get("applicationLifecycle"));
  }

  @Test
  void theBalancerIsTheRealFactorysAndKept() {
    GatewayClientFactory gateway = gateway("other");
    ReactorServiceInstanceLoadBalancer mine = gateway.getInstance("svc", ReactorServiceInstanceLoadBalancer.class);
    assertNotNull(mine);
    assertSame(real.getInstance("svc", ReactorServiceInstanceLoadBalancer.class), mine);
    assertSame(mine, gateway.getInstance("svc", ReactorServiceInstanceLoadBalancer.class));
    assertSame(real.getProperties("svc"), gateway.getProperties("svc"));
  }
}
