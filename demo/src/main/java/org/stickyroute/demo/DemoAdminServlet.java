package org.stickyroute.demo;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.stickyroute.Backend;
import org.stickyroute.BackendStats;
import org.stickyroute.config.StatsConfig;
import org.stickyroute.servlet.BasicAuth;
import org.stickyroute.servlet.StatsHtml;
import org.stickyroute.servlet.StickyStatsServlet;

/**
 * The demo's admin page under {@code /stickyroute/}: the instances with buttons to switch each one UP, SICK
 * (its {@code /status} answers 503, so health checks fail, but it still serves) or DOWN (its port closes, so
 * connections are refused and the proxy retries and redispatches), and the live stats of every backend,
 * refreshed every two seconds. {@code POST /stickyroute/instance?name=docker-1&state=DOWN} does the same
 * from {@code curl}. Protected by the same Basic credentials as the stats page; a cross-site form post
 * (an {@code Origin} that is not this host) is refused.
 */
final class DemoAdminServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;
  private final transient Demo demo;
  private final transient BasicAuth auth;

  DemoAdminServlet(Demo demo, List<StatsConfig.Credential> credentials) {
    this.demo = demo;
    this.auth = new BasicAuth(credentials);
  }

  private boolean authorized(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    resp.setHeader("Cache-Control", "no-store");
    if (auth.accepts(req.getHeader("Authorization"))) {
      return true;
    }
    resp.setStatus(401);
    resp.setHeader("WWW-Authenticate", "Basic realm=\"" + StickyStatsServlet.REALM + "\"");
    resp.setContentType("text/plain;charset=utf-8");
    resp.getWriter().print("401 Unauthorized\n");
    return false;
  }

  @Override
  protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    if (!authorized(req, resp)) {
      return;
    }
    String path = req.getPathInfo();
    if (path != null && !path.equals("/")) {
      resp.sendError(404);
      return;
    }
    resp.setContentType("text/html;charset=utf-8");
    resp.getWriter().print(page());
  }

  @Override
  protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    if (!authorized(req, resp)) {
      return;
    }
    if (!"/instance".equals(req.getPathInfo())) {
      resp.sendError(404);
      return;
    }
    String origin = req.getHeader("Origin");
    String host = req.getHeader("Host");
    if (origin != null && !origin.equals("http://" + host)) {
      resp.sendError(403, "cross-site request refused");
      return;
    }
    DemoInstance instance = demo.instance(String.valueOf(req.getParameter("name")));
    DemoInstance.State state;
    try {
      state = DemoInstance.State.valueOf(String.valueOf(req.getParameter("state")).toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      state = null;
    }
    if (instance == null || state == null) {
      resp.sendError(400, "expects name=docker-0..2 and state=UP|SICK|DOWN");
      return;
    }
    try {
      instance.setState(state);
    } catch (Exception e) {
      resp.sendError(500, "cannot switch the instance");
      return;
    }
    String accept = req.getHeader("Accept");
    if (accept != null && accept.contains("text/html")) {
      resp.setStatus(303);
      resp.setHeader("Location", "/stickyroute/");
      return;
    }
    resp.setContentType("text/plain;charset=utf-8");
    resp.getWriter().print(instance.name() + " is now " + state + "\n");
  }

  private String page() {
    StringBuilder b = new StringBuilder(8192);
    b.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>stickyroute demo</title>\n");
    b.append("<meta http-equiv=\"refresh\" content=\"2\">\n").append(StatsHtml.STYLE);
    b.append("<style>form{display:inline}button{margin-right:.3em}td.UP{color:#176317}td.SICK{color:#8a6d00}"
        + "td.DOWN{color:#a61b1b}</style>\n</head><body>\n");
    b.append("<h1>stickyroute demo</h1>\n<p>Three Overleaf-like instances behind a Java reverse proxy taking "
        + "HAProxy 2.6's decisions from <code>examples/overleaf.cfg</code>. Health checks: <code>GET /status</code> "
        + "every ").append(demo.interMillis()).append(" ms, rise 2, fall 3. This page refreshes every 2 s.</p>\n");
    b.append("<ul><li><b>SICK</b>: <code>/status</code> answers 503, so the checks mark it DOWN after 3 failures; "
        + "it still serves requests that reach it.</li><li><b>DOWN</b>: its port is closed: requests to it are "
        + "refused, retried and redispatched (<code>option redispatch</code>) with a new cookie.</li></ul>\n");
    b.append("<h2>instances</h2>\n<table class=\"stats\"><tr><th>instance</th><th>port</th><th>state</th>"
        + "<th>requests</th><th>checks answered</th><th>switch to</th></tr>\n");
    for (DemoInstance i : demo.instances()) {
      String n = StatsHtml.escape(i.name());
      b.append("<tr><td>").append(n).append("</td><td>").append(i.port()).append("</td><td class=\"")
          .append(i.state()).append("\">").append(i.state()).append("</td><td>").append(i.requests())
          .append("</td><td>").append(i.checks()).append("</td><td>");
      for (DemoInstance.State s : DemoInstance.State.values()) {
        b.append("<form method=\"post\" action=\"/stickyroute/instance\"><input type=\"hidden\" name=\"name\" value=\"")
            .append(n).append("\"><input type=\"hidden\" name=\"state\" value=\"").append(s).append("\"><button")
            .append(s == i.state() ? " disabled" : "").append('>').append(s).append("</button></form>");
      }
      b.append("</td></tr>\n");
    }
    b.append("</table>\n");
    List<BackendStats> stats = new ArrayList<>();
    for (Backend be : demo.router().backends()) {
      if (!be.config().servers().isEmpty()) {
        stats.add(be.stats());
      }
    }
    b.append(StatsHtml.tables(stats));
    b.append("<p><a href=\"/stickyroute/stats\">stats page</a> · <a href=\"/stickyroute/stats?format=json\">JSON</a>"
        + " · <a href=\"/\">the proxied site</a> · <a href=\"/project/123/compile\">compile project 123</a></p>\n");
    b.append("</body></html>\n");
    return b.toString();
  }
}
