package org.stickyroute.servlet.testing;

import java.util.function.Supplier;
import java.util.stream.Stream;

/** The two real containers every servlet test runs in, as parameters for {@code @ParameterizedClass}. */
public enum Containers implements Supplier<ServletContainer> {
  /** Jetty 12, ee10 (Servlet 6.0). */
  JETTY {
    @Override
    public ServletContainer get() {
      return ServletContainer.jetty();
    }
  },
  /** Tomcat 11 (Servlet 6.1). */
  TOMCAT {
    @Override
    public ServletContainer get() {
      return ServletContainer.tomcat();
    }
  };

  /** Both, for {@code @MethodSource}. */
  public static Stream<Containers> both() {
    return Stream.of(values());
  }
}
