package org.stickyroute.servlet.testing;

import jakarta.servlet.Filter;
import jakarta.servlet.Servlet;
import java.util.Map;

/**
 * A real servlet container (Jetty 12 ee10 or Tomcat 11) on an ephemeral 127.0.0.1 port, for tests that go
 * through real HTTP. Register filters and servlets, {@link #start()}, send requests to {@link #port()}.
 */
public interface ServletContainer extends AutoCloseable {
  /** Registers a filter on a URL pattern (REQUEST, ASYNC, ERROR, FORWARD dispatches). */
  ServletContainer filter(String name, Filter filter, String pattern, Map<String, String> initParams);

  /**
   * Registers a filter for the requests of one servlet (by servlet name, as {@code <servlet-name>} in a
   * {@code <filter-mapping>}), for REQUEST, ASYNC, ERROR and FORWARD dispatches.
   */
  ServletContainer filterForServlet(String name, Filter filter, String servletName, Map<String, String> initParams);

  /** Registers a servlet on a URL pattern; async supported. */
  default ServletContainer servlet(String name, Servlet servlet, String pattern) {
    return servletWithParams(name, servlet, pattern, java.util.Map.of());
  }

  /** Registers a servlet with init-params on a URL pattern; async supported. */
  ServletContainer servletWithParams(String name, Servlet servlet, String pattern, Map<String, String> initParams);

  /** Starts the container. */
  ServletContainer start() throws Exception;

  /** The bound port (after start). */
  int port();

  /** The container's name, for test display names. */
  String name();

  /** Stops the container and releases its threads. */
  @Override
  void close() throws Exception;

  /** A new Jetty 12 (ee10) container. */
  static ServletContainer jetty() {
    return new JettyContainer();
  }

  /** A new Tomcat 11 container. */
  static ServletContainer tomcat() {
    return new TomcatContainer();
  }
}
