package org.stickyroute.config;

import java.util.Objects;

/**
 * {@code option httpchk [<method>] [<uri>] [<version>]}: the request a health check sends. HAProxy's
 * defaults are {@code OPTIONS / HTTP/1.0}.
 *
 * @param method the request method
 * @param uri the request-target
 * @param version the HTTP version string
 */
public record HttpCheckConfig(String method, String uri, String version) {
  /** {@code option httpchk} without arguments. */
  public static final HttpCheckConfig DEFAULT = new HttpCheckConfig("OPTIONS", "/", "HTTP/1.0");

  /** Validates the components. */
  public HttpCheckConfig {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(uri, "uri");
    Objects.requireNonNull(version, "version");
  }
}
