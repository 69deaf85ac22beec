package org.stickyroute.servlet;

import jakarta.servlet.FilterConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.stickyroute.config.ConfigLoader;
import org.stickyroute.config.RoutingConfig;
import org.stickyroute.config.SecureCookie;
import org.stickyroute.config.StickyProperties;

/**
 * A {@link StickyRouteFilter} configured from {@code web.xml} (or any {@code FilterRegistration}): its
 * init-params read into {@link StickyRouteFilter.Options} and a {@link RoutingConfig}. An invalid value is an
 * {@link IllegalArgumentException} naming it, which fails the filter's {@code init}.
 */
final class FilterInitParams {
  private FilterInitParams() {}

  /** Init-param {@code name}, stripped, or {@code null} when absent or blank. */
  static String param(FilterConfig config, String name) {
    String v = config.getInitParameter(name);
    return v == null || v.isBlank() ? null : v.strip();
  }

  /** The filter's options from its init-params (see the filter's class comment). */
  static StickyRouteFilter.Options options(FilterConfig config) {
    StickyRouteFilter.Options.Builder b = StickyRouteFilter.Options.builder();
    String frontend = param(config, "frontend");
    String backend = param(config, "backend");
    if (frontend != null && backend != null) {
      throw new IllegalArgumentException("give 'frontend' or 'backend', not both");
    }
    if (frontend != null) {
      b.frontend(frontend);
    }
    if (backend != null) {
      b.backend(backend);
    }
    String secure = param(config, "secure-cookie");
    if (secure != null) {
      b.secureCookie(SecureCookie.parse(secure));
    }
    String trusted = param(config, "trusted-proxies");
    if (trusted != null) {
      b.trustedProxies(TrustedProxies.parse(trusted));
    }
    String unavailable = param(config, "unavailable");
    if (unavailable != null) {
      switch (unavailable.toLowerCase(Locale.ROOT)) {
        case "respond" -> b.unavailable(StickyRouteFilter.Unavailable.RESPOND);
        case "pass" -> b.unavailable(StickyRouteFilter.Unavailable.PASS);
        default -> throw new IllegalArgumentException("'" + unavailable + "': unavailable expects respond or pass");
      }
    }
    String checks = param(config, "health-checks");
    if (checks != null) {
      b.healthChecks(Boolean.parseBoolean(checks));
    }
    String attr = param(config, "router-attribute");
    if (attr != null) {
      b.routerAttribute(attr);
    }
    return b.build();
  }

  /**
   * The {@code peers.*} settings (sharing stick tables through Redis, see {@code RedisPeers}) of the {@code
   * sticky-properties} file and of init-params named {@code peers.*} (which win); empty when there are none.
   */
  static Map<String, String> peers(FilterConfig config) throws IOException {
    Map<String, String> peers = new LinkedHashMap<>();
    String props = param(config, "sticky-properties");
    if (props != null) {
      Properties p = new Properties();
      try (Reader r = Files.newBufferedReader(Path.of(props), StandardCharsets.UTF_8)) {
        p.load(r);
      }
      for (String k : p.stringPropertyNames()) {
        if (k.startsWith("peers.")) {
          peers.put(k, p.getProperty(k).strip());
        }
      }
    }
    Enumeration<String> names = config.getInitParameterNames();
    while (names.hasMoreElements()) {
      String n = names.nextElement();
      if (n.startsWith("peers.")) {
        peers.put(n, config.getInitParameter(n).strip());
      }
    }
    return peers;
  }

  /**
   * The routing configuration the init-params name: {@code config} or {@code config-resource}, {@code strict},
   * then the stickyroute-only settings of {@code sticky-properties} and of init-params named {@code backend.*}.
   */
  static RoutingConfig routingConfig(FilterConfig config) throws IOException {
    String file = param(config, "config");
    String resource = param(config, "config-resource");
    boolean strict = Boolean.parseBoolean(param(config, "strict"));
    RoutingConfig rc;
    if (file != null && resource != null) {
      throw new IllegalArgumentException("give 'config' or 'config-resource', not both");
    } else if (file != null) {
      rc = ConfigLoader.load(Path.of(file), strict);
    } else if (resource != null) {
      ClassLoader cl = Thread.currentThread().getContextClassLoader();
      rc = ConfigLoader.loadResource(cl != null ? cl : StickyRouteFilter.class.getClassLoader(), resource, strict);
    } else {
      throw new IllegalArgumentException("init-param 'config' (a file) or 'config-resource' (classpath) is required");
    }
    String props = param(config, "sticky-properties");
    if (props != null) {
      rc = StickyProperties.load(rc, Path.of(props));
    }
    Map<String, String> overlay = new LinkedHashMap<>();
    Enumeration<String> names = config.getInitParameterNames();
    while (names.hasMoreElements()) {
      String n = names.nextElement();
      if (n.startsWith("backend.")) {
        overlay.put(n, config.getInitParameter(n));
      }
    }
    if (!overlay.isEmpty()) {
      rc = StickyProperties.apply(rc, overlay, "init-params of filter '" + config.getFilterName() + "'");
    }
    return rc;
  }
}
