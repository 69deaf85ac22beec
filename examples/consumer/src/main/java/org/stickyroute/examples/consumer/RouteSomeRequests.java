package org.stickyroute.examples.consumer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.stickyroute.Decision;
import org.stickyroute.Frontend;
import org.stickyroute.Router;
import org.stickyroute.config.ConfigLoader;
import org.stickyroute.config.RoutingConfig;
import org.stickyroute.http.RequestView;
import org.stickyroute.http.ResponseView;
import org.stickyroute.servlet.StatsJson;

/**
 * Loads Overleaf's configuration (examples/overleaf.cfg), routes a few requests exactly as HAProxy 2.6 would,
 * prints where each goes, and checks what must hold: both requests of one project reach the same instance
 * ({@code balance uri depth 2}), and a {@code SERVERID} cookie pins a visitor to its instance.
 */
public final class RouteSomeRequests {
  private RouteSomeRequests() {}

  /**
   * Runs the example.
   *
   * @param args the configuration file (default {@code ../overleaf.cfg})
   * @throws IOException if the configuration cannot be read
   */
  public static void main(String[] args) throws IOException {
    RoutingConfig config = ConfigLoader.load(Path.of(args.length > 0 ? args[0] : "../overleaf.cfg"));
    Router router = Router.create(config);
    Frontend frontend = router.frontend("incoming_http");

    String compile = route(router, frontend, RequestView.of("GET", "/project/5f3c/compile"));
    String pdf = route(router, frontend, RequestView.of("GET", "/project/5f3c/output/output.pdf"));
    route(router, frontend, RequestView.of("GET", "/project/42/compile"));
    String fresh = route(router, frontend, RequestView.of("GET", "/login"));
    String pinned = route(router, frontend, RequestView.of("GET", "/login", "lang=en; SERVERID=docker-2"));

    System.out.println(StatsJson.render(List.of(router.backend("sharelatex_generic").stats())));

    check(compile.equals(pdf), "one project, one instance: " + compile + " vs " + pdf);
    check(fresh.contains("set-cookie SERVERID="), "a new visitor gets a SERVERID cookie: " + fresh);
    check(pinned.equals("sharelatex_generic/docker-2"), "SERVERID=docker-2 pins to docker-2, no new cookie: " + pinned);
    System.out.println("consumer example: OK");
  }

  /** Routes one request and prints, then returns, "backend/server" and the Set-Cookie a 200 would get. */
  private static String route(Router router, Frontend frontend, RequestView request) {
    try (Decision d = new Decision()) {
      router.route(frontend, request, d);
      if (!d.ok()) {
        String line = "status " + d.status();
        System.out.println(request.method() + " " + request.target() + " -> " + line);
        return line;
      }
      router.respond(d, ResponseView.of(200));
      String line = d.backend().name() + "/" + d.serverName()
          + (d.setCookie() != null ? " set-cookie " + d.setCookie() : "");
      System.out.println(request.method() + " " + request.target() + " -> " + line);
      return line;
    }
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      System.err.println("consumer example: FAILED: " + what);
      System.exit(1);
    }
  }
}
