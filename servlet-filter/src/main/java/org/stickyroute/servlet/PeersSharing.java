package org.stickyroute.servlet;

import java.util.Map;
import org.stickyroute.Router;
import org.stickyroute.redis.RedisPeers;

/**
 * Starts sharing a filter's {@code peers} sections through Redis when its settings ask for it ({@code
 * peers.NAME.redis.*} in {@code sticky-properties} or in init-params), without making stickyroute-redis (and
 * Lettuce) a dependency of applications that do not share: it is an optional dependency, and its classes are
 * touched only after this class has found them ({@link Bridge} is loaded on first use).
 */
final class PeersSharing {
  /** The redis module's entry point. */
  static final String BRIDGE = "org.stickyroute.redis.RedisPeers";

  private PeersSharing() {}

  /**
   * Starts the sharing {@code settings} ({@code peers.*} keys only) configure, reading credentials from the
   * environment; {@code null} when they configure none.
   *
   * @throws IllegalArgumentException naming the key when a setting is wrong, or when {@code className} (the
   *     redis module) is not on the classpath
   */
  static AutoCloseable start(Router router, Map<String, String> settings, String source, String className) {
    if (settings.isEmpty()) {
      return null;
    }
    if (!present(className)) {
      throw new IllegalArgumentException(settings.keySet().iterator().next() + " (" + source + "): sharing stick"
          + " tables through Redis needs org.stickyroute:stickyroute-redis on the classpath (" + className
          + " not found)");
    }
    return Bridge.start(router, settings);
  }

  /** Closes what {@link #start} returned (nothing for {@code null}); never throws. */
  static void close(AutoCloseable sharing) {
    if (sharing != null) {
      try {
        sharing.close();
      } catch (Exception e) {
        System.getLogger(PeersSharing.class.getName()).log(System.Logger.Level.WARNING, "closing " + sharing, e);
      }
    }
  }

  private static boolean present(String className) {
    try {
      Class.forName(className, false, PeersSharing.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /** The only code that names the redis module's types. */
  private static final class Bridge {
    static AutoCloseable start(Router router, Map<String, String> settings) {
      return RedisPeers.start(router, settings, System::getenv);
    }
  }
}
