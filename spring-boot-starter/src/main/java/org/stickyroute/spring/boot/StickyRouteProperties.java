package org.stickyroute.spring.boot;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.stickyroute.config.SecureCookie;
import org.stickyroute.servlet.StickyRouteFilter;

/**
 * {@code stickyroute.*}: what the starter registers in a servlet application. Setting {@link #getConfig()
 * stickyroute.config} switches it on.
 *
 * <pre>
 * stickyroute.config=classpath:haproxy.cfg        # an HAProxy 2.6 configuration (required)
 * stickyroute.frontend=incoming_http               # or stickyroute.backend=NAME
 * stickyroute.trusted-proxies=10.0.0.0/8, 127.0.0.1
 * stickyroute.secure-cookie=auto
 * stickyroute.stats.enabled=true                   # HAProxy's stats page at stickyroute.stats.path
 * stickyroute.metrics.enabled=true                 # the stats as Micrometer meters (with Actuator)
 * stickyroute.peers.mesh.redis.uri=redis://10.0.0.5:6379/0     # share the tables of 'peers mesh' (stickyroute-redis)
 * stickyroute.peers.mesh.redis.password-env=STICKY_REDIS_PASSWORD
 * </pre>
 */
@ConfigurationProperties("stickyroute")
public class StickyRouteProperties {
  /**
   * Location of the HAProxy 2.6 configuration ({@code classpath:haproxy.cfg}, {@code file:/etc/haproxy.cfg}).
   * Required: without it the starter registers nothing. A bad file fails the start with its file, line and
   * word.
   */
  private String config;

  /**
   * The frontend (or listen section) whose {@code use_backend}/{@code default_backend} rules choose the backend.
   * Default: the first section with such rules.
   */
  private String frontend;

  /** Send every request to this backend section instead of through a frontend's rules. */
  private String backend;

  /** Whether a configuration warning fails the start (as {@code route --strict}). */
  private boolean strict;

  /**
   * Addresses and CIDR blocks of the proxies whose {@code X-Forwarded-For} and {@code X-Forwarded-Proto} are
   * believed (the client address {@code balance source} hashes, the scheme the secure-cookie policy reads).
   * Default: nobody.
   */
  private List<String> trustedProxies = new ArrayList<>();

  /**
   * When the persistence cookie gets {@code Secure}: {@code config} (as the {@code cookie} line says),
   * {@code auto} (exactly on HTTPS requests), {@code always}, {@code never}.
   */
  private SecureCookie secureCookie = SecureCookie.CONFIG;

  /** Without a usable server: {@code respond} with the decision's status and HAProxy's page, or {@code pass}. */
  private StickyRouteFilter.Unavailable unavailable = StickyRouteFilter.Unavailable.RESPOND;

  /** Whether the servers with {@code check} get HAProxy-style health checks for as long as the application runs. */
  private boolean healthChecks = true;

  private final Metrics metrics = new Metrics();

  /**
   * stickyroute's own persistence settings, as {@link org.stickyroute.config.StickyProperties} keys: {@code
   * stickyroute.sticky[backend.app.sticky-failure]=strict}. Keep the brackets: Spring drops {@code .} from map
   * keys otherwise.
   */
  private Map<String, String> sticky = new LinkedHashMap<>();

  /**
   * Stick tables shared through Redis, by {@code peers} section name (the tables whose {@code stick-table} line
   * says {@code peers NAME}): {@code stickyroute.peers.NAME.redis.uri}, {@code .key-prefix}, {@code
   * .username-env}, {@code .password-env}. Needs {@code org.stickyroute:stickyroute-redis} on the classpath.
   */
  private Map<String, Peers> peers = new LinkedHashMap<>();

  private final Filter filter = new Filter();
  private final Stats stats = new Stats();

  /** Properties with their defaults. */
  public StickyRouteProperties() {}

  /** The location of the HAProxy configuration. */
  public String getConfig() {
    return config;
  }

  /** Sets the location of the HAProxy configuration. */
  public void setConfig(String config) {
    this.config = config;
  }

  /** The frontend whose rules choose the backend, or {@code null}. */
  public String getFrontend() {
    return frontend;
  }

  /** Sets the frontend whose rules choose the backend. */
  public void setFrontend(String frontend) {
    this.frontend = frontend;
  }

  /** The backend every request goes to, or {@code null}. */
  public String getBackend() {
    return backend;
  }

  /** Sets the backend every request goes to. */
  public void setBackend(String backend) {
    this.backend = backend;
  }

  /** Whether a configuration warning fails the start. */
  public boolean isStrict() {
    return strict;
  }

  /** Sets whether a configuration warning fails the start. */
  public void setStrict(boolean strict) {
    this.strict = strict;
  }

  /** The trusted proxies (addresses and CIDR blocks). */
  public List<String> getTrustedProxies() {
    return trustedProxies;
  }

  /** Sets the trusted proxies. */
  public void setTrustedProxies(List<String> trustedProxies) {
    this.trustedProxies = trustedProxies;
  }

  /** The secure-cookie policy. */
  public SecureCookie getSecureCookie() {
    return secureCookie;
  }

  /** Sets the secure-cookie policy. */
  public void setSecureCookie(SecureCookie secureCookie) {
    this.secureCookie = secureCookie;
  }

  /** What happens without a usable server. */
  public StickyRouteFilter.Unavailable getUnavailable() {
    return unavailable;
  }

  /** Sets what happens without a usable server. */
  public void setUnavailable(StickyRouteFilter.Unavailable unavailable) {
    this.unavailable = unavailable;
  }

  /** {@code stickyroute.metrics.*}: the Micrometer binder. */
  public Metrics getMetrics() {
    return metrics;
  }

  /** Whether servers with {@code check} are health-checked. */
  public boolean isHealthChecks() {
    return healthChecks;
  }

  /** Sets whether servers with {@code check} are health-checked. */
  public void setHealthChecks(boolean healthChecks) {
    this.healthChecks = healthChecks;
  }

  /** stickyroute's own persistence settings. */
  public Map<String, String> getSticky() {
    return sticky;
  }

  /** Sets stickyroute's own persistence settings. */
  public void setSticky(Map<String, String> sticky) {
    this.sticky = sticky;
  }

  /** The {@code peers} sections shared through Redis, by name. */
  public Map<String, Peers> getPeers() {
    return peers;
  }

  /** Sets the {@code peers} sections shared through Redis. */
  public void setPeers(Map<String, Peers> peers) {
    this.peers = peers;
  }

  /**
   * {@code peers} as the flat settings of {@code org.stickyroute.redis.RedisPeers} ({@code
   * peers.NAME.redis.uri} ...); unset values left out.
   */
  public Map<String, String> peersSettings() {
    Map<String, String> out = new LinkedHashMap<>();
    peers.forEach((name, p) -> {
      Redis r = p.getRedis();
      String prefix = "peers." + name + ".redis.";
      putIfSet(out, prefix + "uri", r.getUri());
      putIfSet(out, prefix + "key-prefix", r.getKeyPrefix());
      putIfSet(out, prefix + "username-env", r.getUsernameEnv());
      putIfSet(out, prefix + "password-env", r.getPasswordEnv());
      if (!out.containsKey(prefix + "uri")) {
        out.put(prefix + "uri", ""); // RedisPeers then names the missing stickyroute.peers.NAME.redis.uri
      }
    });
    return out;
  }

  private static void putIfSet(Map<String, String> out, String key, String value) {
    if (value != null && !value.isBlank()) {
      out.put(key, value);
    }
  }

  /** The filter's registration. */
  public Filter getFilter() {
    return filter;
  }

  /** The stats page. */
  public Stats getStats() {
    return stats;
  }

  /** {@code stickyroute.peers.NAME.*}: how one {@code peers} section is shared. */
  public static class Peers {
    private final Redis redis = new Redis();

    /** Peers properties with their defaults. */
    public Peers() {}

    /** Where the section's tables are shared. */
    public Redis getRedis() {
      return redis;
    }
  }

  /** {@code stickyroute.peers.NAME.redis.*}: the Redis a {@code peers} section's tables are shared through. */
  public static class Redis {
    /** The Redis URI (Lettuce syntax: {@code redis://host:6379/0}, {@code rediss://} for TLS), no credentials. */
    private String uri;

    /** Prefix of every key and of the channel; instances with the same prefix share their tables. */
    private String keyPrefix = "stickyroute:";

    /** Environment variable holding the ACL user name (never the name itself in the file). */
    private String usernameEnv;

    /** Environment variable holding the password (never the password itself in the file). */
    private String passwordEnv;

    /** Redis properties with their defaults. */
    public Redis() {}

    /** The Redis URI. */
    public String getUri() {
      return uri;
    }

    /** Sets the Redis URI. */
    public void setUri(String uri) {
      this.uri = uri;
    }

    /** The key prefix. */
    public String getKeyPrefix() {
      return keyPrefix;
    }

    /** Sets the key prefix. */
    public void setKeyPrefix(String keyPrefix) {
      this.keyPrefix = keyPrefix;
    }

    /** The environment variable of the user name, or {@code null}. */
    public String getUsernameEnv() {
      return usernameEnv;
    }

    /** Sets the environment variable of the user name. */
    public void setUsernameEnv(String usernameEnv) {
      this.usernameEnv = usernameEnv;
    }

    /** The environment variable of the password, or {@code null}. */
    public String getPasswordEnv() {
      return passwordEnv;
    }

    /** Sets the environment variable of the password. */
    public void setPasswordEnv(String passwordEnv) {
      this.passwordEnv = passwordEnv;
    }
  }

  /** {@code stickyroute.filter.*}: where the routing filter is mapped. */
  public static class Filter {
    /** URL patterns the filter routes. */
    private List<String> urlPatterns = new ArrayList<>(List.of("/*"));

    /** The filter's order among the application's filters (lower runs first). */
    private int order = -100;

    /** Filter properties with their defaults. */
    public Filter() {}

    /** The URL patterns the filter routes. */
    public List<String> getUrlPatterns() {
      return urlPatterns;
    }

    /** Sets the URL patterns the filter routes. */
    public void setUrlPatterns(List<String> urlPatterns) {
      this.urlPatterns = urlPatterns;
    }

    /** The filter's order. */
    public int getOrder() {
      return order;
    }

    /** Sets the filter's order. */
    public void setOrder(int order) {
      this.order = order;
    }
  }

  /** {@code stickyroute.stats.*}: HAProxy's stats page ({@link org.stickyroute.servlet.StickyStatsServlet}). */
  public static class Stats {
    /** Whether to serve the stats page. */
    private boolean enabled;

    /** Where the stats page is served. */
    private String path = "/stickyroute/stats";

    /**
     * The frontend or listen section whose {@code stats auth} lines hold the credentials. Default: the first
     * section that has some. No credentials: nobody gets in.
     */
    private String section;

    /** Stats properties with their defaults. */
    public Stats() {}

    /** Whether the stats page is served. */
    public boolean isEnabled() {
      return enabled;
    }

    /** Sets whether the stats page is served. */
    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    /** Where the stats page is served. */
    public String getPath() {
      return path;
    }

    /** Sets where the stats page is served. */
    public void setPath(String path) {
      this.path = path;
    }

    /** The section whose {@code stats auth} lines hold the credentials, or {@code null}. */
    public String getSection() {
      return section;
    }

    /** Sets the section whose {@code stats auth} lines hold the credentials. */
    public void setSection(String section) {
      this.section = section;
    }
  }

  /**
   * {@code stickyroute.metrics.*}: the stats as Micrometer meters ({@code
   * org.stickyroute.micrometer.StickyRouteMetrics}, with Actuator and {@code stickyroute-micrometer} on the class
   * path).
   */
  public static class Metrics {
    /** Whether the router's stats are bound to the application's meter registries. */
    private boolean enabled = true;

    /** The settings' defaults. */
    public Metrics() {}

    /** Whether the stats are bound to the meter registries. */
    public boolean isEnabled() {
      return enabled;
    }

    /** Sets whether the stats are bound to the meter registries. */
    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }
  }
}
