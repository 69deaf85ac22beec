package org.stickyroute.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A backend's persistence cookie: {@code cookie <name> [rewrite|insert|prefix] [indirect] [nocache]
 * [postonly] [preserve] [httponly] [secure] [domain <d>]* [maxidle <t>] [maxlife <t>] [dynamic] [attr <v>]*}.
 * Immutable; build one with {@link #builder(String)}.
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
    return builder(name).mode(Mode.INSERT).indirect(true).nocache(true).build();
  }

  /**
   * A builder for {@code cookie name} (passive, no option); the name is checked at once (an RFC 6265 token),
   * and so is every domain and attr as it is added.
   *
   * @throws IllegalArgumentException naming the value, for an invalid name
   */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** Builds {@link CookieConfig}s; each setter checks its value at once. Not thread-safe. */
  public static final class Builder {
    private final String name;
    private Mode mode = Mode.PASSIVE;
    private boolean indirect;
    private boolean nocache;
    private boolean postonly;
    private boolean preserve;
    private boolean httpOnly;
    private boolean secure;
    private final List<String> domains = new ArrayList<>();
    private long maxIdle;
    private long maxLife;
    private boolean dynamic;
    private final List<String> attrs = new ArrayList<>();

    private Builder(String name) {
      Cookies.checkToken(Objects.requireNonNull(name, "name"), "cookie name");
      this.name = name;
    }

    /** {@code insert}, {@code rewrite} or {@code prefix} ({@link Mode#PASSIVE}: none). */
    public Builder mode(Mode mode) {
      this.mode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /** {@code indirect}. */
    public Builder indirect(boolean on) {
      this.indirect = on;
      return this;
    }

    /** {@code nocache}. */
    public Builder nocache(boolean on) {
      this.nocache = on;
      return this;
    }

    /** {@code postonly}. */
    public Builder postonly(boolean on) {
      this.postonly = on;
      return this;
    }

    /** {@code preserve}. */
    public Builder preserve(boolean on) {
      this.preserve = on;
      return this;
    }

    /** {@code httponly}. */
    public Builder httpOnly(boolean on) {
      this.httpOnly = on;
      return this;
    }

    /** {@code secure}. */
    public Builder secure(boolean on) {
      this.secure = on;
      return this;
    }

    /** Adds {@code domain d}; throws {@link IllegalArgumentException} naming it if it could alter the header. */
    public Builder domain(String domain) {
      Cookies.checkAttributeValue(domain, "cookie domain");
      domains.add(domain);
      return this;
    }

    /** Adds {@code attr a}; throws {@link IllegalArgumentException} naming it if it could alter the header. */
    public Builder attr(String attr) {
      Cookies.checkAttributeValue(attr, "cookie attr");
      attrs.add(attr);
      return this;
    }

    /** {@code maxidle}, in seconds (0 = none). */
    public Builder maxIdleSeconds(long seconds) {
      this.maxIdle = seconds;
      return this;
    }

    /** {@code maxlife}, in seconds (0 = none). */
    public Builder maxLifeSeconds(long seconds) {
      this.maxLife = seconds;
      return this;
    }

    /** {@code dynamic}. */
    public Builder dynamic(boolean on) {
      this.dynamic = on;
      return this;
    }

    /** Builds the cookie; throws {@link IllegalArgumentException} on a combination HAProxy refuses. */
    public CookieConfig build() {
      return new CookieConfig(name, mode, indirect, nocache, postonly, preserve, httpOnly, secure, domains, maxIdle,
          maxLife, dynamic, attrs);
    }
  }
}
