package org.stickyroute.redis;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.stickyroute.Router;

/**
 * Every {@code peers} section that stickyroute's properties share through Redis, started together: what the
 * servlet filter and the Spring Boot starter call, and the shortest way to do it yourself. A section is shared
 * when the properties have {@code peers.NAME.redis.uri} (see {@link RedisPeersConfig} for the keys); keys that
 * do not start with {@code peers.} are ignored, so the same set can carry the {@code backend.*} settings.
 *
 * <pre>
 * peers.mesh.redis.uri = redis://10.0.0.5:6379/0
 * peers.mesh.redis.key-prefix = shop:sticky:
 * peers.mesh.redis.password-env = STICKY_REDIS_PASSWORD
 * </pre>
 *
 * <p>Starting returns at once (connecting happens on each section's own thread; see {@link
 * RedisStickSharing#start}). Close on shutdown. Thread-safe.
 */
public final class RedisPeers implements AutoCloseable {
  private final List<RedisStickSharing> sharings;

  private RedisPeers(List<RedisStickSharing> sharings) {
    this.sharings = Collections.unmodifiableList(sharings);
  }

  /**
   * The names of the {@code peers} sections {@code properties} configure (any {@code peers.NAME.*} key), in
   * name order; empty when there are none.
   */
  public static Set<String> configured(Map<String, String> properties) {
    Set<String> names = new TreeSet<>();
    for (String k : properties.keySet()) {
      if (k.startsWith("peers.")) {
        int dot = k.indexOf('.', "peers.".length());
        if (dot < 0) {
          throw new IllegalArgumentException(k + ": expects peers.NAME.redis.uri (and key-prefix, username-env,"
              + " password-env)");
        }
        names.add(k.substring("peers.".length(), dot));
      }
    }
    return names;
  }

  /**
   * Starts sharing every section {@code properties} configure, {@code *-env} keys read through {@code env}
   * ({@code System::getenv} in production). Every setting is checked before anything starts.
   *
   * @throws IllegalArgumentException naming the key: a missing {@code uri}, an unknown setting, an environment
   *     variable that is not set, or a section no {@code stick-table} of {@code router} names
   */
  public static RedisPeers start(Router router, Map<String, String> properties, Function<String, String> env) {
    List<RedisPeersConfig> configs = new ArrayList<>();
    for (String name : configured(properties)) {
      RedisPeersConfig c = RedisPeersConfig.fromProperties(name, properties, env);
      try {
        router.sharedTables(name);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("peers." + name + ".redis.uri: " + e.getMessage(), e);
      }
      configs.add(c);
    }
    List<RedisStickSharing> started = new ArrayList<>();
    for (RedisPeersConfig c : configs) {
      started.add(RedisStickSharing.start(router, c));
    }
    return new RedisPeers(started);
  }

  /** The started sections, in name order. */
  public List<RedisStickSharing> sharings() {
    return sharings;
  }

  /** Stops sharing every section. */
  @Override
  public void close() {
    for (RedisStickSharing s : sharings) {
      s.close();
    }
  }

  @Override
  public String toString() {
    List<String> names = new ArrayList<>();
    for (RedisStickSharing s : sharings) {
      names.add(s.peers());
    }
    return "RedisPeers" + names;
  }
}
