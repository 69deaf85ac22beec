package org.stickyroute.servlet;

import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletContext;
import java.util.Enumeration;

/** {@link ServletConfig} with defaults for parameters the proxy reads. */
final class ProxyServletDefaults implements ServletConfig {
  private final ServletConfig delegate;

  ProxyServletDefaults(ServletConfig delegate) {
    this.delegate = delegate;
  }

  @Override
  public String getServletName() {
    return delegate.getServletName();
  }

  @Override
  public ServletContext getServletContext() {
    return delegate.getServletContext();
  }

  @Override
  public String getInitParameter(String name) {
    String v = delegate.getInitParameter(name);
    if (v != null) {
      return v;
    }
    if ("preserveHost".equals(name)) {
      return "true";
    }
    if ("maxThreads".equals(name)
        && delegate.getServletContext().getAttribute("org.eclipse.jetty.server.Executor") == null) {
      return "16";
    }
    return null;
  }

  @Override
  public Enumeration<String> getInitParameterNames() {
    return delegate.getInitParameterNames();
  }
}
