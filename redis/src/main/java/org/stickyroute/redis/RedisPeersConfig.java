package org.stickyroute.redis;

import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Where the tables of one {@code peers} section are shared: a Redis server and a key prefix. Read from
 * stickyroute's properties (the same flat {@code key=value} set as {@link
 * org.stickyroute.config.StickyProperties}, which ignores these keys), credentials from the environment:
 *
 * <pre>
 * peers.mesh.redis.uri = redis://10.0.0.5:6379/0          # Lettuce's RedisURI syntax (rediss:// for TLS)
 * peers.mesh.redis.key-prefix = shop:sticky:              # default "stickyroute:"
 * peers.mesh.redis.username-env = STICKY_REDIS_USER       # ACL user (optional)
 * peers.mesh.redis.password-env = STICKY_REDIS_PASSWORD   # optional
 * </pre>
 *
 * Immutable; {@link #toString()} never prints the password.
 *
 * @param peers the {@code peers} section's name (tables say {@code peers NAME} on their {@code stick-table}
 *     line)
 * @param uri the Redis URI, without credentials
 * @param keyPrefix the prefix of every key and of the channel; instances sharing a prefix share their tables
 * @param username the ACL user, or {@code null}
 * @param password the password, or {@code null}
 */
public record RedisPeersConfig(String peers, String uri, String keyPrefix, String username, String password) {
  /** The default {@link #keyPrefix}. */
  public static final String DEFAULT_PREFIX = "stickyroute:";

  /** Validates. */
  public RedisPeersConfig {
    Objects.requireNonNull(peers, "peers");
    Objects.requireNonNull(uri, "uri");
    Objects.requireNonNull(keyPrefix, "keyPrefix");
  }

  /** Without credentials, with the default prefix. */
  public static RedisPeersConfig of(String peers, String uri) {
    return new RedisPeersConfig(peers, uri, DEFAULT_PREFIX, null, null);
  }

  /**
   * The settings of {@code peers} in {@code properties} (see the class comment), {@code *-env} keys resolved
   * through {@code env} (e.g. {@code System::getenv}).
   *
   * @throws IllegalArgumentException naming the key: no {@code uri}, an unknown {@code peers.NAME.} setting, or
   *     an environment variable that is not set
   */
  public static RedisPeersConfig fromProperties(
      String peers, Map<String, String> properties, Function<String, String> env) {
    String prefix = "peers." + peers + ".";
    for (String k : properties.keySet()) {
      if (k.startsWith(prefix)) {
        switch (k.substring(prefix.length())) {
          case "redis.uri", "redis.key-prefix", "redis.username-env", "redis.password-env" -> { }
          default -> throw new IllegalArgumentException(k + ": unknown stickyroute setting (expects redis.uri,"
              + " redis.key-prefix, redis.username-env, redis.password-env)");
        }
      }
    }
    String uri = properties.get(prefix + "redis.uri");
    if (uri == null || uri.isBlank()) {
      throw new IllegalArgumentException(prefix + "redis.uri: required to share the tables of 'peers " + peers + "'");
    }
    String keyPrefix = properties.getOrDefault(prefix + "redis.key-prefix", DEFAULT_PREFIX).strip();
    return new RedisPeersConfig(peers, uri.strip(), keyPrefix, fromEnv(properties, prefix + "redis.username-env", env),
        fromEnv(properties, prefix + "redis.password-env", env));
  }

  private static String fromEnv(Map<String, String> properties, String key, Function<String, String> env) {
    String var = properties.get(key);
    if (var == null) {
      return null;
    }
    String v = env.apply(var.strip());
    if (v == null || v.isEmpty()) {
      throw new IllegalArgumentException(key + ": environment variable '" + var.strip() + "' is not set");
    }
    return v;
  }

  @Override
  public String toString() {
    return "RedisPeersConfig[peers=" + peers + ", uri=" + uri + ", keyPrefix=" + keyPrefix + ", username="
        + username + ", password=" + (password == null ? "none" : "***") + "]";
  }
}
