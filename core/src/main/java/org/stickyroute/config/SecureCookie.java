package org.stickyroute.config;

/**
 * Whether the persistence cookie the load balancer inserts carries the {@code Secure} attribute (browsers then
 * send it back over HTTPS only). HAProxy knows one switch, the {@code secure} keyword of the {@code cookie}
 * line; behind a TLS-terminating proxy, or serving HTTP and HTTPS alike, one usually wants {@code Secure}
 * exactly on HTTPS requests, which {@link #AUTO} gives (the request's scheme comes from the adapter: {@link
 * org.stickyroute.http.RequestView#secure()}, which honours trusted proxies' {@code X-Forwarded-Proto}).
 *
 * <p>A backend's policy is {@link StickyOptions#secureCookie()}; an adapter may override it (the servlet
 * filter's {@code secure-cookie} option). Wherever {@code Secure} goes, it goes where HAProxy puts it: after
 * {@code HttpOnly}, before the {@code attr}s.
 */
public enum SecureCookie {
  /** As the {@code cookie} line says ({@code secure} or not): HAProxy's behaviour, and the default. */
  CONFIG,
  /** Exactly when the request arrived over HTTPS (directly, or per a trusted proxy). */
  AUTO,
  /** Always. */
  ALWAYS,
  /** Never, whatever the {@code cookie} line says. */
  NEVER;

  /**
   * Whether the cookie carries {@code Secure} under this policy.
   *
   * @param cookieLine whether the {@code cookie} line says {@code secure}
   * @param httpsRequest whether the request arrived over HTTPS
   */
  public boolean secure(boolean cookieLine, boolean httpsRequest) {
    return switch (this) {
      case CONFIG -> cookieLine;
      case AUTO -> httpsRequest;
      case ALWAYS -> true;
      case NEVER -> false;
    };
  }

  /** {@code override} unless it is {@link #CONFIG}, which defers to this policy. */
  public SecureCookie overriddenBy(SecureCookie override) {
    return override == null || override == CONFIG ? this : override;
  }

  /** The policy named {@code config}, {@code auto}, {@code always} or {@code never} (any case). */
  public static SecureCookie parse(String name) {
    return switch (name.toLowerCase(java.util.Locale.ROOT)) {
      case "config" -> CONFIG;
      case "auto" -> AUTO;
      case "always" -> ALWAYS;
      case "never" -> NEVER;
      default -> throw new IllegalArgumentException(
          "'" + name + "': secure-cookie expects config, auto, always or never");
    };
  }
}
