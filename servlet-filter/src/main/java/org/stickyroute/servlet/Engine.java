package org.stickyroute.servlet;

import java.util.List;
import org.stickyroute.Backend;
import org.stickyroute.Frontend;
import org.stickyroute.Router;

/**
 * What a {@link StickyRouteFilter} decides with, fixed at {@code init}: the router, the entry point (a
 * frontend, or one backend) and the options. Everything about a backend's cookie comes from each request's
 * {@link org.stickyroute.Decision}. Immutable.
 */
final class Engine {
  final Router router;
  final Frontend frontend;
  final Backend backend;
  final StickyRouteFilter.Options options;

  Engine(Router router, StickyRouteFilter.Options options) {
    this.router = router;
    this.options = options;
    List<Backend> bs = router.backends();
    if (options.backend() != null) {
      backend = router.backend(options.backend());
      if (backend == null) {
        throw new IllegalArgumentException("'" + options.backend() + "': no such backend in the configuration");
      }
      frontend = null;
    } else if (options.frontend() != null) {
      frontend = router.frontend(options.frontend());
      if (frontend == null) {
        throw new IllegalArgumentException("'" + options.frontend() + "': no such frontend in the configuration");
      }
      backend = null;
    } else {
      Frontend first = null;
      for (Frontend f : router.frontends()) {
        if (f.config().defaultBackend() != null || !f.config().rules().isEmpty()) {
          first = f;
          break;
        }
      }
      if (first != null) {
        frontend = first;
        backend = null;
      } else if (!bs.isEmpty()) {
        frontend = null;
        backend = bs.get(0);
      } else {
        throw new IllegalArgumentException("the configuration has neither a frontend with rules nor a backend");
      }
    }
  }

  /** A human-readable name of the entry point, for start-up logs. */
  String entryPoint() {
    return frontend != null ? "frontend " + frontend.name() : "backend " + backend.name();
  }
}
