package org.stickyroute.servlet;

import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.stickyroute.Backend;
import org.stickyroute.BackendStats;
import org.stickyroute.Router;
import org.stickyroute.config.FrontendConfig;
import org.stickyroute.config.RoutingConfig;
import org.stickyroute.config.StatsConfig;

/**
 * HAProxy's stats page for a {@link Router}'s live state (issue 3's {@link BackendStats}): a small HTML
 * table per backend (every name and check detail escaped), or JSON ({@link StatsJson}) with {@code
 * ?format=json} or {@code Accept: application/json}. Protected by HTTP Basic credentials: a missing or
 * wrong {@code Authorization} gets {@code 401} with {@code WWW-Authenticate: Basic realm="stickyroute"};
 * credentials are compared in constant time ({@link BasicAuth}). No credentials configured = nobody gets
 * in. Responses are {@code Cache-Control: no-store}.
 *
 * <p>Credentials come from, in order: the constructor; init-params {@code auth} ({@code user:password},
 * several separated by new lines) or {@code auth-env} (the name of an environment variable holding {@code
 * user:password}); the {@code stats auth} lines of the section named by init-param {@code stats-section};
 * otherwise the {@code stats auth} lines of the first frontend or listen section that has some (for the
 * seed configuration, {@code listen admin}'s {@code stats auth user:pass}).
 *
 * <p>The router is the constructor's, or the one a {@link StickyRouteFilter} published in the {@code
 * ServletContext} (init-param {@code router-attribute}, default {@link StickyRouteFilter#ROUTER_ATTRIBUTE}),
 * looked up at the first request so filters and servlets may start in any order. Thread-safe.
 */
public class StickyStatsServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;
  /** The realm of the Basic challenge. */
  public static final String REALM = "stickyroute";

  private transient volatile Router router;
  private transient volatile BasicAuth auth;
  private transient List<StatsConfig.Credential> given;
  private String routerAttribute = StickyRouteFilter.ROUTER_ATTRIBUTE;
  private String section;

  /** A servlet configured from its init-params (see the class comment). */
  public StickyStatsServlet() {}

  /** A servlet for {@code router}, with credentials from the configuration's {@code stats auth}. */
  public StickyStatsServlet(Router router) {
    this.router = Objects.requireNonNull(router, "router");
  }

  /** A servlet for {@code router} accepting exactly these credentials. */
  public StickyStatsServlet(Router router, List<StatsConfig.Credential> credentials) {
    this.router = Objects.requireNonNull(router, "router");
    this.given = List.copyOf(credentials);
  }

  @Override
  public void init(ServletConfig config) throws ServletException {
    super.init(config);
    String attr = config.getInitParameter("router-attribute");
    if (attr != null && !attr.isBlank()) {
      routerAttribute = attr.strip();
    }
    section = config.getInitParameter("stats-section");
    if (given == null) {
      List<StatsConfig.Credential> fromParams = new ArrayList<>();
      String literal = config.getInitParameter("auth");
      if (literal != null) {
        for (String line : literal.strip().split("\n")) {
          fromParams.add(credential(line.strip(), "init-param 'auth'"));
        }
      }
      String env = config.getInitParameter("auth-env");
      if (env != null && !env.isBlank()) {
        String v = System.getenv(env.strip());
        if (v == null || v.isEmpty()) {
          throw new ServletException("stats servlet: environment variable '" + env.strip() + "' is not set");
        }
        fromParams.add(credential(v.strip(), "environment variable '" + env.strip() + "'"));
      }
      if (!fromParams.isEmpty()) {
        given = fromParams;
      }
    }
  }

  private static StatsConfig.Credential credential(String userPass, String where) throws ServletException {
    int colon = userPass.indexOf(':');
    if (colon <= 0) {
      throw new ServletException("stats servlet: " + where + " must be user:password");
    }
    return new StatsConfig.Credential(userPass.substring(0, colon), userPass.substring(colon + 1));
  }

  /**
   * The {@code stats auth} credentials of {@code config}: those of {@code section} if given, else of the
   * first frontend or listen section that has any. Empty when there are none.
   */
  public static List<StatsConfig.Credential> credentialsOf(RoutingConfig config, String section) {
    for (FrontendConfig f : config.frontends()) {
      StatsConfig s = f.stats();
      if (section != null ? f.name().equals(section) : s != null && !s.credentials().isEmpty()) {
        return s == null ? List.of() : s.credentials();
      }
    }
    return List.of();
  }

  private Router router() {
    Router r = router;
    if (r == null) {
      Object o = getServletContext().getAttribute(routerAttribute);
      if (o instanceof Router found) {
        router = r = found;
      }
    }
    return r;
  }

  private BasicAuth auth(Router r) {
    BasicAuth a = auth;
    if (a == null) {
      List<StatsConfig.Credential> c = given != null ? given : credentialsOf(r.config(), section);
      if (c.isEmpty()) {
        log("stickyroute stats: no credentials configured (stats auth, or init-param auth): every request is refused");
      }
      auth = a = new BasicAuth(c);
    }
    return a;
  }

  @Override
  protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    resp.setHeader("Cache-Control", "no-store");
    Router r = router();
    if (r == null) {
      resp.sendError(503, "no stickyroute router in this context");
      return;
    }
    if (!auth(r).accepts(req.getHeader("Authorization"))) {
      resp.setStatus(401);
      resp.setHeader("WWW-Authenticate", "Basic realm=\"" + REALM + "\"");
      resp.setContentType("text/plain;charset=utf-8");
      resp.getWriter().print("401 Unauthorized\n");
      return;
    }
    List<BackendStats> stats = new ArrayList<>();
    for (Backend b : r.backends()) {
      stats.add(b.stats());
    }
    if (wantsJson(req)) {
      resp.setContentType("application/json;charset=utf-8");
      PrintWriter w = resp.getWriter();
      StatsJson.write(stats, w);
      w.flush();
    } else {
      resp.setContentType("text/html;charset=utf-8");
      resp.getWriter().print(StatsHtml.page("stickyroute stats", stats, 0));
    }
  }

  private static boolean wantsJson(HttpServletRequest req) {
    if ("json".equals(req.getParameter("format"))) {
      return true;
    }
    String accept = req.getHeader("Accept");
    return accept != null && accept.startsWith("application/json");
  }
}
