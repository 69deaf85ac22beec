package org.stickyroute.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;

/**
 * Overlays stickyroute's own persistence settings ({@link StickyOptions}) on a configuration loaded from an
 * HAProxy-syntax file, from flat {@code key=value} pairs: a {@code .properties} file beside the HAProxy file,
 * a servlet filter's init-params, or system properties. The HAProxy file stays valid for {@code haproxy -c}
 * and behaves the same in HAProxy and stickyroute; everything beyond HAProxy is in this separate, explicit
 * place (never in comments).
 *
 * <pre>
 * backend.sharelatex_generic.sticky-failure = strict          # redispatch | persist | strict
 * backend.sharelatex_generic.strict-status = 503
 * backend.sharelatex_generic.secure-cookie = auto              # config | auto | always | never
 * backend.sharelatex_generic.signed.secret-env = STICKY_SECRET  # or .signed.secret = literal (16+ bytes)
 * backend.sharelatex_generic.signed.lifetime = 8h               # HAProxy time syntax; bare number = seconds
 * backend.sharelatex_generic.signed.previous-secret-env = STICKY_SECRET_OLD
 * backend.sharelatex_generic.signed.previous-until = 2026-12-31T00:00:00Z
 * </pre>
 *
 * <p>Keys that do not start with {@code backend.} are ignored (so one properties set can carry other
 * settings); a {@code backend.} key naming an unknown backend or an unknown setting, and an invalid value,
 * are {@link ConfigException}s naming the key. Secrets are read as UTF-8 and never printed.
 */
public final class StickyProperties {
  private StickyProperties() {}

  /** Overlays the settings of {@code properties} (see the class comment); returns a new configuration. */
  public static RoutingConfig apply(RoutingConfig config, Map<String, String> properties, String source) {
    return apply(config, properties, source, System::getenv);
  }

  /** As {@link #apply(RoutingConfig, Map, String)} with {@code env} resolving {@code *-env} keys. */
  public static RoutingConfig apply(
      RoutingConfig config, Map<String, String> properties, String source, Function<String, String> env) {
    SourceLocation at = new SourceLocation(source, 0);
    Map<String, Map<String, String>> perBackend = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : properties.entrySet()) {
      String key = e.getKey();
      if (!key.startsWith("backend.")) {
        continue;
      }
      String rest = key.substring("backend.".length());
      BackendConfig match = null;
      String setting = null;
      for (BackendConfig b : config.backends()) {
        if (rest.startsWith(b.name() + ".") && (match == null || b.name().length() > match.name().length())) {
          match = b;
          setting = rest.substring(b.name().length() + 1);
        }
      }
      if (match == null) {
        throw new ConfigException(at, key, "names no backend of this configuration");
      }
      perBackend.computeIfAbsent(match.name(), n -> new HashMap<>()).put(setting, e.getValue().strip());
    }
    if (perBackend.isEmpty()) {
      return config;
    }
    RoutingConfig.Builder b = RoutingConfig.builder();
    config.frontends().forEach(b::frontend);
    for (BackendConfig be : config.backends()) {
      Map<String, String> s = perBackend.get(be.name());
      b.backend(s == null ? be : overlay(be, s, at, env));
    }
    RoutingConfig built = b.build();
    return new RoutingConfig(built.frontends(), built.backends(), config.warnings());
  }

  /** Reads a {@code .properties} file (UTF-8) and overlays it. */
  public static RoutingConfig load(RoutingConfig config, Path file) throws IOException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    }
    Map<String, String> m = new LinkedHashMap<>();
    for (String k : p.stringPropertyNames()) {
      m.put(k, p.getProperty(k));
    }
    return apply(config, m, file.toString());
  }

  private static BackendConfig overlay(
      BackendConfig be, Map<String, String> s, SourceLocation at, Function<String, String> env) {
    String prefix = "backend." + be.name() + ".";
    StickyOptions o = be.sticky();
    try {
      for (String k : s.keySet()) {
        switch (k) {
          case "sticky-failure", "strict-status", "secure-cookie", "signed.secret", "signed.secret-env",
              "signed.lifetime", "signed.previous-secret", "signed.previous-secret-env", "signed.previous-until" -> { }
          default -> throw new ConfigException(at, prefix + k, "unknown stickyroute setting");
        }
      }
      String failure = s.get("sticky-failure");
      if (failure != null) {
        switch (failure) {
          case "redispatch" -> o = o.withFailure(StickyFailure.REDISPATCH);
          case "persist" -> o = o.withFailure(StickyFailure.PERSIST);
          case "strict" -> o = o.withFailure(StickyFailure.STRICT);
          default -> throw new ConfigException(at, prefix + "sticky-failure", "expects redispatch, persist or strict");
        }
      }
      String status = s.get("strict-status");
      if (status != null) {
        int st;
        try {
          st = Integer.parseInt(status);
        } catch (NumberFormatException e) {
          throw new ConfigException(at, prefix + "strict-status", "expects a status 400..599");
        }
        o = new StickyOptions(o.failure(), st, o.signing(), o.secureCookie());
      }
      String secure = s.get("secure-cookie");
      if (secure != null) {
        try {
          o = o.withSecureCookie(SecureCookie.parse(secure));
        } catch (IllegalArgumentException e) {
          throw new ConfigException(at, prefix + "secure-cookie", "expects config, auto, always or never");
        }
      }
      String secret = secret(s, "signed.secret", prefix, at, env);
      if (secret != null) {
        String life = s.getOrDefault("signed.lifetime", "8h");
        Duration lifetime = Duration.ofSeconds(TimeUnits.parseSeconds(life));
        CookieSigning signing = CookieSigning.of(secret, lifetime);
        String previous = secret(s, "signed.previous-secret", prefix, at, env);
        if (previous != null) {
          String until = s.get("signed.previous-until");
          if (until == null) {
            throw new ConfigException(at, prefix + "signed.previous-until", "required with a previous secret");
          }
          try {
            signing = signing.withPrevious(previous, Instant.parse(until));
          } catch (DateTimeParseException e) {
            throw new ConfigException(at, prefix + "signed.previous-until", "expects an instant such as 2026-12-31T00:00:00Z");
          }
        }
        o = o.withSigning(signing);
      } else if (s.containsKey("signed.lifetime") || s.containsKey("signed.previous-secret")
          || s.containsKey("signed.previous-secret-env")) {
        throw new ConfigException(at, prefix + "signed.secret", "signed settings need a secret");
      }
      return be.withSticky(o);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(at, prefix.substring(0, prefix.length() - 1), e.getMessage());
    }
  }

  private static String secret(
      Map<String, String> s, String key, String prefix, SourceLocation at, Function<String, String> env) {
    String literal = s.get(key);
    String var = s.get(key + "-env");
    if (literal != null && var != null) {
      throw new ConfigException(at, prefix + key, "give the secret or its environment variable, not both");
    }
    if (var != null) {
      String v = env.apply(var);
      if (v == null || v.isEmpty()) {
        throw new ConfigException(at, prefix + key + "-env", "environment variable '" + var + "' is not set");
      }
      return v;
    }
    return literal;
  }
}
