package org.stickyroute.spring.cloud;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.cloud.loadbalancer.core.ReactorServiceInstanceLoadBalancer;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The per-service load-balancer configuration that makes a service's load balancer stickyroute's. The
 * auto-configuration registers it as the default of every service; to choose per service instead, use it in
 * {@code @LoadBalancerClient(name = "svc", configuration = StickyRouteLoadBalancerConfiguration.class)} and set
 * {@code stickyroute.cloud.loadbalancer.default=false}.
 */
@Configuration(proxyBeanMethods = false)
public class StickyRouteLoadBalancerConfiguration {
  /** The configuration. */
  public StickyRouteLoadBalancerConfiguration() {}

  /** The service's load balancer. */
  @Bean
  @ConditionalOnMissingBean
  public ReactorServiceInstanceLoadBalancer stickyRouteLoadBalancer(
      Environment environment, LoadBalancerClientFactory factory, StickyRouteRouting routing) {
    String name = environment.getProperty(LoadBalancerClientFactory.PROPERTY_NAME);
    return new StickyRouteLoadBalancer(factory.getLazyProvider(name, ServiceInstanceListSupplier.class), name, routing);
  }
}
