package org.stickyroute.config;

import java.util.Objects;

/**
 * One {@code server NAME ADDR:PORT [keywords]} line of a backend. Immutable.
 *
 * <p>Defaults are HAProxy's: {@code weight 1}, {@code inter 2s}, {@code rise 2}, {@code fall 3}, no {@code
 * cookie}, no {@code maxconn} (0 = unlimited), automatic {@code id}.
 *
 * @param name the server name, unique within its backend
 * @param host the address as written (IPv4, IPv6 without brackets, or a host name)
 * @param port the TCP port (1..65535), or 0 when the line gave none
 * @param weight the user weight {@code weight}, 0..256 (0 = takes no load-balanced traffic)
 * @param id the explicit {@code id} (> 0), or 0 to let the backend assign one as HAProxy does
 * @param cookie the {@code cookie} value, or {@code null} when the server has none; RFC 6265 cookie-octets
 *     without {@code |} (no control characters, whitespace, {@code "}, {@code ,}, {@code ;} or {@code \})
 * @param check whether the server is health-checked ({@code check})
 * @param interMillis the check interval {@code inter}, in milliseconds
 * @param fastInterMillis {@code fastinter} (checks while changing state), or 0 for {@code inter}
 * @param downInterMillis {@code downinter} (checks while fully down), or 0 for {@code inter}
 * @param rise consecutive successful checks to become UP ({@code rise}, 1..{@link #MAX_RISE_FALL})
 * @param fall consecutive failed checks to become DOWN ({@code fall}, 1..{@link #MAX_RISE_FALL})
 * @param backup whether this is a {@code backup} server
 * @param disabled whether it starts in maintenance ({@code disabled})
 * @param maxconn the most concurrent in-flight requests ({@code maxconn}), 0 = unlimited
 * @param slowstartMillis the {@code slowstart} ramp-up time in milliseconds, 0 = none
 * @param location where the line was declared
 */
public record ServerConfig(
    String name,
    String host,
    int port,
    int weight,
    int id,
    String cookie,
    boolean check,
    long interMillis,
    long fastInterMillis,
    long downInterMillis,
    int rise,
    int fall,
    boolean backup,
    boolean disabled,
    int maxconn,
    long slowstartMillis,
    SourceLocation location) {

  /** HAProxy's largest user weight ({@code SRV_UWGHT_MAX}). */
  public static final int MAX_WEIGHT = 256;
  /** HAProxy's default check interval, 2 s. */
  public static final long DEFAULT_INTER_MILLIS = 2000;
  /** HAProxy's default {@code rise}. */
  public static final int DEFAULT_RISE = 2;
  /** HAProxy's default {@code fall}. */
  public static final int DEFAULT_FALL = 3;
  /**
   * The largest {@code rise} and {@code fall} (2^30, so that the health counter's top, {@code rise + fall -
   * 1}, fits an {@code int}; at one check per second that is 34 years). HAProxy has no limit and overflows.
   */
  public static final int MAX_RISE_FALL = 1 << 30;

  /** Validates ranges; throws {@link IllegalArgumentException} naming the offending value. */
  public ServerConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(location, "location");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("server name must not be empty");
    }
    checkCookie(cookie);
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("'" + port + "': port must be 1..65535");
    }
    checkWeight(weight);
    checkId(id);
    checkIntervals(interMillis, fastInterMillis, downInterMillis);
    checkRise(rise);
    checkFall(fall);
    checkMaxconn(maxconn);
    checkSlowstart(slowstartMillis);
  }

  // The rules, each written once: the record checks them all, the builder's setters each its own at once (so
  // that a loaded line reports the first bad word first).

  private static void checkCookie(String cookie) {
    if (cookie != null) {
      // the value is written into Set-Cookie: the builder API is held to the loader's rules
      Cookies.checkValue(cookie, "server cookie value");
    }
  }

  private static void checkWeight(int weight) {
    if (weight < 0 || weight > MAX_WEIGHT) {
      throw new IllegalArgumentException("'" + weight + "': weight must be 0..256");
    }
  }

  private static void checkId(int id) {
    if (id < 0) {
      throw new IllegalArgumentException("'" + id + "': id must be > 0");
    }
  }

  private static void checkIntervals(long inter, long fastInter, long downInter) {
    if (inter <= 0 || fastInter < 0 || downInter < 0) {
      throw new IllegalArgumentException("check intervals must be positive");
    }
  }

  private static void checkRise(int rise) {
    if (rise < 1 || rise > MAX_RISE_FALL) {
      throw new IllegalArgumentException("'" + rise + "': rise must be 1.." + MAX_RISE_FALL);
    }
  }

  private static void checkFall(int fall) {
    if (fall < 1 || fall > MAX_RISE_FALL) {
      throw new IllegalArgumentException("'" + fall + "': fall must be 1.." + MAX_RISE_FALL);
    }
  }

  private static void checkMaxconn(int maxconn) {
    if (maxconn < 0) {
      throw new IllegalArgumentException("'" + maxconn + "': maxconn must be >= 0");
    }
  }

  private static void checkSlowstart(long slowstart) {
    if (slowstart < 0) {
      throw new IllegalArgumentException("slowstart must be >= 0");
    }
  }

  /** A builder with HAProxy's defaults for {@code server name host:port}. */
  public static Builder builder(String name, String host, int port) {
    return new Builder(name, host, port);
  }

  /** A builder pre-filled with this server's settings. */
  public Builder toBuilder() {
    return toBuilder(name, host, port).location(location);
  }

  /**
   * A builder pre-filled with this server's settings for a server with another name or address (how {@code
   * default-server} settings reach each {@code server} line, or how a tool moves a server); location {@link
   * SourceLocation#BUILDER}.
   */
  public Builder toBuilder(String otherName, String otherHost, int otherPort) {
    Builder b = new Builder(otherName, otherHost, otherPort);
    b.weight = weight;
    b.id = id;
    b.cookie = cookie;
    b.check = check;
    b.inter = interMillis;
    b.fastInter = fastInterMillis;
    b.downInter = downInterMillis;
    b.rise = rise;
    b.fall = fall;
    b.backup = backup;
    b.disabled = disabled;
    b.maxconn = maxconn;
    b.slowstart = slowstartMillis;
    return b;
  }

  /** {@code host:port} (IPv6 addresses in brackets). */
  public String address() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }

  /**
   * The address as bytes when {@link #host()} is an IP literal: 4 for a dotted quad, 16 for IPv6 (an
   * IPv4-mapped literal stays 16 bytes, as HAProxy keeps it); {@code null} for a host name. Never resolves a
   * name: stickyroute's decisions are pure functions of the configuration.
   */
  public byte[] ipAddress() {
    return IpLiteral.parse(host);
  }

  /**
   * Builds {@link ServerConfig}s; each setter checks its value at once (throwing {@link
   * IllegalArgumentException} naming it), {@link #build()} the name and address. Not thread-safe.
   */
  public static final class Builder {
    private final String name;
    private final String host;
    private final int port;
    private int weight = 1;
    private int id;
    private String cookie;
    private boolean check;
    private long inter = DEFAULT_INTER_MILLIS;
    private long fastInter;
    private long downInter;
    private int rise = DEFAULT_RISE;
    private int fall = DEFAULT_FALL;
    private boolean backup;
    private boolean disabled;
    private int maxconn;
    private long slowstart;
    private SourceLocation location = SourceLocation.BUILDER;

    private Builder(String name, String host, int port) {
      this.name = name;
      this.host = host;
      this.port = port;
    }

    /** {@code weight n} (0..256). */
    public Builder weight(int weight) {
      checkWeight(weight);
      this.weight = weight;
      return this;
    }

    /** {@code id n} (> 0). */
    public Builder id(int id) {
      checkId(id);
      this.id = id;
      return this;
    }

    /** {@code cookie value}. */
    public Builder cookie(String cookie) {
      checkCookie(cookie);
      this.cookie = cookie;
      return this;
    }

    /** {@code check}. */
    public Builder check(boolean check) {
      this.check = check;
      return this;
    }

    /** {@code inter ms}. */
    public Builder inter(long millis) {
      checkIntervals(millis, 0, 0);
      this.inter = millis;
      return this;
    }

    /** {@code fastinter ms}. */
    public Builder fastInter(long millis) {
      checkIntervals(1, millis, 0);
      this.fastInter = millis;
      return this;
    }

    /** {@code downinter ms}. */
    public Builder downInter(long millis) {
      checkIntervals(1, 0, millis);
      this.downInter = millis;
      return this;
    }

    /** {@code rise n}. */
    public Builder rise(int rise) {
      checkRise(rise);
      this.rise = rise;
      return this;
    }

    /** {@code fall n}. */
    public Builder fall(int fall) {
      checkFall(fall);
      this.fall = fall;
      return this;
    }

    /** {@code backup}. */
    public Builder backup(boolean backup) {
      this.backup = backup;
      return this;
    }

    /** {@code disabled}: starts in maintenance. */
    public Builder disabled(boolean disabled) {
      this.disabled = disabled;
      return this;
    }

    /** {@code maxconn n}, 0 = unlimited. */
    public Builder maxconn(int maxconn) {
      checkMaxconn(maxconn);
      this.maxconn = maxconn;
      return this;
    }

    /** {@code slowstart ms}. */
    public Builder slowstart(long millis) {
      checkSlowstart(millis);
      this.slowstart = millis;
      return this;
    }

    /** Where the server was declared (used in messages). */
    public Builder location(SourceLocation location) {
      this.location = location;
      return this;
    }

    /** Builds the immutable server; throws {@link IllegalArgumentException} on an invalid name or address. */
    public ServerConfig build() {
      return new ServerConfig(
          name, host, port, weight, id, cookie, check, inter, fastInter, downInter, rise, fall, backup,
          disabled, maxconn, slowstart, location);
    }
  }
}
