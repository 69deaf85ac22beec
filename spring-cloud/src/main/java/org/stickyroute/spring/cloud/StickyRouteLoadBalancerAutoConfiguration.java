package org.stickyroute.spring.cloud;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.loadbalancer.annotation.LoadBalancerClientSpecification;
import org.springframework.context.annotation.Bean;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;
import org.stickyroute.config.ConfigLoader;
import org.stickyroute.config.RoutingConfig;
import org.stickyroute.config.StickyProperties;

/**
 * Makes stickyroute the load balancer of Spring Cloud LoadBalancer when {@code stickyroute.cloud.config} names
 * an HAProxy configuration: the {@link StickyRouteRouting} built from it, the {@link StickyRouteLifecycle} that
 * releases decisions, and {@link StickyRouteLoadBalancerConfiguration} as every service's default
 * configuration (unless {@code stickyroute.cloud.loadbalancer.default=false}). A bad configuration fails the
 * start with its file, line and word.
 */
@AutoConfiguration(before = org.springframework.cloud.loadbalancer.config.LoadBalancerAutoConfiguration.class)
@ConditionalOnProperty(prefix = "stickyroute.cloud", name = "config")
@EnableConfigurationProperties(StickyRouteCloudProperties.class)
public class StickyRouteLoadBalancerAutoConfiguration {
  /** The auto-configuration. */
  public StickyRouteLoadBalancerAutoConfiguration() {}

  /** The routing over the configured HAProxy file. */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public StickyRouteRouting stickyRouteRouting(StickyRouteCloudProperties properties, ResourceLoader resources)
      throws IOException {
    RoutingConfig config = load(resources.getResource(properties.getConfig()), properties.isStrict());
    if (!properties.getSticky().isEmpty()) {
      config = StickyProperties.apply(config, properties.getSticky(), "stickyroute.cloud.sticky");
    }
    Map<String, ServiceTarget> services = new LinkedHashMap<>();
    properties.getServices().forEach((id, s) -> services.put(id, new ServiceTarget(s.getBackend(), s.getFrontend())));
    return StickyRouteRouting.create(config, services, properties.isHealthChecks());
  }

  static RoutingConfig load(Resource resource, boolean strict) throws IOException {
    String text;
    try (InputStream in = resource.getInputStream()) {
      text = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
    String name = resource.getFilename() != null ? resource.getFilename() : resource.getDescription();
    return ConfigLoader.parse(text, name, strict);
  }

  /** Releases decisions when Spring reports a load-balanced request complete. */
  @Bean
  @ConditionalOnMissingBean
  public StickyRouteLifecycle stickyRouteLifecycle() {
    return new StickyRouteLifecycle();
  }

  /** stickyroute as the default load balancer of every service. */
  @Bean
  @ConditionalOnProperty(prefix = "stickyroute.cloud.loadbalancer", name = "default", matchIfMissing = true)
  public static LoadBalancerClientSpecification stickyRouteDefaultLoadBalancer() {
    return new LoadBalancerClientSpecification("default." + StickyRouteLoadBalancerConfiguration.class.getName(),
        new Class<?>[] {StickyRouteLoadBalancerConfiguration.class});
  }
}
