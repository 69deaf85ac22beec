package org.stickyroute.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.stickyroute.hash.HashType;

/**
 * Loads the subset of HAProxy's configuration language that decides routing, producing the same immutable
 * {@link RoutingConfig} as the Java builders.
 *
 * <p>Understood: sections {@code global}, {@code defaults}, {@code frontend}, {@code backend}, {@code
 * listen}; {@code balance}, {@code hash-type}, {@code hash-balance-factor}, {@code cookie}, {@code
 * dynamic-cookie-key}, {@code server} and {@code default-server} (with {@code weight}, {@code id}, {@code
 * cookie}, {@code check}, {@code inter}, {@code fastinter}, {@code downinter}, {@code rise}, {@code fall},
 * {@code backup}, {@code disabled}, {@code enabled}, {@code maxconn}, {@code slowstart}), {@code option
 * httpchk|redispatch|persist|allbackups} (and {@code no option ...}), {@code retries}, {@code timeout
 * connect|server|check}, {@code acl NAME path_beg [-i] PREFIX...}, {@code use_backend NAME if|unless
 * [!]ACL [or ...]}, {@code default_backend}, {@code bind}, {@code mode}, {@code stats uri|auth}. Settings of
 * a {@code defaults} section are inherited by the sections after it, as in HAProxy.
 *
 * <p>Every other line is reported as a {@link ConfigWarning} ({@code file:line: 'word': reason}) and
 * skipped; in strict mode the first warning is thrown as a {@link ConfigException} instead. Invalid values
 * (a weight of 300, an unknown hash function, a {@code use_backend} naming no backend, an unknown server
 * keyword, a cookie value with a separator...) always throw a {@link ConfigException} with file, line and
 * the offending word. The file is read as ISO-8859-1, so every byte is kept as one char.
 */
public final class ConfigLoader {
  private ConfigLoader() {}

  /** Loads {@code file} leniently (unsupported lines are warnings). */
  public static RoutingConfig load(Path file) throws IOException {
    return load(file, false);
  }

  /** Loads {@code file}; in strict mode a warning is an error. */
  public static RoutingConfig load(Path file, boolean strict) throws IOException {
    return parse(Files.readString(file, StandardCharsets.ISO_8859_1), file.toString(), strict);
  }

  /**
   * Loads a classpath resource (for example from a servlet filter's init-param).
   *
   * @throws IOException if the resource does not exist or cannot be read
   */
  public static RoutingConfig loadResource(ClassLoader loader, String resource, boolean strict) throws IOException {
    String name = resource.startsWith("/") ? resource.substring(1) : resource;
    try (InputStream in = loader.getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("no classpath resource '" + resource + "'");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1), "classpath:" + name, strict);
    }
  }

  /**
   * Parses configuration text.
   *
   * @param text the configuration
   * @param fileName the name used in messages
   * @param strict whether warnings are errors
   * @return the validated configuration, with its warnings
   * @throws ConfigException on the first error
   */
  public static RoutingConfig parse(String text, String fileName, boolean strict) {
    return new Parser(fileName, strict).run(text);
  }

  // ------------------------------------------------------------------------------------------------

  private enum SectionKind {
    GLOBAL,
    DEFAULTS,
    FRONTEND,
    BACKEND,
    LISTEN,
    IGNORED
  }

  /** Server keywords HAProxy 2.6 knows that stickyroute does not apply, with their argument counts. */
  private static final Map<String, Integer> IGNORED_SERVER_KEYWORDS = new HashMap<>();

  static {
    for (String k :
        new String[] {
          "agent-check", "allow-0rtt", "check-send-proxy", "check-ssl", "check-via-socks4", "force-sslv3",
          "force-tlsv10", "force-tlsv11", "force-tlsv12", "force-tlsv13", "no-agent-check", "no-check-ssl",
          "no-send-proxy", "no-send-proxy-v2", "no-send-proxy-v2-ssl", "no-send-proxy-v2-ssl-cn", "no-ssl",
          "no-ssl-reuse", "no-sslv3", "no-tls-tickets", "no-tlsv10", "no-tlsv11", "no-tlsv12", "no-tlsv13",
          "no-verifyhost", "no-tfo", "non-stick", "send-proxy", "send-proxy-v2", "send-proxy-v2-ssl",
          "send-proxy-v2-ssl-cn", "ssl", "ssl-reuse", "stick", "tfo", "tls-tickets"
        }) {
      IGNORED_SERVER_KEYWORDS.put(k, 0);
    }
    for (String k :
        new String[] {
          "addr", "agent-addr", "agent-inter", "agent-port", "agent-send", "alpn", "ca-file", "check-alpn",
          "check-proto", "check-sni", "ciphers", "ciphersuites", "client-sigalgs", "crl-file", "crt", "curves",
          "error-limit", "init-addr", "interface", "log-proto", "max-reuse", "maxqueue", "minconn", "namespace",
          "npn", "observe", "on-error", "on-marked-down", "on-marked-up", "pool-low-conn", "pool-max-conn",
          "pool-purge-delay", "port", "proto", "proxy-v2-options", "redir", "resolve-net", "resolve-opts",
          "resolve-prefer", "resolvers", "shard", "sigalgs", "sni", "socks4", "source", "ssl-max-ver",
          "ssl-min-ver", "tcp-ut", "track", "usesrc", "verify", "verifyhost", "ws"
        }) {
      IGNORED_SERVER_KEYWORDS.put(k, 1);
    }
  }

  private static final Set<String> OTHER_SECTIONS =
      Set.of(
          "userlist", "peers", "resolvers", "cache", "program", "http-errors", "ring", "mailers", "namespace_list",
          "fcgi-app", "log-forward", "crt-store", "traces");

  /** Server settings shared by {@code server} and {@code default-server}. */
  private static final class ServerSettings {
    int weight = 1;
    int id;
    String cookie;
    boolean check;
    long inter = ServerConfig.DEFAULT_INTER_MILLIS;
    long fastInter;
    long downInter;
    int rise = ServerConfig.DEFAULT_RISE;
    int fall = ServerConfig.DEFAULT_FALL;
    boolean backup;
    boolean disabled;
    int maxconn;
    long slowstart;

    ServerSettings copy() {
      ServerSettings c = new ServerSettings();
      c.weight = weight;
      c.id = id;
      c.cookie = cookie;
      c.check = check;
      c.inter = inter;
      c.fastInter = fastInter;
      c.downInter = downInter;
      c.rise = rise;
      c.fall = fall;
      c.backup = backup;
      c.disabled = disabled;
      c.maxconn = maxconn;
      c.slowstart = slowstart;
      return c;
    }
  }

  /** The settings a proxy section accumulates (and a defaults section hands down). */
  private static final class ProxySettings {
    Balance balance;
    HashType hashType = HashType.DEFAULT;
    int hashBalanceFactor;
    CookieConfig cookie;
    SourceLocation cookieAt;
    String dynamicCookieKey;
    boolean redispatch;
    int redispatchInterval = -1;
    boolean persist;
    boolean allBackups;
    int retries = BackendConfig.DEFAULT_RETRIES;
    HttpCheckConfig httpCheck;
    long connectTimeout;
    long serverTimeout;
    long checkTimeout;
    String defaultBackend;
    SourceLocation defaultBackendAt;
    ServerSettings defaultServer = new ServerSettings();

    ProxySettings copy() {
      ProxySettings c = new ProxySettings();
      c.balance = balance;
      c.hashType = hashType;
      c.hashBalanceFactor = hashBalanceFactor;
      c.cookie = cookie;
      c.cookieAt = cookieAt;
      c.dynamicCookieKey = dynamicCookieKey;
      c.redispatch = redispatch;
      c.redispatchInterval = redispatchInterval;
      c.persist = persist;
      c.allBackups = allBackups;
      c.retries = retries;
      c.httpCheck = httpCheck;
      c.connectTimeout = connectTimeout;
      c.serverTimeout = serverTimeout;
      c.checkTimeout = checkTimeout;
      c.defaultBackend = defaultBackend;
      c.defaultBackendAt = defaultBackendAt;
      c.defaultServer = defaultServer.copy();
      return c;
    }
  }

  /** An ACL being collected from one or more lines. */
  private static final class AclBuild {
    final String name;
    final SourceLocation location;
    final List<AclConfig.PathPrefix> prefixes = new ArrayList<>();
    boolean unsupported;

    AclBuild(String name, SourceLocation location) {
      this.name = name;
      this.location = location;
    }
  }

  private static final class Section {
    final SectionKind kind;
    final String name;
    final SourceLocation location;
    final ProxySettings settings;
    final List<String> binds = new ArrayList<>();
    final Map<String, AclBuild> acls = new LinkedHashMap<>();
    final List<UseBackendRule> rules = new ArrayList<>();
    final List<ServerConfig> servers = new ArrayList<>();
    final Map<String, ServerConfig> serversByName = new HashMap<>();
    final Map<Integer, ServerConfig> serversById = new HashMap<>();
    String statsUri;
    final List<StatsConfig.Credential> statsAuth = new ArrayList<>();
    SourceLocation statsAt;

    Section(SectionKind kind, String name, SourceLocation location, ProxySettings settings) {
      this.kind = kind;
      this.name = name;
      this.location = location;
      this.settings = settings;
    }

    boolean isFrontend() {
      return kind == SectionKind.FRONTEND || kind == SectionKind.LISTEN;
    }

    boolean isBackend() {
      return kind == SectionKind.BACKEND || kind == SectionKind.LISTEN;
    }

    ServerConfig server(String serverName) {
      return serversByName.get(serverName);
    }
  }

  private static final class Parser {
    private final String file;
    private final boolean strict;
    private final List<ConfigWarning> warnings = new ArrayList<>();
    private final List<Section> sections = new ArrayList<>();
    private final Map<String, Section> frontendNames = new HashMap<>();
    private final Map<String, Section> backendNames = new HashMap<>();
    private ProxySettings defaults = new ProxySettings();
    private Section current;
    private SourceLocation at;

    Parser(String file, boolean strict) {
      this.file = file;
      this.strict = strict;
    }

    RoutingConfig run(String text) {
      String[] lines = text.split("\n", -1);
      for (int i = 0; i < lines.length; i++) {
        at = new SourceLocation(file, i + 1);
        String line = lines[i];
        List<String> words;
        try {
          words = Tokenizer.split(line);
        } catch (IllegalArgumentException e) {
          throw new ConfigException(at, line.trim(), e.getMessage());
        }
        if (words.isEmpty()) {
          continue;
        }
        try {
          line(words);
        } catch (IllegalArgumentException e) {
          // Value errors from the model (records) carry the offending word in their message.
          String msg = e.getMessage() == null ? e.toString() : e.getMessage();
          throw new ConfigException(at, offendingWord(msg, words), stripWord(msg));
        }
      }
      return build();
    }

    private static String offendingWord(String msg, List<String> words) {
      if (msg.startsWith("'")) {
        int end = msg.indexOf("'", 1);
        if (end > 0) {
          return msg.substring(1, end);
        }
      }
      return words.get(0);
    }

    private static String stripWord(String msg) {
      if (msg.startsWith("'")) {
        int end = msg.indexOf("': ", 1);
        if (end > 0) {
          return msg.substring(end + 3);
        }
      }
      return msg;
    }

    private void warn(String word, String message) {
      if (strict) {
        throw new ConfigException(at, word, message + " (strict mode)");
      }
      warnings.add(new ConfigWarning(at, word, message));
    }

    private ConfigException error(String word, String message) {
      return new ConfigException(at, word, message);
    }

    private void line(List<String> w) {
      String kw = w.get(0);
      switch (kw) {
        case "global":
          startSection(SectionKind.GLOBAL, w);
          return;
        case "defaults":
          startSection(SectionKind.DEFAULTS, w);
          return;
        case "frontend":
          startSection(SectionKind.FRONTEND, w);
          return;
        case "backend":
          startSection(SectionKind.BACKEND, w);
          return;
        case "listen":
          startSection(SectionKind.LISTEN, w);
          return;
        default:
          if (OTHER_SECTIONS.contains(kw)) {
            warn(kw, "section not used by stickyroute; its lines are skipped");
            current = new Section(SectionKind.IGNORED, kw, at, null);
            return;
          }
      }
      if (current == null) {
        warn(kw, "line outside of any section; skipped");
        return;
      }
      switch (current.kind) {
        case IGNORED:
          return;
        case GLOBAL:
          warn(kw, "global setting not used by stickyroute; skipped");
          return;
        default:
          proxyLine(w);
      }
    }

    private void startSection(SectionKind kind, List<String> w) {
      String kw = w.get(0);
      if (kind == SectionKind.GLOBAL) {
        current = new Section(kind, "global", at, null);
        return;
      }
      if (kind == SectionKind.DEFAULTS) {
        // A new defaults section starts from HAProxy's built-in defaults.
        defaults = new ProxySettings();
        current = new Section(kind, w.size() > 1 ? w.get(1) : "", at, defaults);
        if (w.size() > 2) {
          warn(w.get(2), "named defaults and 'from' are not supported; the settings are applied as usual");
        }
        return;
      }
      if (w.size() < 2) {
        throw error(kw, "requires a name");
      }
      String name = w.get(1);
      checkName(name);
      boolean fe = kind != SectionKind.BACKEND;
      boolean be = kind != SectionKind.FRONTEND;
      Section clash = fe ? frontendNames.get(name) : null;
      if (clash == null && be) {
        clash = backendNames.get(name);
      }
      if (clash != null) {
        warn(
            name,
            kw + " has the same name as the " + clash.kind.name().toLowerCase() + " declared at " + clash.location
                + " (HAProxy refuses this); this section is skipped");
        current = new Section(SectionKind.IGNORED, name, at, null);
        return;
      }
      current = new Section(kind, name, at, defaults.copy());
      if (fe) {
        frontendNames.put(name, current);
      }
      if (be) {
        backendNames.put(name, current);
      }
      sections.add(current);
      if (kind == SectionKind.LISTEN && w.size() > 2) {
        for (int i = 2; i < w.size(); i++) {
          current.binds.add(w.get(i));
        }
      } else if (w.size() > 2) {
        warn(w.get(2), "extra words after the section name; ignored");
      }
    }

    private void checkName(String name) {
      for (int i = 0; i < name.length(); i++) {
        char c = name.charAt(i);
        boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
            || c == '-' || c == '_' || c == '.' || c == ':';
        if (!ok) {
          throw error(name, "invalid character '" + c + "' in a section name");
        }
      }
    }

    // -------------------------------------------------------------------------------- proxy keywords

    private void proxyLine(List<String> w) {
      String kw = w.get(0);
      ProxySettings p = current.settings;
      boolean isDefaults = current.kind == SectionKind.DEFAULTS;
      switch (kw) {
        case "mode":
          if (w.size() < 2) {
            throw error(kw, "expects 'http' or 'tcp'");
          }
          if (!w.get(1).equals("http")) {
            warn(w.get(1), "only 'mode http' is meaningful to stickyroute; routing assumes HTTP");
          }
          return;
        case "balance":
          p.balance = parseBalance(w);
          return;
        case "hash-type":
          p.hashType = HashType.parse(w.subList(1, w.size()));
          return;
        case "hash-balance-factor":
          p.hashBalanceFactor = parseInt(w, 1, 0, Integer.MAX_VALUE);
          if (p.hashBalanceFactor != 0 && p.hashBalanceFactor <= 100) {
            throw error(w.get(1), "hash-balance-factor must be 0 or greater than 100");
          }
          return;
        case "cookie":
          p.cookie = parseCookie(w);
          p.cookieAt = at;
          return;
        case "dynamic-cookie-key":
          if (w.size() < 2) {
            throw error(kw, "expects a key");
          }
          p.dynamicCookieKey = w.get(1);
          return;
        case "retries":
          p.retries = parseInt(w, 1, 0, Integer.MAX_VALUE);
          return;
        case "timeout":
          timeout(w, p);
          return;
        case "option":
          option(w, p, true);
          return;
        case "no":
          if (w.size() >= 2 && w.get(1).equals("option")) {
            option(w.subList(1, w.size()), p, false);
          } else {
            warn(kw, "not supported by stickyroute; skipped");
          }
          return;
        case "default-server":
          serverKeywords(w, 1, p.defaultServer, true);
          return;
        case "server":
          if (!current.isBackend()) {
            throw error(kw, "'server' is only allowed in backend and listen sections");
          }
          server(w, p);
          return;
        case "default_backend":
          if (current.kind == SectionKind.BACKEND) {
            warn(kw, "ignored in a backend section");
            return;
          }
          if (w.size() < 2) {
            throw error(kw, "expects a backend name");
          }
          p.defaultBackend = w.get(1);
          p.defaultBackendAt = at;
          return;
        case "use_backend":
          if (!current.isFrontend()) {
            warn(kw, "only meaningful in frontend and listen sections; skipped");
            return;
          }
          useBackend(w);
          return;
        case "acl":
          if (isDefaults) {
            warn(kw, "ACLs in defaults sections are not supported; skipped");
            return;
          }
          acl(w);
          return;
        case "bind":
          if (!current.isFrontend()) {
            warn(kw, "only meaningful in frontend and listen sections; skipped");
            return;
          }
          if (w.size() < 2) {
            throw error(kw, "expects an address");
          }
          current.binds.add(w.get(1));
          return;
        case "stats":
          stats(w);
          return;
        case "reqadd":
        case "reqrep":
        case "reqirep":
        case "reqdel":
        case "reqidel":
        case "reqdeny":
        case "reqallow":
        case "reqtarpit":
        case "rspadd":
        case "rsprep":
        case "rspirep":
        case "rspdel":
        case "rspdeny":
          warn(
              kw,
              "removed in HAProxy 2.1 (a fatal error there); use 'http-request' / 'http-response' rules"
                  + " (for reqadd: 'http-request set-header'); skipped");
          return;
        default:
          warn(kw, "not used by stickyroute; skipped");
      }
    }

    private Balance parseBalance(List<String> w) {
      if (w.size() < 2) {
        throw error("balance", "expects an algorithm");
      }
      String alg = w.get(1);
      switch (alg) {
        case "roundrobin":
          noExtra(w, 2);
          return Balance.roundRobin();
        case "static-rr":
          noExtra(w, 2);
          return Balance.staticRoundRobin();
        case "leastconn":
          noExtra(w, 2);
          return Balance.leastConn();
        case "uri":
          {
            int len = 0;
            int depth = 0;
            boolean whole = false;
            boolean pathOnly = false;
            for (int i = 2; i < w.size(); i++) {
              String o = w.get(i);
              switch (o) {
                case "len":
                  len = parsePositive(w, ++i, "len");
                  break;
                case "depth":
                  depth = parsePositive(w, ++i, "depth");
                  break;
                case "whole":
                  whole = true;
                  break;
                case "path-only":
                  pathOnly = true;
                  break;
                default:
                  throw error(o, "'balance uri' only accepts 'len', 'depth', 'whole' and 'path-only'");
              }
            }
            return Balance.uri(new Balance.Uri(len, depth, whole, pathOnly));
          }
        default:
          if (alg.equals("random") || alg.startsWith("random(")) {
            int draws = 2;
            if (alg.startsWith("random(")) {
              if (!alg.endsWith(")")) {
                throw error(alg, "expects random(<draws>)");
              }
              String n = alg.substring(7, alg.length() - 1);
              if (n.isEmpty()) {
                throw error(alg, "expects random(<draws>)");
              }
              draws = parseNumber(n, 1, 1_000_000);
            }
            noExtra(w, 2);
            return Balance.random(draws);
          }
          if (Set.of("first", "source", "url_param", "rdp-cookie", "hash").contains(alg)
              || alg.startsWith("hdr(")
              || alg.startsWith("rdp-cookie(")) {
            warn(alg, "balance algorithm not supported by stickyroute; using roundrobin");
            return Balance.roundRobin();
          }
          throw error(alg, "unknown balance algorithm");
      }
    }

    private void noExtra(List<String> w, int from) {
      if (w.size() > from) {
        warn(w.get(from), "unexpected argument; ignored");
      }
    }

    private int parsePositive(List<String> w, int i, String what) {
      if (i >= w.size()) {
        throw error(what, "expects a positive integer");
      }
      int v = parseNumber(w.get(i), 0, Integer.MAX_VALUE);
      if (v <= 0) {
        throw error(w.get(i), what + " must be a positive integer");
      }
      return v;
    }

    private int parseInt(List<String> w, int i, int min, int max) {
      if (i >= w.size()) {
        throw error(w.get(i - 1), "expects an integer");
      }
      return parseNumber(w.get(i), min, max);
    }

    private int parseNumber(String s, int min, int max) {
      if (s.isEmpty() || s.length() > 10) {
        throw error(s, "expects an integer between " + min + " and " + max);
      }
      long v = 0;
      int start = 0;
      boolean neg = false;
      if (s.charAt(0) == '-') {
        neg = true;
        start = 1;
      }
      if (start == s.length()) {
        throw error(s, "expects an integer");
      }
      for (int i = start; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c < '0' || c > '9') {
          throw error(s, "expects an integer");
        }
        v = v * 10 + (c - '0');
      }
      if (neg) {
        v = -v;
      }
      if (v < min || v > max) {
        throw error(s, "must be between " + min + " and " + max);
      }
      return (int) v;
    }

    private long parseTime(List<String> w, int i) {
      if (i >= w.size()) {
        throw error(w.get(i - 1), "expects a time");
      }
      return TimeUnits.parseMillis(w.get(i));
    }

    private void timeout(List<String> w, ProxySettings p) {
      if (w.size() < 3) {
        throw error("timeout", "expects a name and a time");
      }
      String which = w.get(1);
      long ms = parseTime(w, 2);
      switch (which) {
        case "connect":
          p.connectTimeout = ms;
          return;
        case "server":
          p.serverTimeout = ms;
          return;
        case "check":
          p.checkTimeout = ms;
          return;
        default:
          warn("timeout " + which, "not used by stickyroute; skipped");
      }
    }

    private void option(List<String> w, ProxySettings p, boolean on) {
      if (w.size() < 2) {
        throw error("option", "expects an option name");
      }
      String o = w.get(1);
      switch (o) {
        case "httpchk":
          if (!on) {
            p.httpCheck = null;
            return;
          }
          if (w.size() == 2) {
            p.httpCheck = HttpCheckConfig.DEFAULT;
          } else if (w.size() == 3) {
            p.httpCheck = new HttpCheckConfig("OPTIONS", w.get(2), "HTTP/1.0");
          } else {
            p.httpCheck = new HttpCheckConfig(w.get(2), w.get(3), w.size() > 4 ? w.get(4) : "HTTP/1.0");
            if (w.size() > 5) {
              warn(w.get(5), "unexpected argument to 'option httpchk'; ignored");
            }
          }
          return;
        case "redispatch":
          p.redispatch = on;
          p.redispatchInterval = -1;
          if (on && w.size() > 2) {
            int interval = parseNumber(w.get(2), Integer.MIN_VALUE + 1, Integer.MAX_VALUE);
            if (interval == 0) {
              p.redispatch = false;
            } else {
              p.redispatchInterval = interval;
            }
          }
          return;
        case "persist":
          p.persist = on;
          return;
        case "allbackups":
          p.allBackups = on;
          return;
        default:
          warn("option " + o, "not used by stickyroute; skipped");
      }
    }

    private CookieConfig parseCookie(List<String> w) {
      if (w.size() < 2) {
        throw error("cookie", "expects a cookie name");
      }
      String name = w.get(1);
      Cookies.checkToken(name, "cookie name");
      CookieConfig.Mode mode = CookieConfig.Mode.PASSIVE;
      boolean indirect = false;
      boolean nocache = false;
      boolean postonly = false;
      boolean preserve = false;
      boolean httpOnly = false;
      boolean secure = false;
      boolean dynamic = false;
      long maxIdle = 0;
      long maxLife = 0;
      List<String> domains = new ArrayList<>();
      List<String> attrs = new ArrayList<>();
      for (int i = 2; i < w.size(); i++) {
        String o = w.get(i);
        switch (o) {
          case "rewrite":
          case "insert":
          case "prefix":
            {
              CookieConfig.Mode m =
                  o.equals("rewrite")
                      ? CookieConfig.Mode.REWRITE
                      : o.equals("insert") ? CookieConfig.Mode.INSERT : CookieConfig.Mode.PREFIX;
              if (mode != CookieConfig.Mode.PASSIVE && mode != m) {
                throw error(o, "'rewrite', 'insert' and 'prefix' are mutually exclusive");
              }
              mode = m;
              break;
            }
          case "indirect":
            indirect = true;
            break;
          case "nocache":
            nocache = true;
            break;
          case "postonly":
            postonly = true;
            break;
          case "preserve":
            preserve = true;
            break;
          case "httponly":
            httpOnly = true;
            break;
          case "secure":
            secure = true;
            break;
          case "dynamic":
            dynamic = true;
            break;
          case "domain":
            {
              if (i + 1 >= w.size()) {
                throw error(o, "expects a domain");
              }
              String d = w.get(++i);
              Cookies.checkAttributeValue(d, "cookie domain");
              if (d.indexOf('.') < 0) {
                warn(d, "cookie domain contains no embedded dot; browsers may ignore it (RFC 6265 5.2.3)");
              }
              domains.add(d);
              break;
            }
          case "attr":
            {
              if (i + 1 >= w.size()) {
                throw error(o, "expects an attribute");
              }
              String a = w.get(++i);
              Cookies.checkAttributeValue(a, "cookie attr");
              attrs.add(a);
              break;
            }
          case "maxidle":
            if (i + 1 >= w.size()) {
              throw error(o, "expects a time");
            }
            maxIdle = TimeUnits.parseSeconds(w.get(++i));
            break;
          case "maxlife":
            if (i + 1 >= w.size()) {
              throw error(o, "expects a time");
            }
            maxLife = TimeUnits.parseSeconds(w.get(++i));
            break;
          default:
            throw error(o, "unknown cookie option");
        }
      }
      return new CookieConfig(
          name, mode, indirect, nocache, postonly, preserve, httpOnly, secure, domains, maxIdle, maxLife, dynamic,
          attrs);
    }

    private void server(List<String> w, ProxySettings p) {
      if (w.size() < 3) {
        throw error("server", "expects a name and an address");
      }
      String name = w.get(1);
      checkName(name);
      String addr = w.get(2);
      String host;
      int port = 0;
      if (addr.startsWith("[")) {
        int close = addr.indexOf(']');
        if (close < 0) {
          throw error(addr, "unterminated IPv6 address");
        }
        host = addr.substring(1, close);
        String rest = addr.substring(close + 1);
        if (rest.startsWith(":")) {
          port = parsePort(rest.substring(1), addr);
        } else if (!rest.isEmpty()) {
          throw error(addr, "invalid address");
        }
      } else {
        String a = addr;
        for (String prefix : new String[] {"ipv4@", "ipv6@"}) {
          if (a.startsWith(prefix)) {
            a = a.substring(prefix.length());
          }
        }
        if (a.contains("@")) {
          throw error(addr, "only IPv4, IPv6 and host name addresses are supported");
        }
        int colon = a.lastIndexOf(':');
        if (colon < 0 || (a.indexOf(':') != colon && !a.substring(colon + 1).chars().allMatch(Character::isDigit))) {
          host = a;
        } else {
          host = a.substring(0, colon);
          String ps = a.substring(colon + 1);
          if (!ps.isEmpty()) {
            port = parsePort(ps, addr);
          }
        }
      }
      if (host.isEmpty()) {
        throw error(addr, "missing host");
      }
      if (port == 0) {
        warn(addr, "server address has no port; HAProxy would reuse the client's destination port");
      }
      ServerSettings s = p.defaultServer.copy();
      s.id = 0;
      s.cookie = null;
      serverKeywords(w, 3, s, false);
      ServerConfig built =
          ServerConfig.builder(name, host, port)
              .weight(s.weight)
              .id(s.id)
              .cookie(s.cookie)
              .check(s.check)
              .inter(s.inter)
              .fastInter(s.fastInter)
              .downInter(s.downInter)
              .rise(s.rise)
              .fall(s.fall)
              .backup(s.backup)
              .disabled(s.disabled)
              .maxconn(s.maxconn)
              .slowstart(s.slowstart)
              .location(at)
              .build();
      // maps, not a scan of the servers so far: a backend of thousands of servers must load in linear time
      ServerConfig other = current.serversByName.get(name);
      if (other != null) {
        throw error(name, "backend '" + current.name + "' already has a server with this name (" + other.location() + ")");
      }
      if (built.id() > 0) {
        ServerConfig withId = current.serversById.get(built.id());
        if (withId != null) {
          throw error(String.valueOf(built.id()), "server id already used by '" + withId.name() + "'");
        }
        current.serversById.put(built.id(), built);
      }
      current.serversByName.put(name, built);
      current.servers.add(built);
    }

    private int parsePort(String s, String addr) {
      if (s.isEmpty() || s.length() > 5 || !s.chars().allMatch(Character::isDigit)) {
        throw error(addr, "invalid port (port ranges, offsets and variables are not supported)");
      }
      int port = Integer.parseInt(s);
      if (port < 1 || port > 65535) {
        throw error(addr, "port must be 1..65535");
      }
      return port;
    }

    private void serverKeywords(List<String> w, int from, ServerSettings s, boolean isDefault) {
      for (int i = from; i < w.size(); i++) {
        String k = w.get(i);
        switch (k) {
          case "weight":
            s.weight = parseInt(w, ++i, 0, ServerConfig.MAX_WEIGHT);
            break;
          case "id":
            if (isDefault) {
              throw error(k, "not allowed on default-server");
            }
            s.id = parseInt(w, ++i, 1, Integer.MAX_VALUE);
            break;
          case "cookie":
            if (isDefault) {
              throw error(k, "not allowed on default-server");
            }
            if (i + 1 >= w.size()) {
              throw error(k, "expects a value");
            }
            s.cookie = w.get(++i);
            Cookies.checkValue(s.cookie, "server cookie value");
            break;
          case "check":
            s.check = true;
            break;
          case "no-check":
            s.check = false;
            break;
          case "inter":
            s.inter = positiveTime(w, ++i);
            break;
          case "fastinter":
            s.fastInter = positiveTime(w, ++i);
            break;
          case "downinter":
            s.downInter = positiveTime(w, ++i);
            break;
          case "rise":
            s.rise = parseInt(w, ++i, 1, ServerConfig.MAX_RISE_FALL);
            break;
          case "fall":
            s.fall = parseInt(w, ++i, 1, ServerConfig.MAX_RISE_FALL);
            break;
          case "backup":
            s.backup = true;
            break;
          case "no-backup":
            s.backup = false;
            break;
          case "disabled":
            s.disabled = true;
            break;
          case "enabled":
            s.disabled = false;
            break;
          case "maxconn":
            s.maxconn = parseInt(w, ++i, 0, Integer.MAX_VALUE);
            break;
          case "slowstart":
            s.slowstart = parseTime(w, ++i);
            break;
          default:
            {
              Integer args = IGNORED_SERVER_KEYWORDS.get(k);
              if (args == null) {
                throw error(k, "unknown server keyword");
              }
              warn(k, "server keyword not used by stickyroute; skipped");
              i += args;
            }
        }
      }
    }

    private long positiveTime(List<String> w, int i) {
      long ms = parseTime(w, i);
      if (ms <= 0) {
        throw error(w.get(i), "must be a positive time");
      }
      return ms;
    }

    private void acl(List<String> w) {
      if (w.size() < 3) {
        throw error("acl", "expects a name and a criterion");
      }
      String name = w.get(1);
      String criterion = w.get(2);
      AclBuild acl = current.acls.computeIfAbsent(name, n -> new AclBuild(n, at));
      boolean supported = criterion.equals("path_beg") || criterion.equals("path");
      boolean ignoreCase = false;
      boolean matchBeg = criterion.equals("path_beg");
      int i = 3;
      for (; i < w.size(); i++) {
        String f = w.get(i);
        if (!f.startsWith("-") || f.equals("-")) {
          break;
        }
        if (f.equals("--")) {
          i++;
          break;
        }
        if (f.equals("-i")) {
          ignoreCase = true;
        } else if (f.equals("-m") && i + 1 < w.size()) {
          String m = w.get(++i);
          matchBeg = m.equals("beg");
          if (!matchBeg) {
            supported = false;
          }
        } else {
          supported = false;
        }
      }
      if (!supported || !matchBeg) {
        acl.unsupported = true;
        warn(criterion, "ACL criterion not supported (only 'path_beg [-i]'); rules using ACL '" + name + "' are skipped");
        return;
      }
      if (i >= w.size()) {
        throw error(name, "ACL without any pattern");
      }
      for (; i < w.size(); i++) {
        acl.prefixes.add(new AclConfig.PathPrefix(w.get(i), ignoreCase));
      }
    }

    private void useBackend(List<String> w) {
      if (w.size() < 2) {
        throw error("use_backend", "expects a backend name");
      }
      String backend = w.get(1);
      if (backend.contains("%[")) {
        warn(backend, "dynamic backend names are not supported; rule skipped");
        return;
      }
      if (w.size() == 2) {
        current.rules.add(new UseBackendRule(backend, false, List.of(), at));
        return;
      }
      if (w.size() == 3) {
        throw error(w.get(2), "expects 'if' or 'unless' followed by a condition");
      }
      String mode = w.get(2);
      if (!mode.equals("if") && !mode.equals("unless")) {
        throw error(mode, "expects 'if' or 'unless'");
      }
      List<List<UseBackendRule.Term>> groups = new ArrayList<>();
      List<UseBackendRule.Term> group = new ArrayList<>();
      for (int i = 3; i < w.size(); i++) {
        String t = w.get(i);
        if (t.equals("or") || t.equals("||")) {
          if (group.isEmpty()) {
            throw error(t, "empty condition before 'or'");
          }
          groups.add(group);
          group = new ArrayList<>();
          continue;
        }
        if (t.equals("{")) {
          warn(t, "anonymous ACLs are not supported; rule skipped");
          return;
        }
        boolean neg = false;
        int k = 0;
        while (k < t.length() && t.charAt(k) == '!') {
          neg = !neg;
          k++;
        }
        String acl = t.substring(k);
        if (acl.isEmpty()) {
          throw error(t, "expects an ACL name");
        }
        AclBuild a = current.acls.get(acl);
        if (a == null) {
          if (Set.of("TRUE", "FALSE", "HTTP", "HTTP_1.0", "HTTP_1.1", "METH_GET", "LOCALHOST").contains(acl)) {
            warn(acl, "predefined ACLs are not supported; rule skipped");
            return;
          }
          throw error(acl, "no such ACL");
        }
        if (a.unsupported) {
          warn(acl, "rule uses an unsupported ACL; skipped");
          return;
        }
        group.add(new UseBackendRule.Term(acl, neg));
      }
      if (group.isEmpty()) {
        throw error(w.get(w.size() - 1), "empty condition");
      }
      groups.add(group);
      current.rules.add(new UseBackendRule(backend, mode.equals("unless"), groups, at));
    }

    private void stats(List<String> w) {
      if (w.size() < 2) {
        throw error("stats", "expects a sub-keyword");
      }
      if (current.kind == SectionKind.DEFAULTS || !current.isFrontend()) {
        warn("stats", "stats settings are only used in frontend and listen sections; skipped");
        return;
      }
      switch (w.get(1)) {
        case "uri":
          if (w.size() < 3) {
            throw error("uri", "expects a URI prefix");
          }
          current.statsUri = w.get(2);
          if (current.statsAt == null) {
            current.statsAt = at;
          }
          return;
        case "auth":
          {
            if (w.size() < 3 || w.get(2).indexOf(':') <= 0) {
              throw error(w.size() < 3 ? "auth" : w.get(2), "expects user:password");
            }
            String up = w.get(2);
            int c = up.indexOf(':');
            current.statsAuth.add(new StatsConfig.Credential(up.substring(0, c), up.substring(c + 1)));
            if (current.statsAt == null) {
              current.statsAt = at;
            }
            return;
          }
        case "enable":
          if (current.statsAt == null) {
            current.statsAt = at;
          }
          return;
        default:
          warn("stats " + w.get(1), "not used by stickyroute; skipped");
      }
    }

    // ------------------------------------------------------------------------------------- assembly

    private RoutingConfig build() {
      List<FrontendConfig> frontends = new ArrayList<>();
      List<BackendConfig> backends = new ArrayList<>();
      for (Section s : sections) {
        if (s.isBackend()) {
          backends.add(backend(s));
        }
      }
      Set<String> backendNames = new java.util.HashSet<>();
      for (BackendConfig b : backends) {
        backendNames.add(b.name());
      }
      for (Section s : sections) {
        if (!s.isFrontend()) {
          continue;
        }
        String def = s.settings.defaultBackend;
        if (def == null && s.kind == SectionKind.LISTEN) {
          def = s.name;
        }
        if (def != null && !backendNames.contains(def)) {
          throw new ConfigException(
              s.settings.defaultBackendAt != null ? s.settings.defaultBackendAt : s.location,
              def,
              "default_backend names no backend of this configuration");
        }
        List<UseBackendRule> rules = new ArrayList<>();
        for (UseBackendRule r : s.rules) {
          if (!backendNames.contains(r.backend())) {
            throw new ConfigException(r.location(), r.backend(), "use_backend names no backend of this configuration");
          }
          // An ACL can become unsupported after a rule used it (a later 'acl' line with the same name and an
          // unsupported criterion): its warning promised that rules using it are skipped, so skip them here.
          if (!usesUnsupportedAcl(r, s)) {
            rules.add(r);
          }
        }
        List<AclConfig> acls = new ArrayList<>();
        for (AclBuild a : s.acls.values()) {
          if (!a.unsupported) {
            acls.add(new AclConfig(a.name, a.prefixes, a.location));
          }
        }
        StatsConfig stats = s.statsAt == null ? null : new StatsConfig(s.statsUri, s.statsAuth, s.statsAt);
        frontends.add(new FrontendConfig(s.name, s.binds, acls, rules, def, stats, s.location));
      }
      List<ConfigWarning> sorted = new ArrayList<>(warnings);
      sorted.sort(java.util.Comparator.comparingInt(w -> w.location().line()));
      return new RoutingConfig(frontends, backends, sorted);
    }

    private static boolean usesUnsupportedAcl(UseBackendRule r, Section s) {
      for (List<UseBackendRule.Term> group : r.anyOf()) {
        for (UseBackendRule.Term t : group) {
          AclBuild a = s.acls.get(t.acl());
          if (a != null && a.unsupported) {
            return true;
          }
        }
      }
      return false;
    }

    private BackendConfig backend(Section s) {
      ProxySettings p = s.settings;
      CookieConfig cookie = p.cookie;
      BackendConfig built = new BackendConfig(
          s.name,
          p.balance == null ? Balance.roundRobin() : p.balance,
          p.hashType,
          p.hashBalanceFactor,
          BackendConfig.HAPROXY_POINTS_PER_WEIGHT,
          cookie,
          p.dynamicCookieKey,
          p.redispatch,
          p.redispatchInterval,
          p.persist,
          p.allBackups,
          p.retries,
          p.httpCheck,
          p.connectTimeout,
          p.serverTimeout,
          p.checkTimeout,
          s.servers,
          s.location,
          StickyOptions.HAPROXY);
      if (cookie != null) {
        for (ServerConfig sc : s.servers) {
          if (sc.cookie() != null && sc.cookie().contains(sc.host())) {
            SourceLocation saved = at;
            at = sc.location();
            warn(sc.cookie(), "server '" + sc.name() + "' cookie value contains its address '" + sc.host()
                + "': every client will see it; use an opaque value");
            at = saved;
          }
          if (built.wantsDynamicCookie(sc) && !built.dynamicCookie(sc)) {
            SourceLocation saved = at;
            at = sc.location();
            warn(sc.host(), "server '" + sc.name() + "' has a host name: stickyroute does not resolve names, so it"
                + " gets no dynamic cookie (HAProxy would hash the address it resolves); write an IP address");
            at = saved;
          }
        }
      }
      if (cookie != null && cookie.mode() == CookieConfig.Mode.INSERT) {
        List<String> missing = new ArrayList<>();
        for (ServerConfig sc : s.servers) {
          if (sc.cookie() == null && !built.dynamicCookie(sc)) {
            missing.add(sc.name());
          }
        }
        if (!missing.isEmpty()) {
          SourceLocation saved = at;
          at = s.server(missing.get(0)).location();
          warn(
              missing.get(0),
              "backend '" + s.name + "' inserts cookie '" + cookie.name() + "' but server(s) " + missing
                  + " have no 'cookie' value (nor 'dynamic' with a dynamic-cookie-key): they can never be sticky");
          at = saved;
        }
      }
      if (cookie != null && cookie.dynamic() && p.dynamicCookieKey == null) {
        SourceLocation saved = at;
        at = p.cookieAt; // the 'cookie' line (perhaps in a defaults section), which holds the word
        warn("dynamic", "backend '" + s.name + "' uses 'cookie ... dynamic' without 'dynamic-cookie-key'");
        at = saved;
      }
      return built;
    }
  }
}
