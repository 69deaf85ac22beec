package org.stickyroute.servlet.perf;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.stickyroute.Router;
import org.stickyroute.config.ConfigLoader;
import org.stickyroute.servlet.StickyProxyServlet;
import org.stickyroute.servlet.StickyRouteFilter;

/**
 * One side of the filter-overhead measurement ({@code servlet-filter/perf/filter-overhead.sh}): Jetty 12
 * (ee10) on 127.0.0.1 serving a trivial servlet (a 2-byte body), with or without {@link StickyRouteFilter}
 * in front. Everything else is identical. Not a test; run it with {@code --port P [--filter | --noop-filter |
 * --wrap-filter | --proxy BACKEND_PORT]}. {@code --proxy} puts the filter in front of {@link StickyProxyServlet}
 * instead, forwarding to a trivial server on {@code BACKEND_PORT} (every configured server is that one), for the
 * counters' A/B (the same proxy with {@code -Dstickyroute.counters=off} and without).
 *
 * <p>The filter routes with {@link #CONFIG}: {@code /project/...} goes to a {@code balance uri depth 2}
 * backend (no cookie: nothing to strip, the response is not watched), everything else to {@code roundrobin} with {@code cookie SERVERID
 * insert indirect nocache} (a valid cookie: the request is wrapped to strip it, the response is watched).
 */
public final class FilterOverheadServer {
  /** The routing configuration of the filtered side (servers are never contacted). */
  public static final String CONFIG = """
      frontend fe
          acl is_project path_beg -i /project
          use_backend projects if is_project
          default_backend app

      backend projects
          balance uri depth 2
          server p1 10.0.0.1:80
          server p2 10.0.0.2:80
          server p3 10.0.0.3:80

      backend app
          balance roundrobin
          cookie SERVERID insert indirect nocache
          server s1 10.0.0.1:80 cookie s1
          server s2 10.0.0.2:80 cookie s2
          server s3 10.0.0.3:80 cookie s3
      """;

  private FilterOverheadServer() {}

  /** {@code --port P [--filter | --noop-filter | --wrap-filter]}. */
  public static void main(String[] args) throws Exception {
    int port = 0;
    boolean filter = false;
    boolean noop = false;
    boolean wrap = false;
    int proxyTo = 0;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--port" -> port = Integer.parseInt(args[++i]);
        case "--filter" -> filter = true;
        case "--noop-filter" -> noop = true;
        case "--wrap-filter" -> wrap = true;
        case "--proxy" -> proxyTo = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException(
            "usage: --port P [--filter | --noop-filter | --wrap-filter | --proxy BACKEND_PORT]");
      }
    }
    Server server = new Server();
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendDateHeader(false);
    http.setHeaderCacheCaseSensitive(true);
    ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setHost("127.0.0.1");
    connector.setPort(port);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    if (proxyTo > 0) {
      String cfg = CONFIG.replaceAll("10\\.0\\.0\\.[0-9]:80", "127.0.0.1:" + proxyTo);
      Router router = Router.create(ConfigLoader.parse(cfg, "perf.cfg", true));
      FilterHolder h = new FilterHolder(new StickyRouteFilter(router, StickyRouteFilter.Options.defaults()));
      h.setName("sticky");
      h.setAsyncSupported(true);
      ServletHolder p = new ServletHolder("proxy", new StickyProxyServlet());
      p.setAsyncSupported(true);
      context.addServlet(p, "/*");
      org.eclipse.jetty.ee10.servlet.FilterMapping m = new org.eclipse.jetty.ee10.servlet.FilterMapping();
      m.setFilterName("sticky");
      m.setServletName("proxy");
      m.setDispatcherTypes(EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC, DispatcherType.ERROR));
      context.getServletHandler().addFilter(h, m);
      server.setHandler(context);
      server.start();
      System.out.println("ready: proxy to 127.0.0.1:" + proxyTo + ", counters "
          + (org.stickyroute.ExchangeRecord.counting() ? "on" : "off") + ", on 127.0.0.1:" + connector.getLocalPort());
      server.join();
      return;
    }
    if (filter) {
      Router router = Router.create(ConfigLoader.parse(CONFIG, "perf.cfg", true));
      FilterHolder h = new FilterHolder(new StickyRouteFilter(router, StickyRouteFilter.Options.defaults()));
      h.setAsyncSupported(true);
      context.addFilter(h, "/*", EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC, DispatcherType.ERROR));
    } else if (wrap) {
      // Jetty's cost of a filter that wraps request and response (what the cookie path needs), doing nothing else
      FilterHolder h = new FilterHolder((jakarta.servlet.Filter) (rq, rs, chain) -> chain.doFilter(
          new jakarta.servlet.http.HttpServletRequestWrapper((jakarta.servlet.http.HttpServletRequest) rq),
          new jakarta.servlet.http.HttpServletResponseWrapper((jakarta.servlet.http.HttpServletResponse) rs)));
      h.setAsyncSupported(true);
      context.addFilter(h, "/*", EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC, DispatcherType.ERROR));
    } else if (noop) {
      // Jetty's own cost of having a filter at all, for comparison
      FilterHolder h = new FilterHolder((jakarta.servlet.Filter) (rq, rs, chain) -> chain.doFilter(rq, rs));
      h.setAsyncSupported(true);
      context.addFilter(h, "/*", EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC, DispatcherType.ERROR));
    }
    ServletHolder s = new ServletHolder(new Trivial());
    s.setAsyncSupported(true);
    context.addServlet(s, "/*");
    server.setHandler(context);
    server.start();
    System.out.println("ready " + (filter ? "with" : noop ? "with a no-op" : wrap ? "with a wrapping no-op" : "without") + " filter on 127.0.0.1:" + connector.getLocalPort());
    server.join();
  }

  /** Answers {@code ok}. */
  static final class Trivial extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final byte[] OK = "ok".getBytes(StandardCharsets.US_ASCII);

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      resp.setContentType("text/plain");
      resp.setContentLength(OK.length);
      resp.getOutputStream().write(OK);
    }
  }
}
