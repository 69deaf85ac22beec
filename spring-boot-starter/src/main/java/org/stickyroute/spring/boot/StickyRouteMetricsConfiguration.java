package org.stickyroute.spring.boot;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.stickyroute.Router;
import org.stickyroute.micrometer.StickyRouteMetrics;

/**
 * With Micrometer (Actuator) and {@code stickyroute-micrometer} on the class path: a {@link StickyRouteMetrics}
 * bean for the router, which Spring Boot binds to every {@link MeterRegistry} (as it binds every {@code
 * MeterBinder} bean), so the stats appear in {@code /actuator/metrics} ({@code haproxy.backend.sessions} ...) and
 * in any registry the application has, Prometheus's included, with the names of HAProxy's exporter. Switch off
 * with {@code stickyroute.metrics.enabled=false}.
 */
@AutoConfiguration(after = StickyRouteAutoConfiguration.class)
@ConditionalOnClass({MeterRegistry.class, StickyRouteMetrics.class})
@ConditionalOnBean(Router.class)
@ConditionalOnBooleanProperty(name = "stickyroute.metrics.enabled", matchIfMissing = true)
public class StickyRouteMetricsConfiguration {
  /** The metrics configuration. */
  public StickyRouteMetricsConfiguration() {}

  /** The binder for the router's stats. */
  @Bean
  @ConditionalOnMissingBean
  public StickyRouteMetrics stickyRouteMetrics(Router router) {
    return new StickyRouteMetrics(router);
  }
}
