package org.stickyroute.config;

import java.util.List;
import java.util.Objects;

/**
 * A backend's persistence cookie: {@code cookie <name> [rewrite|insert|prefix] [indirect] [nocache]
 * [postonly] [preserve] [httponly] [secure] [domain <d>]* [maxidle <t>] [maxlife <t>] [dynamic] [attr <v>]*}.
 * Immutable.
 *
 * @param name the cookie name (case-sensitive, as HAProxy compares it)
 * @param mode passive, insert, rewrite or prefix
 * @param indirect {@code indirect}: strip the cookie from forwarded requests; no Set-Cookie when it was valid
 * @param nocache {@code nocache}: add {@code Cache-Control: private} to cacheable responses that get a cookie
 * @param postonly {@code postonly}: insert only on responses to POST
 * @param preserve {@code preserve}: leave a cookie the server set itself alone
 * @param httpOnly {@code httponly}
 * @param secure {@code secure}
 * @param domains every {@code domain} in order
 * @param maxIdleSeconds {@code maxidle} in seconds, 0 = none
 * @param maxLifeSeconds {@code maxlife} in seconds, 0 = none
 * @param dynamic {@code dynamic}: servers without a value get one from {@code dynamic-cookie-key}
 * @param attrs every {@code attr} in order
 */
public record CookieConfig(
    String name,
    Mode mode,
    boolean indirect,
    boolean nocache,
    boolean postonly,
    boolean preserve,
    boolean httpOnly,
    boolean secure,
    List<String> domains,
    long maxIdleSeconds,
    long maxLifeSeconds,
    boolean dynamic,
    List<String> attrs) {

  /** How the cookie is managed. */
  public enum Mode {
    /** No mode keyword: only read the cookie the application sets. */
    PASSIVE,
    /** {@code insert}: the load balancer sets the cookie. */
    INSERT,
    /** {@code rewrite}: the application sets it; its value is replaced with the server's. */
    REWRITE,
    /** {@code prefix}: the server's value is prefixed to an application cookie with {@code ~}. */
    PREFIX
  }

  /**
   * Validates the combination as HAProxy does, and every configured byte that reaches a {@code Set-Cookie}
   * header (name: an RFC 6265 token; domains and attrs: no control characters, whitespace, {@code ;} or
   * {@code ,}), and copies the lists. Throws {@link IllegalArgumentException} naming the offending value.
   */
  public CookieConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(mode, "mode");
    domains = List.copyOf(domains);
    attrs = List.copyOf(attrs);
    // Everything here ends up in a Set-Cookie header: the builder API is held to the loader's rules, so no
    // configured byte (CR, LF, other controls, ';', ',') can split the header or add an attribute.
    Cookies.checkToken(name, "cookie name");
    for (String d : domains) {
      Cookies.checkAttributeValue(d, "cookie domain");
    }
    for (String a : attrs) {
      Cookies.checkAttributeValue(a, "cookie attr");
    }
    if (mode == Mode.REWRITE && indirect) {
      throw new IllegalArgumentException("'indirect': cookie 'rewrite' and 'indirect' are mutually exclusive");
    }
    if (preserve && mode != Mode.INSERT && !indirect) {
      throw new IllegalArgumentException("'preserve': requires at least 'insert' or 'indirect'");
    }
    if (maxIdleSeconds < 0 || maxLifeSeconds < 0) {
      throw new IllegalArgumentException("maxidle and maxlife must be >= 0");
    }
  }

  /** {@code cookie NAME insert indirect nocache}, the seed's setting. */
  public static CookieConfig insertIndirectNocache(String name) {
    return new CookieConfig(
        name, Mode.INSERT, true, true, false, false, false, false, List.of(), 0, 0, false, List.of());
  }
}
