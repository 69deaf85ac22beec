package org.stickyroute.spring.boot;

import jakarta.servlet.DispatcherType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;
import org.springframework.util.ClassUtils;
import org.stickyroute.Router;
import org.stickyroute.config.ConfigLoader;
import org.stickyroute.config.RoutingConfig;
import org.stickyroute.config.StickyProperties;
import org.stickyroute.redis.RedisPeers;
import org.stickyroute.servlet.StickyRouteFilter;
import org.stickyroute.servlet.StickyStatsServlet;
import org.stickyroute.servlet.TrustedProxies;

/**
 * stickyroute in a servlet application, from {@link StickyRouteProperties}: when {@code stickyroute.config}
 * names an HAProxy configuration, a {@link Router} over it (with HAProxy-style health checks of the servers
 * that have {@code check}), the {@link StickyRouteFilter} mapped on {@code stickyroute.filter.url-patterns}
 * for the {@code REQUEST}, {@code ASYNC} and {@code ERROR} dispatches, and, with {@code
 * stickyroute.stats.enabled=true}, the {@link StickyStatsServlet} at {@code stickyroute.stats.path}. With
 * Actuator, {@link StickyRouteHealthConfiguration} adds a health indicator per backend. With stickyroute-redis and
 * {@code stickyroute.peers.NAME.redis.uri}, the tables of {@code peers NAME} are shared through Redis ({@link
 * RedisPeersConfiguration}). A bad configuration
 * fails the start with its file, line and word.
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(StickyRouteFilter.class)
@ConditionalOnProperty(prefix = "stickyroute", name = "config")
@EnableConfigurationProperties(StickyRouteProperties.class)
public class StickyRouteAutoConfiguration {
  static final String PEERS_BRIDGE = "org.stickyroute.redis.RedisPeers";

  /** The auto-configuration. */
  public StickyRouteAutoConfiguration() {}

  /** The router over the configured HAProxy file and {@code stickyroute.sticky[...]} settings. */
  @Bean
  @ConditionalOnMissingBean
  public Router stickyRouteRouter(StickyRouteProperties properties, ResourceLoader resources) throws IOException {
    RoutingConfig config = load(resources.getResource(properties.getConfig()), properties.isStrict());
    if (!properties.getSticky().isEmpty()) {
      config = StickyProperties.apply(config, properties.getSticky(), "stickyroute.sticky");
    }
    requireRedisModule(properties, PEERS_BRIDGE);
    return Router.create(config);
  }

  /**
   * Fails when {@code stickyroute.peers.*} asks for sharing but {@code className} (stickyroute-redis) is not on
   * the class path: the tables would silently stay local otherwise.
   */
  static void requireRedisModule(StickyRouteProperties properties, String className) {
    if (!properties.getPeers().isEmpty()
        && !ClassUtils.isPresent(className, StickyRouteAutoConfiguration.class.getClassLoader())) {
      throw new IllegalStateException("stickyroute.peers." + properties.getPeers().keySet().iterator().next()
          + ": sharing stick tables through Redis needs org.stickyroute:stickyroute-redis on the classpath ("
          + className + " not found)");
    }
  }

  /**
   * With stickyroute-redis on the classpath: the {@code stickyroute.peers.*} sections shared through Redis (none
   * configured: nothing is started), stopped with the application.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = PEERS_BRIDGE)
  public static class RedisPeersConfiguration {
    /** The configuration. */
    public RedisPeersConfiguration() {}

    /** Starts sharing (connecting happens in the background; a request never waits for Redis). */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public RedisPeers stickyRoutePeers(Router router, StickyRouteProperties properties) {
      try {
        return RedisPeers.start(router, properties.peersSettings(), System::getenv);
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException("stickyroute." + e.getMessage(), e);
      }
    }
  }

  /** HAProxy-style checks of the router's servers with {@code check}, stopped with the application. */
  @Bean(destroyMethod = "close")
  @ConditionalOnBooleanProperty(name = "stickyroute.health-checks", matchIfMissing = true)
  public StickyRouteHealthChecks stickyRouteHealthChecks(Router router) {
    return StickyRouteHealthChecks.start(router);
  }

  /** The routing filter, on the configured URL patterns, for the request, async and error dispatches. */
  @Bean
  @ConditionalOnMissingBean(name = "stickyRouteFilter")
  public FilterRegistrationBean<StickyRouteFilter> stickyRouteFilter(Router router, StickyRouteProperties properties) {
    StickyRouteFilter.Options.Builder options = StickyRouteFilter.Options.builder()
        .secureCookie(properties.getSecureCookie())
        .unavailable(properties.getUnavailable())
        .trustedProxies(TrustedProxies.parse(String.join(",", properties.getTrustedProxies())));
    if (properties.getBackend() != null) {
      options.backend(properties.getBackend());
    } else if (properties.getFrontend() != null) {
      options.frontend(properties.getFrontend());
    }
    FilterRegistrationBean<StickyRouteFilter> registration =
        new FilterRegistrationBean<>(new StickyRouteFilter(router, options.build()));
    registration.setName("stickyRouteFilter");
    registration.setAsyncSupported(true);
    registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC, DispatcherType.ERROR);
    registration.setUrlPatterns(properties.getFilter().getUrlPatterns());
    registration.setOrder(properties.getFilter().getOrder());
    return registration;
  }

  /**
   * HAProxy's stats page for the router, at {@code stickyroute.stats.path} and below it ({@code <path>/admin},
   * the JSON admin endpoint).
   */
  @Bean
  @ConditionalOnBooleanProperty("stickyroute.stats.enabled")
  public ServletRegistrationBean<StickyStatsServlet> stickyRouteStats(Router router, StickyRouteProperties properties) {
    ServletRegistrationBean<StickyStatsServlet> registration =
        new ServletRegistrationBean<>(new StickyStatsServlet(router), properties.getStats().getPath(),
            properties.getStats().getPath() + "/*");
    registration.setName("stickyRouteStats");
    if (properties.getStats().getSection() != null) {
      registration.addInitParameter("stats-section", properties.getStats().getSection());
    }
    return registration;
  }

  static RoutingConfig load(Resource resource, boolean strict) throws IOException {
    if (!resource.exists()) {
      throw new IOException("stickyroute.config: " + resource.getDescription() + " does not exist");
    }
    String text;
    try (InputStream in = resource.getInputStream()) {
      text = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
    String name = resource.getFilename() != null ? resource.getFilename() : resource.getDescription();
    return ConfigLoader.parse(text, name, strict);
  }
}
