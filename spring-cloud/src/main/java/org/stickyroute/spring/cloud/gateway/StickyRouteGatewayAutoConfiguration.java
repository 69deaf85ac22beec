package org.stickyroute.spring.cloud.gateway;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.gateway.config.GatewayLoadBalancerProperties;
import org.springframework.cloud.gateway.config.conditional.ConditionalOnEnabledGlobalFilter;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.ReactiveLoadBalancerClientFilter;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.annotation.Bean;
import org.stickyroute.spring.cloud.StickyRouteLoadBalancerAutoConfiguration;
import org.stickyroute.spring.cloud.StickyRouteRouting;

/**
 * The Spring Cloud Gateway (server-webflux) half: the exchange filter that owns each decision, the forward
 * filter that applies it (cookies, retries, redispatch), the per-route {@code StickyRoute} filter, and the
 * Gateway's own load-balancer client filter over a view of the load-balancer factory without
 * {@code StickyRouteLifecycle} (see {@link GatewayClientFactory}). Ordered before the Gateway's
 * {@code GatewayReactiveLoadBalancerClientAutoConfiguration}, which then backs off.
 */
@AutoConfiguration(
    after = StickyRouteLoadBalancerAutoConfiguration.class,
    afterName = "org.springframework.cloud.loadbalancer.config.LoadBalancerAutoConfiguration",
    beforeName = "org.springframework.cloud.gateway.config.GatewayReactiveLoadBalancerClientAutoConfiguration")
@ConditionalOnClass(GlobalFilter.class)
@ConditionalOnBean(StickyRouteRouting.class)
@EnableConfigurationProperties(GatewayLoadBalancerProperties.class)
public class StickyRouteGatewayAutoConfiguration {
  /** The auto-configuration. */
  public StickyRouteGatewayAutoConfiguration() {}

  /** Owns each exchange's decision. */
  @Bean
  @ConditionalOnMissingBean
  public StickyRouteExchangeFilter stickyRouteExchangeFilter() {
    return new StickyRouteExchangeFilter();
  }

  /** Applies each decision to the forwarded exchange. */
  @Bean
  @ConditionalOnMissingBean
  public StickyRouteForwardFilter stickyRouteForwardFilter() {
    return new StickyRouteForwardFilter();
  }

  /** {@code StickyRoute=backend} per route. */
  @Bean
  @ConditionalOnMissingBean
  public StickyRouteGatewayFilterFactory stickyRouteGatewayFilterFactory(StickyRouteRouting routing) {
    return new StickyRouteGatewayFilterFactory(routing);
  }

  /**
   * The Gateway's {@code lb://} resolver, as the Gateway would declare it (same conditions, same
   * {@code ...global-filter.reactive-load-balancer-client.enabled} switch), but over {@link GatewayClientFactory}:
   * Gateway exchanges no longer pay for Spring's per-exchange completion data that only
   * {@code StickyRouteLifecycle} asked for and ignored.
   */
  @Bean
  @ConditionalOnBean(LoadBalancerClientFactory.class)
  @ConditionalOnMissingBean(ReactiveLoadBalancerClientFilter.class)
  @ConditionalOnEnabledGlobalFilter
  public ReactiveLoadBalancerClientFilter stickyRouteLoadBalancerClientFilter(LoadBalancerClientFactory clientFactory,
      GatewayLoadBalancerProperties properties) {
    return new ReactiveLoadBalancerClientFilter(new GatewayClientFactory(clientFactory), properties);
  }
}
