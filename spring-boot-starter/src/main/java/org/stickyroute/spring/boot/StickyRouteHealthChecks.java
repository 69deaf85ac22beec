package org.stickyroute.spring.boot;

import java.util.ArrayList;
import java.util.List;
import org.stickyroute.Backend;
import org.stickyroute.Router;
import org.stickyroute.config.ServerConfig;
import org.stickyroute.health.HttpHealthChecker;

/**
 * The HAProxy-style health checks of a router's servers that have {@code check} (one {@link HttpHealthChecker}
 * per backend with such servers), for as long as the application runs.
 */
public final class StickyRouteHealthChecks implements AutoCloseable {
  private final List<HttpHealthChecker> checkers;

  private StickyRouteHealthChecks(List<HttpHealthChecker> checkers) {
    this.checkers = checkers;
  }

  /** Starts the checks of every backend of {@code router} that has a server with {@code check}. */
  public static StickyRouteHealthChecks start(Router router) {
    List<HttpHealthChecker> started = new ArrayList<>();
    try {
      for (Backend b : router.backends()) {
        if (b.config().servers().stream().anyMatch(ServerConfig::check)) {
          started.add(HttpHealthChecker.start(b));
        }
      }
    } catch (RuntimeException e) {
      started.forEach(HttpHealthChecker::close);
      throw e;
    }
    return new StickyRouteHealthChecks(List.copyOf(started));
  }

  /** How many backends are checked. */
  public int backendsChecked() {
    return checkers.size();
  }

  /** Stops the checks. */
  @Override
  public void close() {
    checkers.forEach(HttpHealthChecker::close);
  }
}
