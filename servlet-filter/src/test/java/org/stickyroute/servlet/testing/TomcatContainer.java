package org.stickyroute.servlet.testing;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.Servlet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.catalina.Context;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;

/** Tomcat 11 (embedded). */
final class TomcatContainer implements ServletContainer {
  private boolean closed;
  private final Tomcat tomcat = new Tomcat();
  private final Context context;
  private final Path base;

  TomcatContainer() {
    try {
      base = Files.createTempDirectory("tomcat");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    tomcat.setBaseDir(base.toString());
    Connector c = new Connector();
    c.setPort(0);
    c.setProperty("address", "127.0.0.1");
    tomcat.setConnector(c);
    context = tomcat.addContext("", base.toString());
  }

  @Override
  public ServletContainer filter(String name, Filter filter, String pattern, Map<String, String> initParams) {
    FilterMap map = addFilter(name, filter, initParams);
    map.addURLPattern(pattern);
    context.addFilterMap(map);
    return this;
  }

  @Override
  public ServletContainer filterForServlet(String name, Filter filter, String servletName, Map<String, String> params) {
    FilterMap map = addFilter(name, filter, params);
    map.addServletName(servletName);
    context.addFilterMap(map);
    return this;
  }

  /** Defines the filter (async-supported) and returns its mapping for every dispatch type, without a target yet. */
  private FilterMap addFilter(String name, Filter filter, Map<String, String> params) {
    FilterDef def = new FilterDef();
    def.setFilterName(name);
    def.setFilter(filter);
    def.setAsyncSupported("true");
    params.forEach(def::addInitParameter);
    context.addFilterDef(def);
    FilterMap map = new FilterMap();
    map.setFilterName(name);
    for (DispatcherType t : new DispatcherType[] {DispatcherType.REQUEST, DispatcherType.ASYNC, DispatcherType.ERROR,
        DispatcherType.FORWARD}) {
      map.setDispatcher(t.name());
    }
    return map;
  }

  @Override
  public ServletContainer servletWithParams(String name, Servlet servlet, String pattern, Map<String, String> params) {
    Wrapper w = Tomcat.addServlet(context, name, servlet);
    w.setAsyncSupported(true);
    params.forEach(w::addInitParameter);
    context.addServletMappingDecoded(pattern, name);
    return this;
  }

  /**
   * Starts Tomcat. Tomcat itself starts even when the context fails (a filter's {@code init} threw: it logs the error
   * and answers 404); like Jetty, this container then refuses to start, with the error Tomcat logged as the cause.
   */
  @Override
  public ServletContainer start() throws Exception {
    java.util.logging.Logger log = java.util.logging.Logger.getLogger("org.apache.catalina"); // the context logs under ContainerBase.[...]
    java.util.List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.logging.Handler capture = new java.util.logging.Handler() {
      @Override
      public void publish(java.util.logging.LogRecord r) {
        if (r.getThrown() != null) {
          errors.add(r.getThrown());
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    log.addHandler(capture);
    try {
      tomcat.start();
    } finally {
      log.removeHandler(capture);
    }
    if (context.getState() != org.apache.catalina.LifecycleState.STARTED) {
      IllegalStateException e = new IllegalStateException("Tomcat's context did not start: " + context.getState(),
          errors.isEmpty() ? null : errors.get(0));
      errors.stream().skip(1).forEach(e::addSuppressed);
      throw e;
    }
    return this;
  }

  @Override
  public int port() {
    return tomcat.getConnector().getLocalPort();
  }

  @Override
  public String name() {
    return "Tomcat 11";
  }

  @Override
  public void close() throws Exception {
    if (closed) {
      return;
    }
    closed = true;
    tomcat.stop();
    tomcat.destroy();
    try (var files = Files.walk(base)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
