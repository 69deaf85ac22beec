package org.stickyroute.spring.cloud.gateway;

import java.lang.annotation.Annotation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.LoadBalancerClientsProperties;
import org.springframework.cloud.client.loadbalancer.LoadBalancerProperties;
import org.springframework.cloud.client.loadbalancer.reactive.ReactiveLoadBalancer;
import org.springframework.cloud.loadbalancer.annotation.LoadBalancerClientSpecification;
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
 * <p>Never a bean, and never creates a child context of its own: the methods that would are refused.
 */
final class GatewayClientFactory extends LoadBalancerClientFactory {
  private final LoadBalancerClientFactory delegate;

  GatewayClientFactory(LoadBalancerClientFactory delegate) {
    super(new LoadBalancerClientsProperties());
    this.delegate = delegate;
  }

  /** The real factory's instances of {@code type}, less any {@link StickyRouteLifecycle}. */
  @Override
  public <T> Map<String, T> getInstances(String name, Class<T> type) {
    Map<String, T> all = delegate.getInstances(name, type);
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

  @Override
  public <T> T getInstance(String name, Class<T> type) {
    return delegate.getInstance(name, type);
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
