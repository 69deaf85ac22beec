package org.stickyroute.servlet;

import static java.nio.charset.StandardCharsets.UTF_8;

import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import org.stickyroute.Backend;
import org.stickyroute.BackendStats;
import org.stickyroute.Router;
import org.stickyroute.RouterStats;
import org.stickyroute.config.FrontendConfig;
import org.stickyroute.config.RoutingConfig;
import org.stickyroute.config.StatsConfig;

/**
 * HAProxy's stats page for a {@link Router}'s live state: HAProxy 2.6's layout ({@link StatsHtml}), or JSON
 * ({@link StatsJson}) with {@code ?format=json} or {@code Accept: application/json}. Map it to {@code
 * <uri>/*} (e.g. {@code /stickyroute/stats/*}) so that {@code <uri>/admin} reaches it too. Protected by HTTP
 * Basic credentials: a missing or wrong {@code Authorization} gets {@code 401} with {@code WWW-Authenticate:
 * Basic realm="stickyroute"}; credentials are compared in constant time ({@link BasicAuth}). No credentials
 * configured = nobody gets in. Responses are {@code Cache-Control: no-store}; pages may not be framed.
 *
 * <p>HAProxy's URL options follow the URI after {@code ;}: {@code ;up} hides DOWN and MAINT servers, {@code
 * ;norefresh} stops the auto-refresh that {@code stats refresh} turns on (sent as HAProxy sends it, a {@code
 * Refresh} header), {@code ;st=DONE} (and the other codes) shows an admin action's result, and {@code ;csv}
 * answers with HAProxy's CSV instead of the page ({@link StatsCsv}, {@code text/plain}). {@code <uri>/metrics}
 * answers in the Prometheus text format with the names of HAProxy's exporter ({@link StatsPrometheus}), and so
 * does the servlet mapped exactly at a path ending in {@code /metrics} (the demo's {@code /stickyroute/metrics}).
 *
 * <p>With {@code stats admin if TRUE} in the stats section, the page has HAProxy's admin form (POST to the
 * page: set state to READY/DRAIN/MAINT, health UP/DOWN, or a weight, for the checked servers) and {@code POST
 * <uri>/admin} takes JSON ({@link StatsJsonAdmin}); both need the credentials and pass {@link StatsAdmin}'s
 * CSRF checks. Without {@code stats admin}, every POST is refused with {@code 403}.
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
  private final transient StatsAdmin admin = new StatsAdmin();
  private final long startedMillis = System.currentTimeMillis();

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
    StatsConfig s = statsOf(config, section);
    return s == null ? List.of() : s.credentials();
  }

  /**
   * The stats settings the page follows ({@code stats auth}, {@code stats admin}, {@code stats refresh}): those
   * of {@code section} if given, else of the first frontend or listen section with {@code stats auth} lines;
   * {@code null} when there is none.
   */
  public static StatsConfig statsOf(RoutingConfig config, String section) {
    for (FrontendConfig f : config.frontends()) {
      StatsConfig s = f.stats();
      if (section != null ? f.name().equals(section) : s != null && !s.credentials().isEmpty()) {
        return s;
      }
    }
    return null;
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

  /** The authenticated user, or {@code null} after answering 401 (or 503 without a router). */
  private String authenticate(HttpServletRequest req, HttpServletResponse resp, Router r) throws IOException {
    resp.setHeader("Cache-Control", "no-store");
    resp.setHeader("X-Frame-Options", "DENY");
    resp.setHeader("Content-Security-Policy", "frame-ancestors 'none'");
    resp.setHeader("X-Content-Type-Options", "nosniff");
    if (r == null) {
      resp.sendError(503, "no stickyroute router in this context");
      return null;
    }
    String header = req.getHeader("Authorization");
    if (!auth(r).accepts(header)) {
      resp.setStatus(401);
      resp.setHeader("WWW-Authenticate", "Basic realm=\"" + REALM + "\"");
      resp.setContentType("text/plain;charset=utf-8");
      resp.getWriter().print("401 Unauthorized\n");
      return null;
    }
    String userPass = new String(Base64.getDecoder().decode(header.trim().substring(6).trim()), UTF_8);
    return userPass.substring(0, Math.max(0, userPass.indexOf(':')));
  }

  @Override
  protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    Router r = router();
    String user = authenticate(req, resp, r);
    if (user == null) {
      return;
    }
    String sub = req.getPathInfo();
    if ("/metrics".equals(sub) || sub == null && req.getServletPath().endsWith("/metrics")) {
      resp.setContentType(StatsPrometheus.CONTENT_TYPE);
      StatsPrometheus.write(r.stats(), resp.getOutputStream());
      return;
    }
    if (sub != null && !sub.equals("/")) {
      if (sub.equals("/admin")) {
        resp.setHeader("Allow", "POST");
        plain(resp, 405, "POST a JSON object to " + base(req) + "/admin (see docs/stats.md)");
      } else {
        plain(resp, 404, "no such stats page");
      }
      return;
    }
    RouterStats stats = r.stats();
    if (hasOption(options(req), "csv")) {
      resp.setContentType("text/plain;charset=utf-8");
      PrintWriter w = resp.getWriter();
      StatsCsv.write(stats, w);
      w.flush();
      return;
    }
    if (wantsJson(req)) {
      resp.setContentType("application/json;charset=utf-8");
      PrintWriter w = resp.getWriter();
      StatsJson.write(stats, w);
      w.flush();
      return;
    }
    int inFlight = 0;
    for (BackendStats b : stats.backends()) {
      inFlight += b.inFlight();
    }
    StatsConfig sc = statsOf(r.config(), section);
    String opts = options(req);
    boolean hideDown = hasOption(opts, "up");
    boolean noRefresh = hasOption(opts, "norefresh");
    int refresh = sc == null ? 0 : sc.refreshSeconds();
    boolean canAdmin = sc != null && sc.admin();
    long now = System.currentTimeMillis();
    StatsHtml.View view = new StatsHtml.View(base(req), canAdmin,
        canAdmin ? admin.token(user, now / 1000) : "", hideDown, noRefresh, refresh, statusCode(opts),
        (now - startedMillis) / 1000, inFlight);
    if (refresh > 0 && !noRefresh) {
      resp.setHeader("Refresh", Integer.toString(refresh));
    }
    resp.setContentType("text/html;charset=utf-8");
    resp.getWriter().print(StatsHtml.page(stats, view));
  }

  @Override
  protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    Router r = router();
    String user = authenticate(req, resp, r);
    if (user == null) {
      return;
    }
    StatsConfig sc = statsOf(r.config(), section);
    if (sc == null || !sc.admin()) {
      plain(resp, 403, "admin actions are disabled: the stats section has no 'stats admin if TRUE'");
      return;
    }
    if (!StatsAdmin.sameOrigin(req.getHeader("Origin"), req.getHeader("Host"), req.getHeader("Sec-Fetch-Site"))) {
      plain(resp, 403, "cross-origin admin request refused");
      return;
    }
    String sub = req.getPathInfo();
    if ("/admin".equals(sub)) {
      String type = req.getContentType();
      if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
        plain(resp, 415, "the admin endpoint takes Content-Type: application/json");
        return;
      }
      String body = new String(req.getInputStream().readNBytes(64 * 1024), UTF_8);
      StatsJsonAdmin.Answer a = StatsJsonAdmin.handle(r, body);
      resp.setStatus(a.status());
      resp.setContentType("application/json;charset=utf-8");
      resp.getWriter().print(a.json());
      return;
    }
    if (sub != null && !sub.equals("/")) {
      plain(resp, 404, "no such stats page");
      return;
    }
    if (!admin.validToken(req.getParameter("token"), user, System.currentTimeMillis() / 1000)) {
      plain(resp, 403, "missing or invalid form token: reload the stats page and try again");
      return;
    }
    resp.setStatus(303);
    resp.setHeader("Location", base(req) + keptOptions(options(req)) + ";st=" + applyForm(req, r));
  }

  /** Applies the form's action to its checked servers; HAProxy's result code (DONE, NONE, PART, ERRP). */
  private static String applyForm(HttpServletRequest req, Router r) {
    StatsAdmin.Action action = StatsAdmin.Action.ofForm(req.getParameter("action"));
    String bn = req.getParameter("b");
    Backend backend = bn == null ? null : r.backend(bn);
    if (action == null || backend == null) {
      return "ERRP";
    }
    int weight = 0;
    if (action == StatsAdmin.Action.WEIGHT) {
      try {
        weight = Integer.parseInt(String.valueOf(req.getParameter("weight")).strip());
      } catch (NumberFormatException e) {
        return "ERRP";
      }
      if (weight < 0 || weight > 256) {
        return "ERRP";
      }
    }
    String[] servers = req.getParameterValues("s");
    if (servers == null || servers.length == 0) {
      return "NONE";
    }
    int done = 0;
    for (String s : servers) {
      if (backend.snapshot().indexOf(s) >= 0) {
        StatsAdmin.apply(backend, s, action, weight);
        done++;
      }
    }
    return done == servers.length ? "DONE" : done == 0 ? "ERRP" : "PART";
  }

  private static void plain(HttpServletResponse resp, int status, String message) throws IOException {
    resp.setStatus(status);
    resp.setContentType("text/plain;charset=utf-8");
    resp.getWriter().print(message + "\n");
  }

  /** The page's own URI without options: context path + servlet path. */
  private static String base(HttpServletRequest req) {
    return req.getContextPath() + req.getServletPath();
  }

  /** The {@code ;options} after the last path segment of the raw request URI ({@code ""} when none). */
  static String options(HttpServletRequest req) {
    String uri = req.getRequestURI();
    int semi = uri.indexOf(';', uri.lastIndexOf('/') + 1);
    return semi < 0 ? "" : uri.substring(semi);
  }

  static boolean hasOption(String options, String name) {
    for (int i = 0; i < options.length(); ) {
      int end = options.indexOf(';', i + 1);
      end = end < 0 ? options.length() : end;
      if (options.regionMatches(i + 1, name, 0, name.length()) && i + 1 + name.length() == end) {
        return true;
      }
      i = end;
    }
    return false;
  }

  private static String statusCode(String options) {
    int i = options.indexOf(";st=");
    if (i < 0) {
      return null;
    }
    int end = options.indexOf(';', i + 1);
    String code = options.substring(i + 4, end < 0 ? options.length() : end);
    return code.matches("[A-Z]{4}") ? code : "UNKN";
  }

  private static String keptOptions(String options) {
    return (hasOption(options, "up") ? ";up" : "") + (hasOption(options, "norefresh") ? ";norefresh" : "");
  }

  private static boolean wantsJson(HttpServletRequest req) {
    if ("json".equals(req.getParameter("format"))) {
      return true;
    }
    String accept = req.getHeader("Accept");
    return accept != null && accept.startsWith("application/json");
  }
}
