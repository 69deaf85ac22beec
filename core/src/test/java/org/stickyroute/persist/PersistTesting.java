package org.stickyroute.persist;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.stickyroute.Backend;
import org.stickyroute.Decision;
import org.stickyroute.http.RequestView;
import org.stickyroute.http.ResponseView;
import org.stickyroute.Router;
import org.stickyroute.config.ConfigLoader;
import org.stickyroute.config.RoutingConfig;

/** Helpers: a router over an HAProxy-syntax backend at a fixed clock, and one-call request/response runs. */
final class PersistTesting {
  private PersistTesting() {}

  static Router router(long nowSeconds, String backendBody) {
    RoutingConfig c = ConfigLoader.parse("backend be\n" + backendBody, "test.cfg", false);
    return Router.create(c, Clock.fixed(Instant.ofEpochSecond(nowSeconds), ZoneOffset.UTC));
  }

  /** The outcome of one exchange, as strings. */
  record Result(String server, char flag, List<String> forwarded, List<String> setCookies, List<String> cacheControl,
      int status, boolean addedPrivate) {}

  static Result run(Router r, String method, String[] cookies, int status, String... respHeaders) {
    Backend b = r.backend("be");
    try (Decision d = new Decision()) {
      r.route(b, RequestView.of(method, "/x", cookies), d);
      List<String> fwd = new ArrayList<>();
      for (int i = 0; i < d.cookieHeaderCount(); i++) {
        CharSequence f = d.forwardedCookie(i);
        if (f != null) {
          fwd.add(f.toString());
        }
      }
      if (!d.ok()) {
        return new Result("-", d.cookieFlag(), fwd, List.of(), List.of(), d.status(), false);
      }
      ResponseView resp = ResponseView.of(status, respHeaders);
      r.respond(d, resp);
      List<String> sc = new ArrayList<>();
      List<String> cc = new ArrayList<>();
      for (int i = 0; i < resp.headerCount(); i++) {
        String name = resp.headerName(i).toString();
        if (name.equalsIgnoreCase("set-cookie")) {
          CharSequence v = d.responseHeader(i, resp.headerValue(i));
          if (v != null) {
            sc.add(v.toString());
          }
        } else if (name.equalsIgnoreCase("cache-control")) {
          cc.add(resp.headerValue(i).toString());
        }
      }
      if (d.setCookie() != null) {
        sc.add(d.setCookie());
      }
      if (d.cacheControlPrivate()) {
        cc.add("private");
      }
      return new Result(d.serverName(), d.cookieFlag(), fwd, sc, cc, 0, d.cacheControlPrivate());
    }
  }

  static Result get(Router r, String... cookies) {
    return run(r, "GET", cookies, 200);
  }
}
