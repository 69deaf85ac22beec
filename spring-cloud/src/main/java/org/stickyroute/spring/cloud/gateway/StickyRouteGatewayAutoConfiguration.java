package org.stickyroute.spring.cloud.gateway;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.context.annotation.Bean;
import org.stickyroute.spring.cloud.StickyRouteLoadBalancerAutoConfiguration;
import org.stickyroute.spring.cloud.StickyRouteRouting;

/**
 * The Spring Cloud Gateway (server-webflux) half: the exchange filter that owns each decision, the forward
 * filter that applies it (cookies, retries, redispatch), and the per-route {@code StickyRoute} filter.
 */
@AutoConfiguration(after = StickyRouteLoadBalancerAutoConfiguration.class)
@ConditionalOnClass(GlobalFilter.class)
@ConditionalOnBean(StickyRouteRouting.class)
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
}
