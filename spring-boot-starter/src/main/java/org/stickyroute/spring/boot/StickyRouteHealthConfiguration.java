package org.stickyroute.spring.boot;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.stickyroute.Backend;
import org.stickyroute.Router;

/**
 * With Actuator: one {@link BackendHealthIndicator} per backend of the router, under the contributor {@code
 * stickyroute} ({@code /actuator/health/stickyroute/<backend>}). Switch off with {@code
 * management.health.stickyroute.enabled=false}.
 */
@AutoConfiguration(after = StickyRouteAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(Router.class)
@ConditionalOnEnabledHealthIndicator("stickyroute")
public class StickyRouteHealthConfiguration {
  /** The health configuration. */
  public StickyRouteHealthConfiguration() {}

  /** A health indicator per backend, in the order of the configuration. */
  @Bean
  @ConditionalOnMissingBean(name = "stickyrouteHealthContributor")
  public CompositeHealthContributor stickyrouteHealthContributor(Router router) {
    Map<String, HealthIndicator> backends = new LinkedHashMap<>();
    for (Backend b : router.backends()) {
      backends.put(b.name(), new BackendHealthIndicator(b));
    }
    return CompositeHealthContributor.fromMap(backends);
  }
}
