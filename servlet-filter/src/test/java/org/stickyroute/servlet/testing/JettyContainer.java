package org.stickyroute.servlet.testing;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.Servlet;
import java.util.EnumSet;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.FilterMapping;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** Jetty 12 with the ee10 servlet environment. */
final class JettyContainer implements ServletContainer {
  private boolean closed;
  private final Server server = new Server();
  private final ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(httpConfiguration()));
  private final ServletContextHandler context = new ServletContextHandler();

  /**
   * Jetty's per-connection header cache is case-insensitive by default: a later {@code Cookie} header that
   * differs from an earlier one on the same connection only in case can be handed over with the earlier
   * case ({@code SERVERID=s3} read as {@code SERVERID=S3}). Cookie names and values are case-sensitive, so
   * stickyroute's deployments (and these tests) make the cache case-sensitive.
   */
  static HttpConfiguration httpConfiguration() {
    HttpConfiguration c = new HttpConfiguration();
    c.setHeaderCacheCaseSensitive(true);
    return c;
  }

  JettyContainer() {
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    server.setHandler(context);
  }

  @Override
  public ServletContainer filter(String name, Filter filter, String pattern, Map<String, String> initParams) {
    FilterHolder h = new FilterHolder(filter);
    h.setName(name);
    h.setAsyncSupported(true);
    h.setInitParameters(initParams);
    context.addFilter(h, pattern, EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC, DispatcherType.ERROR,
        DispatcherType.FORWARD));
    return this;
  }

  @Override
  public ServletContainer filterForServlet(String name, Filter filter, String servletName, Map<String, String> params) {
    FilterHolder h = new FilterHolder(filter);
    h.setName(name);
    h.setAsyncSupported(true);
    h.setInitParameters(params);
    FilterMapping m = new FilterMapping();
    m.setFilterName(name);
    m.setServletName(servletName);
    m.setDispatcherTypes(EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC, DispatcherType.ERROR,
        DispatcherType.FORWARD));
    context.getServletHandler().addFilter(h, m);
    return this;
  }

  @Override
  public ServletContainer servletWithParams(String name, Servlet servlet, String pattern, Map<String, String> params) {
    ServletHolder h = new ServletHolder(name, servlet);
    h.setAsyncSupported(true);
    h.setInitParameters(params);
    context.addServlet(h, pattern);
    return this;
  }

  @Override
  public ServletContainer start() throws Exception {
    server.start();
    return this;
  }

  @Override
  public int port() {
    return connector.getLocalPort();
  }

  @Override
  public String name() {
    return "Jetty 12";
  }

  @Override
  public void close() throws Exception {
    if (closed) {
      return;
    }
    closed = true;
    server.stop();
  }
}
