package org.stickyroute.config;

import java.util.Objects;

/**
 * {@code option httpchk [<method>] [<uri>] [<version>]}: the request a health check sends. HAProxy's
 * defaults are {@code OPTIONS / HTTP/1.0}.
 *
 * @param method the request method: an HTTP token the health checker can send (not {@code CONNECT})
 * @param uri the request-target (a {@code /} is prepended when it has none); must form a valid URI
 * @param version the HTTP version string
 */
public record HttpCheckConfig(String method, String uri, String version) {
  /** {@code option httpchk} without arguments. */
  public static final HttpCheckConfig DEFAULT = new HttpCheckConfig("OPTIONS", "/", "HTTP/1.0");

  /**
   * Validates the components: the method and the request-target must make a request the health checker
   * ({@code java.net.http}) can send — a configuration problem must fail at load, not silently stop a
   * server's checks later. Throws {@link IllegalArgumentException} naming the offending value.
   */
  public HttpCheckConfig {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(uri, "uri");
    Objects.requireNonNull(version, "version");
    java.net.URI target;
    try {
      // the checker requests http://<server address><uri>, with a '/' prepended when the uri has none
      target = new java.net.URI("http://127.0.0.1" + (uri.startsWith("/") ? uri : "/" + uri));
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException("'" + uri + "': not a valid httpchk request-target (" + e.getReason() + ")");
    }
    try {
      java.net.http.HttpRequest.newBuilder(target).method(method, java.net.http.HttpRequest.BodyPublishers.noBody());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + method + "': not a method the health checker can send");
    }
  }
}
