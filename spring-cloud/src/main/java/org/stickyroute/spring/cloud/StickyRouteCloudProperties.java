package org.stickyroute.spring.cloud;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code stickyroute.cloud.*}: the routing configuration of the Spring Cloud adapters.
 *
 * <pre>
 * stickyroute.cloud.config=classpath:haproxy.cfg            # an HAProxy 2.6 configuration (required)
 * stickyroute.cloud.services.overleaf.frontend=incoming_http  # or .backend=NAME; default: the backend named as the service
 * stickyroute.cloud.health-checks=true                       # stickyroute's own checks for servers with 'check'
 * stickyroute.cloud.sticky.backend.app.sticky-failure=strict  # stickyroute's persistence settings (see StickyProperties)
 * </pre>
 */
@ConfigurationProperties("stickyroute.cloud")
public class StickyRouteCloudProperties {
  private String config;
  private boolean strict;
  private boolean healthChecks = true;
  private Map<String, Service> services = new LinkedHashMap<>();
  private Map<String, String> sticky = new LinkedHashMap<>();

  /** Properties with their defaults. */
  public StickyRouteCloudProperties() {}

  /** The location of the HAProxy configuration ({@code classpath:...}, {@code file:...}). */
  public String getConfig() {
    return config;
  }

  /** Sets the location of the HAProxy configuration. */
  public void setConfig(String config) {
    this.config = config;
  }

  /** Whether a configuration warning fails the start (as {@code route --strict}). */
  public boolean isStrict() {
    return strict;
  }

  /** Sets whether a configuration warning fails the start. */
  public void setStrict(boolean strict) {
    this.strict = strict;
  }

  /** Whether servers with {@code check} get stickyroute's own health checks besides discovery's health. */
  public boolean isHealthChecks() {
    return healthChecks;
  }

  /** Sets whether servers with {@code check} get stickyroute's own health checks. */
  public void setHealthChecks(boolean healthChecks) {
    this.healthChecks = healthChecks;
  }

  /** Where each service routes, by service id. */
  public Map<String, Service> getServices() {
    return services;
  }

  /** Sets where each service routes. */
  public void setServices(Map<String, Service> services) {
    this.services = services;
  }

  /**
   * stickyroute's own persistence settings, as {@link org.stickyroute.config.StickyProperties} keys ({@code
   * backend.NAME.sticky-failure}, {@code backend.NAME.signed.secret-env}...).
   */
  public Map<String, String> getSticky() {
    return sticky;
  }

  /** Sets stickyroute's own persistence settings. */
  public void setSticky(Map<String, String> sticky) {
    this.sticky = sticky;
  }

  /** Where one service routes: a backend section or a frontend. */
  public static class Service {
    private String backend;
    private String frontend;

    /** No target. */
    public Service() {}

    /** The backend section, or {@code null}. */
    public String getBackend() {
      return backend;
    }

    /** Sets the backend section. */
    public void setBackend(String backend) {
      this.backend = backend;
    }

    /** The frontend whose rules choose the backend, or {@code null}. */
    public String getFrontend() {
      return frontend;
    }

    /** Sets the frontend whose rules choose the backend. */
    public void setFrontend(String frontend) {
      this.frontend = frontend;
    }
  }
}
