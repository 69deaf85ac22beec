package org.stickyroute.spring.cloud.gateway;

import java.lang.annotation.Annotation;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiPredicate;
import java.util.function.Supplier;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.LoadBalancerLifecycle;
import org.springframework.cloud.client.loadbalancer.LoadBalancerClientsProperties;
import org.springframework.cloud.client.loadbalancer.LoadBalancerProperties;
import org.springframework.cloud.client.loadbalancer.reactive.ReactiveLoadBalancer;
import org.springframework.cloud.loadbalancer.annotation.LoadBalancerClientSpecification;
import org.springframework.cloud.loadbalancer.core.ReactorServiceInstanceLoadBalancer;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.ApplicationContext;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.ResolvableType;
import org.stickyroute.spring.cloud.StickyRouteLifecycle;

/**
 * The application's {@link LoadBalancerClientFactory} as the Gateway's load-balancer client filter sees it:
 * every lookup is the real factory's (its per-service child contexts, balancers and properties), except that
 * {@link #getInstances} leaves out the {@link StickyRouteLifecycle}.
 *
 * <p>Why: on every completed exchange Spring Cloud Gateway's {@code ReactiveLoadBalancerClientFilter} builds, for
 * each supported {@code LoadBalancerLifecycle} of the service, a {@code CompletionContext} around a
 * {@code ResponseData} that copies the request's and the response's headers and cookies. For Gateway exchanges
 * {@link StickyRouteLifecycle#onComplete} does nothing ({@link StickyRouteExchangeFilter} owns and releases each
 * exchange's lease, cancellations included), so the copies were pure overhead; with no supported lifecycle Spring
 * builds none of them. {@code supports()} cannot tell the Gateway from {@code WebClient} (both pass the same
 * classes), and {@code WebClient}, {@code RestClient} and {@code RestTemplate} still need the lifecycle to release
 * their leases: they keep using the real factory, which still lists it.
 *
 * <p>The two lookups the Gateway's filter makes on every request — the service's lifecycles ({@link #getInstances}
 * with {@link LoadBalancerLifecycle}) and its balancer ({@link #getInstance(String, Class)} with {@link
 * ReactorServiceInstanceLoadBalancer}) — are Spring bean-factory walks over the service's context and its parents
 * that cost about 4 % of a proxied request's CPU. They are made once per service: the first request looks them up
 * twice and keeps the answer when both lookups returned the very same objects (singletons, as Spring's own and
 * stickyroute's are); when they differ (a prototype-scoped bean), that service is looked up on every request as
 * before. A service's context lives as long as the application's factory, so the kept beans stay its beans.
 *
 * <p>Never a bean, and never creates a child context of its own: the methods that would are refused.
 */
final class GatewayClientFactory extends LoadBalancerClientFactory {
  /** Marks a service whose lookups return different objects each time: never kept. */
  private static final Object NOT_KEPT = new Object();

  private final LoadBalancerClientFactory delegate;
  private final Map<String, Object> lifecycles = new ConcurrentHashMap<>();
  private final Map<String, Object> balancers = new ConcurrentHashMap<>();

  GatewayClientFactory(LoadBalancerClientFactory delegate) {
    super(new LoadBalancerClientsProperties());
    this.delegate = delegate;
  }

  /** The real factory's instances of {@code type}, less any {@link StickyRouteLifecycle}; lifecycles kept per service. */
  @Override
  @SuppressWarnings("unchecked")
  public <T> Map<String, T> getInstances(String name, Class<T> type) {
    if (type != LoadBalancerLifecycle.class || name == null) {
      return withoutStickyRouteLifecycle(delegate.getInstances(name, type));
    }
    Object kept = lifecycles.get(name);
    if (kept instanceof Map<?, ?> map) {
      return (Map<String, T>) map;
    }
    return keep(lifecycles, name, kept, () -> {
      Map<String, T> all = withoutStickyRouteLifecycle(delegate.getInstances(name, type));
      return all == null ? null : Collections.unmodifiableMap(all);
    }, GatewayClientFactory::sameObjects);
  }

  /**
   * A lookup not kept yet ({@code kept == null}: looks up twice and keeps the first answer when {@code same} holds
   * between the two) or never to be kept ({@code kept == NOT_KEPT}: looks up once).
   */
  private static <V> V keep(Map<String, Object> cache, String name, Object kept, Supplier<V> lookUp,
      BiPredicate<V, V> same) {
    V first = lookUp.get();
    if (kept == null && first != null) {
      V second = lookUp.get();
      cache.putIfAbsent(name, second != null && same.test(first, second) ? first : NOT_KEPT);
    }
    return first;
  }

  /** Whether both maps hold the same names, each bound to the very same object. */
  private static boolean sameObjects(Map<String, ?> a, Map<String, ?> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (Map.Entry<String, ?> e : a.entrySet()) {
      if (b.get(e.getKey()) != e.getValue()) {
        return false;
      }
    }
    return true;
  }

  private static <T> Map<String, T> withoutStickyRouteLifecycle(Map<String, T> all) {
    if (all != null) {
      for (T instance : all.values()) {
        if (instance instanceof StickyRouteLifecycle) {
          Map<String, T> kept = new LinkedHashMap<>(all);
          kept.values().removeIf(StickyRouteLifecycle.class::isInstance);
          return kept;
        }
      }
    }
    return all;
  }

  @Override
  public ReactiveLoadBalancer<ServiceInstance> getInstance(String serviceId) {
    return delegate.getInstance(serviceId);
  }

  /** The real factory's bean; a service's balancer kept after the first request (see the class comment). */
  @Override
  @SuppressWarnings("unchecked")
  public <T> T getInstance(String name, Class<T> type) {
    if (type != ReactorServiceInstanceLoadBalancer.class || name == null) {
      return delegate.getInstance(name, type);
    }
    Object kept = balancers.get(name);
    if (kept != null && kept != NOT_KEPT) {
      return (T) kept;
    }
    return keep(balancers, name, kept, () -> delegate.getInstance(name, type), (a, b) -> a == b);
  }

  @Override
  public <T> T getInstance(String name, Class<?> clazz, Class<?>... generics) {
    return delegate.getInstance(name, clazz, generics);
  }

  @Override
  public <T> T getInstance(String name, ResolvableType type) {
    return delegate.getInstance(name, type);
  }

  @Override
  public <T> T getInstanceWithoutAncestors(String name, Class<T> type) {
    return delegate.getInstanceWithoutAncestors(name, type);
  }

  @Override
  public <T> T getAnnotatedInstance(String name, ResolvableType type, Class<? extends Annotation> annotationType) {
    return delegate.getAnnotatedInstance(name, type, annotationType);
  }

  @Override
  public <T> ObjectProvider<T> getLazyProvider(String name, Class<T> type) {
    return delegate.getLazyProvider(name, type);
  }

  @Override
  public <T> ObjectProvider<T> getProvider(String name, Class<T> type) {
    return delegate.getProvider(name, type);
  }

  @Override
  public LoadBalancerProperties getProperties(String serviceId) {
    return delegate.getProperties(serviceId);
  }

  @Override
  public ApplicationContext getParent() {
    return delegate.getParent();
  }

  @Override
  public Set<String> getContextNames() {
    return delegate.getContextNames();
  }

  @Override
  public Map<String, LoadBalancerClientSpecification> getConfigurations() {
    return delegate.getConfigurations();
  }

  @Override
  public LoadBalancerClientFactory withApplicationContextInitializers(Map<String, Object> initializers) {
    return delegate.withApplicationContextInitializers(initializers);
  }

  @Override
  protected GenericApplicationContext getContext(String name) {
    throw refused();
  }

  @Override
  public GenericApplicationContext createContext(String name) {
    throw refused();
  }

  @Override
  public GenericApplicationContext buildContext(String name) {
    throw refused();
  }

  @Override
  public void registerBeans(String name, GenericApplicationContext context) {
    throw refused();
  }

  @Override
  public void setApplicationContext(ApplicationContext context) {
    throw refused();
  }

  @Override
  public void setConfigurations(List<LoadBalancerClientSpecification> configurations) {
    throw refused();
  }

  private static UnsupportedOperationException refused() {
    return new UnsupportedOperationException("the Gateway's view of the load-balancer client factory has no contexts "
        + "of its own: use the application's LoadBalancerClientFactory");
  }
}
