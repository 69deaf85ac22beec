package org.stickyroute.servlet;

import java.util.List;
import org.stickyroute.Backend;
import org.stickyroute.Frontend;
import org.stickyroute.Router;
import org.stickyroute.config.CookieConfig;

/**
 * What a {@link StickyRouteFilter} decides with, fixed at {@code init}: the router, the entry point (a
 * frontend, or one backend), the options, and per backend the cookie facts the request path needs. Immutable.
 */
final class Engine {
  /** Per-backend facts, in {@link Router#backends()} order. */
  static final class BackendInfo {
    final Backend backend;
    /** The persistence cookie name, or {@code null}. */
    final String cookieName;
    /** Whether responses must be watched: a cookie in insert, rewrite or prefix mode. */
    final boolean watchesResponse;
    /** {@code indirect}: the cookie is stripped from the forwarded request. */
    final boolean indirect;
    /** {@code prefix} mode: {@code id~} is stripped from the cookie's value. */
    final boolean prefix;
    /** {@code nocache}: cacheability headers are read at commit. */
    final boolean nocache;
    /** Whether the configuration's {@code cookie} line says {@code secure}. */
    final boolean configSecure;
    /** The {@code ; attr} suffix core appends last (HAProxy's order: path, domains, HttpOnly, Secure, attrs). */
    final String attrSuffix;

    BackendInfo(Backend backend) {
      this.backend = backend;
      CookieConfig c = backend.config().cookie();
      cookieName = c == null ? null : c.name();
      watchesResponse = c != null && c.mode() != CookieConfig.Mode.PASSIVE;
      indirect = c != null && c.indirect() && c.mode() == CookieConfig.Mode.INSERT;
      prefix = c != null && c.mode() == CookieConfig.Mode.PREFIX;
      nocache = c != null && c.nocache();
      configSecure = c != null && c.secure();
      StringBuilder attrs = new StringBuilder();
      if (c != null) {
        for (String a : c.attrs()) {
          attrs.append("; ").append(a);
        }
      }
      attrSuffix = attrs.toString();
    }

    /**
     * The {@code Set-Cookie} value core built, with {@code ; Secure} added or removed as {@code want} says,
     * at HAProxy's position (before the {@code attr}s). Only a constant is inserted: no request data.
     */
    String secure(String setCookie, boolean want) {
      if (want == configSecure || !setCookie.endsWith(attrSuffix)) {
        return setCookie;
      }
      int at = setCookie.length() - attrSuffix.length();
      if (want) {
        return setCookie.substring(0, at) + "; Secure" + attrSuffix;
      }
      int from = at - "; Secure".length();
      if (from < 0 || !setCookie.startsWith("; Secure", from)) {
        return setCookie;
      }
      return setCookie.substring(0, from) + attrSuffix;
    }
  }

  final Router router;
  final Frontend frontend;
  final Backend backend;
  final StickyRouteFilter.Options options;
  private final BackendInfo[] infos;

  Engine(Router router, StickyRouteFilter.Options options) {
    this.router = router;
    this.options = options;
    List<Backend> bs = router.backends();
    infos = new BackendInfo[bs.size()];
    for (int i = 0; i < infos.length; i++) {
      infos[i] = new BackendInfo(bs.get(i));
    }
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

  /** The facts of backend {@code b} (one of the router's), or {@code null}. */
  BackendInfo info(Backend b) {
    if (b == null) {
      return null;
    }
    for (BackendInfo i : infos) {
      if (i.backend == b) {
        return i;
      }
    }
    return null;
  }

  /** A human-readable name of the entry point, for start-up logs. */
  String entryPoint() {
    return frontend != null ? "frontend " + frontend.name() : "backend " + backend.name();
  }
}
