package org.stickyroute.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.stickyroute.hash.HashType;

/**
 * A {@code backend} (or the backend half of a {@code listen}) section: the algorithm, the persistence cookie,
 * the options that shape routing, and the servers in declaration order. Immutable; build one with {@link
 * #builder} or load it with {@link ConfigLoader}.
 *
 * @param name the backend name
 * @param balance the {@code balance} algorithm ({@code roundrobin} when the section names none)
 * @param hashType the {@code hash-type} (used by hashing algorithms)
 * @param hashBalanceFactor {@code hash-balance-factor}: 0 (off) or a percentage above 100
 * @param pointsPerWeight ring points per unit of weight for consistent hashing: 16 is HAProxy's and the
 *     default; more points spread keys more evenly but the ring no longer matches HAProxy's (not an HAProxy
 *     keyword; set it with the builder)
 * @param cookie the persistence cookie, or {@code null}
 * @param dynamicCookieKey {@code dynamic-cookie-key}, or {@code null}
 * @param redispatch {@code option redispatch}
 * @param redispatchInterval the optional interval of {@code option redispatch <n>} (HAProxy's default -1 =
 *     on the last retry)
 * @param persist {@code option persist}
 * @param allBackups {@code option allbackups}
 * @param retries {@code retries} (default 3: up to 4 connection attempts)
 * @param httpCheck {@code option httpchk}, or {@code null} for none
 * @param connectTimeoutMillis {@code timeout connect}, 0 = unset
 * @param serverTimeoutMillis {@code timeout server}, 0 = unset
 * @param checkTimeoutMillis {@code timeout check}, 0 = unset
 * @param servers the servers in declaration order
 * @param location where the section was declared
 * @param sticky stickyroute's own persistence settings (sticky-failure policy, signed cookies); not
 *     expressible in HAProxy syntax, see {@link StickyOptions}
 * @param stick the backend's {@code stick-table} and {@code stick} rules ({@link StickConfig#NONE} for none)
 */
public record BackendConfig(
    String name,
    Balance balance,
    HashType hashType,
    int hashBalanceFactor,
    int pointsPerWeight,
    CookieConfig cookie,
    String dynamicCookieKey,
    boolean redispatch,
    int redispatchInterval,
    boolean persist,
    boolean allBackups,
    int retries,
    HttpCheckConfig httpCheck,
    long connectTimeoutMillis,
    long serverTimeoutMillis,
    long checkTimeoutMillis,
    List<ServerConfig> servers,
    SourceLocation location,
    StickyOptions sticky,
    StickConfig stick) {

  /** HAProxy's ring points per unit of weight ({@code BE_WEIGHT_SCALE}). */
  public static final int HAPROXY_POINTS_PER_WEIGHT = 16;
  /** HAProxy's default {@code retries}. */
  public static final int DEFAULT_RETRIES = 3;

  /** Validates the section and copies the server list. */
  public BackendConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(balance, "balance");
    Objects.requireNonNull(hashType, "hashType");
    Objects.requireNonNull(location, "location");
    servers = List.copyOf(servers);
    sticky = sticky == null ? StickyOptions.HAPROXY : sticky;
    stick = stick == null ? StickConfig.NONE : stick;
    if (sticky.signing() != null) {
      if (cookie == null || cookie.mode() != CookieConfig.Mode.INSERT) {
        throw new IllegalArgumentException(
            "backend '" + name + "': signed cookies need a cookie in 'insert' mode");
      }
      if (cookie.maxIdleSeconds() != 0 || cookie.maxLifeSeconds() != 0) {
        throw new IllegalArgumentException(
            "backend '" + name + "': signed cookies carry their own expiry; remove 'maxidle'/'maxlife'");
      }
    }
    checkHashBalanceFactor(hashBalanceFactor);
    checkPointsPerWeight(pointsPerWeight);
    checkRetries(retries);
    Map<String, ServerConfig> byName = new HashMap<>();
    Map<Integer, ServerConfig> byId = new HashMap<>();
    for (ServerConfig s : servers) {
      checkNewServer(name, byName, byId, s);
    }
  }

  // The rules, each written once: the record checks them all, the builder's setters each its own at once (so
  // that a loaded line reports its own error, as the loader always did).

  private static void checkHashBalanceFactor(int factor) {
    if (factor != 0 && factor <= 100) {
      throw new IllegalArgumentException("'" + factor + "': hash-balance-factor must be 0 or greater than 100");
    }
  }

  private static void checkPointsPerWeight(int points) {
    if (points < 1 || points > 4096) {
      throw new IllegalArgumentException("'" + points + "': points per weight must be 1..4096");
    }
  }

  private static void checkRetries(int retries) {
    if (retries < 0) {
      throw new IllegalArgumentException("'" + retries + "': retries must be >= 0");
    }
  }

  /**
   * A backend's server names are unique, and so are its explicit ids; records {@code s} in the maps (maps, not
   * a scan of the servers so far: a backend of thousands of servers must load in linear time).
   */
  private static void checkNewServer(
      String backend, Map<String, ServerConfig> byName, Map<Integer, ServerConfig> byId, ServerConfig s) {
    ServerConfig other = byName.get(s.name());
    if (other != null) {
      throw new IllegalArgumentException("'" + s.name() + "': backend '" + backend
          + "' already has a server with this name (" + other.location() + ")");
    }
    if (s.id() > 0) {
      ServerConfig withId = byId.get(s.id());
      if (withId != null) {
        throw new IllegalArgumentException("'" + s.id() + "': server id already used by '" + withId.name() + "'");
      }
      byId.put(s.id(), s);
    }
    byName.put(s.name(), s);
  }

  /** A builder for a backend named {@code name}, with HAProxy's defaults ({@code balance roundrobin}). */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** A builder pre-filled with this backend's settings. */
  public Builder toBuilder() {
    return toBuilder(name).location(location);
  }

  /**
   * A builder pre-filled with this backend's settings and servers for a backend named {@code otherName} (how a
   * {@code defaults} section hands its settings to the sections after it); location {@link
   * SourceLocation#BUILDER}.
   */
  Builder toBuilder(String otherName) {
    Builder b = new Builder(otherName);
    b.balance = balance;
    b.hashType = hashType;
    b.hashBalanceFactor = hashBalanceFactor;
    b.pointsPerWeight = pointsPerWeight;
    b.cookie = cookie;
    b.dynamicCookieKey = dynamicCookieKey;
    b.redispatch = redispatch;
    b.redispatchInterval = redispatchInterval;
    b.persist = persist;
    b.allBackups = allBackups;
    b.retries = retries;
    b.httpCheck = httpCheck;
    b.connectTimeout = connectTimeoutMillis;
    b.serverTimeout = serverTimeoutMillis;
    b.checkTimeout = checkTimeoutMillis;
    b.servers(servers);
    b.sticky = sticky;
    b.stickTable = stick.table();
    b.stickRules.addAll(stick.rules());
    return b;
  }

  /** This backend with other stickyroute persistence settings. */
  public BackendConfig withSticky(StickyOptions options) {
    return toBuilder().sticky(options).build();
  }

  /** The sticky-failure policy in force: {@link StickyOptions#failure()}, else from {@code option persist}. */
  public StickyFailure stickyFailure() {
    return sticky.effectiveFailure(persist);
  }

  /**
   * Whether {@code server} carries a dynamic cookie value (HAProxy's {@code srv_set_dyncookie}): the backend's
   * {@code cookie} line says {@code dynamic}, a {@code dynamic-cookie-key} is set, the server has no {@code
   * cookie} value of its own, and its address is an IP literal. HAProxy hashes the address it resolves;
   * stickyroute never resolves names, so a server written with a host name gets no dynamic value. The one
   * place this rule is written: the loader's warnings and cookie persistence both ask here.
   */
  public boolean dynamicCookie(ServerConfig server) {
    return wantsDynamicCookie(server) && server.ipAddress() != null;
  }

  /**
   * Whether {@code server} would get a dynamic cookie value if its address were an IP literal: {@code cookie ...
   * dynamic} with a {@code dynamic-cookie-key}, and no {@code cookie} value of its own.
   */
  public boolean wantsDynamicCookie(ServerConfig server) {
    return server.cookie() == null && cookie != null && cookie.dynamic() && dynamicCookieKey != null;
  }

  /** The server with this name, or {@code null}. */
  public ServerConfig server(String serverName) {
    for (ServerConfig s : servers) {
      if (s.name().equals(serverName)) {
        return s;
      }
    }
    return null;
  }

  /**
   * The numeric id ({@code puid}) of every server, in declaration order, assigned as HAProxy 2.6 does:
   * explicit {@code id}s are kept; the others take the next free number, counting up from 1 in
   * declaration order (a server with an explicit id still advances the counter). Consistent hashing places
   * ring points from these ids, so every load balancer that must agree needs the same ids.
   */
  public int[] resolvedIds() {
    Set<Integer> used = new HashSet<>();
    for (ServerConfig s : servers) {
      if (s.id() > 0) {
        used.add(s.id());
      }
    }
    int[] ids = new int[servers.size()];
    int next = 1;
    for (int i = 0; i < ids.length; i++) {
      ServerConfig s = servers.get(i);
      if (s.id() > 0) {
        ids[i] = s.id();
      } else {
        while (used.contains(next)) {
          next++;
        }
        ids[i] = next;
      }
      next++;
    }
    return ids;
  }

  /** Builds {@link BackendConfig}s; not thread-safe. */
  public static final class Builder {
    private final String name;
    private Balance balance = Balance.roundRobin();
    private HashType hashType = HashType.DEFAULT;
    private int hashBalanceFactor;
    private int pointsPerWeight = HAPROXY_POINTS_PER_WEIGHT;
    private CookieConfig cookie;
    private String dynamicCookieKey;
    private boolean redispatch;
    private int redispatchInterval = -1;
    private boolean persist;
    private boolean allBackups;
    private int retries = DEFAULT_RETRIES;
    private HttpCheckConfig httpCheck;
    private long connectTimeout;
    private long serverTimeout;
    private long checkTimeout;
    private final List<ServerConfig> servers = new ArrayList<>();
    private final Map<String, ServerConfig> serversByName = new HashMap<>();
    private final Map<Integer, ServerConfig> serversById = new HashMap<>();
    private SourceLocation location = SourceLocation.BUILDER;
    private StickyOptions sticky = StickyOptions.HAPROXY;
    private StickTableConfig stickTable;
    private final List<StickRule> stickRules = new ArrayList<>();

    private Builder(String name) {
      this.name = name;
    }

    /** {@code balance ...}. */
    public Builder balance(Balance balance) {
      this.balance = balance;
      return this;
    }

    /** {@code hash-type ...}. */
    public Builder hashType(HashType hashType) {
      this.hashType = hashType;
      return this;
    }

    /** {@code hash-balance-factor n} (0 = off, otherwise > 100). */
    public Builder hashBalanceFactor(int factor) {
      checkHashBalanceFactor(factor);
      this.hashBalanceFactor = factor;
      return this;
    }

    /** Ring points per unit of weight (16 = HAProxy-compatible). */
    public Builder pointsPerWeight(int points) {
      checkPointsPerWeight(points);
      this.pointsPerWeight = points;
      return this;
    }

    /** {@code cookie ...}, or {@code null} for none. */
    public Builder cookie(CookieConfig cookie) {
      this.cookie = cookie;
      return this;
    }

    /** {@code dynamic-cookie-key ...}. */
    public Builder dynamicCookieKey(String key) {
      this.dynamicCookieKey = key;
      return this;
    }

    /** {@code option redispatch}. */
    public Builder redispatch(boolean redispatch) {
      this.redispatch = redispatch;
      return this;
    }

    /** {@code option redispatch <interval>}. */
    public Builder redispatchInterval(int interval) {
      this.redispatchInterval = interval;
      return this;
    }

    /** {@code option persist}. */
    public Builder persist(boolean persist) {
      this.persist = persist;
      return this;
    }

    /** {@code option allbackups}. */
    public Builder allBackups(boolean allBackups) {
      this.allBackups = allBackups;
      return this;
    }

    /** {@code retries n}. */
    public Builder retries(int retries) {
      checkRetries(retries);
      this.retries = retries;
      return this;
    }

    /** {@code option httpchk ...}, or {@code null} for none. */
    public Builder httpCheck(HttpCheckConfig check) {
      this.httpCheck = check;
      return this;
    }

    /** {@code timeout connect}. */
    public Builder connectTimeout(long millis) {
      this.connectTimeout = millis;
      return this;
    }

    /** {@code timeout server}. */
    public Builder serverTimeout(long millis) {
      this.serverTimeout = millis;
      return this;
    }

    /** {@code timeout check}. */
    public Builder checkTimeout(long millis) {
      this.checkTimeout = millis;
      return this;
    }

    /**
     * Appends a server (declaration order matters); throws {@link IllegalArgumentException} if the backend
     * already has a server with its name or its explicit id.
     */
    public Builder server(ServerConfig server) {
      checkNewServer(name, serversByName, serversById, Objects.requireNonNull(server, "server"));
      servers.add(server);
      return this;
    }

    /** Replaces all servers (checked as {@link #server} checks each). */
    public Builder servers(List<ServerConfig> list) {
      servers.clear();
      serversByName.clear();
      serversById.clear();
      list.forEach(this::server);
      return this;
    }

    /** Where the section was declared. */
    public Builder location(SourceLocation location) {
      this.location = location;
      return this;
    }

    /**
     * stickyroute's own persistence settings: sticky-failure policy, strict status, signed cookies (see
     * {@link StickyOptions}).
     */
    public Builder sticky(StickyOptions options) {
      this.sticky = Objects.requireNonNull(options, "options");
      return this;
    }

    /** {@code stick-table ...}: the backend's own table, or {@code null} for none. */
    public Builder stickTable(StickTableConfig table) {
      this.stickTable = table;
      return this;
    }

    /** Appends a {@code stick} rule (rules apply in the order they are added). */
    public Builder stickRule(StickRule rule) {
      stickRules.add(Objects.requireNonNull(rule, "rule"));
      return this;
    }

    /** Shorthand for {@code sticky(current.withFailure(failure))}. */
    public Builder stickyFailure(StickyFailure failure) {
      this.sticky = sticky.withFailure(failure);
      return this;
    }

    /** Builds the immutable backend; throws {@link IllegalArgumentException} on an invalid setting. */
    public BackendConfig build() {
      return new BackendConfig(
          name, balance, hashType, hashBalanceFactor, pointsPerWeight, cookie, dynamicCookieKey,
          redispatch, redispatchInterval, persist, allBackups, retries, httpCheck, connectTimeout,
          serverTimeout, checkTimeout, servers, location, sticky,
          stickTable == null && stickRules.isEmpty() ? StickConfig.NONE : new StickConfig(stickTable, stickRules));
    }
  }
}
