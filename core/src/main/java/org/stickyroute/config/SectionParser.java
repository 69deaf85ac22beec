package org.stickyroute.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The section structure of an HAProxy configuration, and the {@code global} and {@code defaults} rules: which
 * section a line belongs to, the {@code defaults} section a proxy section inherits from (a new {@code
 * defaults} starts again from HAProxy's built-in defaults), the names HAProxy would refuse, and the general
 * proxy keywords ({@code mode}, {@code retries}, {@code timeout}, {@code option}, {@code no option}, the
 * keywords HAProxy 2.1 removed). Every other proxy keyword goes to its parser through one table, keyword →
 * parser.
 */
final class SectionParser {
  /** A proxy keyword's parser. */
  @FunctionalInterface
  interface Keyword {
    void parse(Line line, ProxySection section);
  }

  private static final Set<String> OTHER_SECTIONS =
      Set.of(
          "userlist", "peers", "resolvers", "cache", "program", "http-errors", "ring", "mailers", "namespace_list",
          "fcgi-app", "log-forward", "crt-store", "traces");

  private static final Map<String, Keyword> KEYWORDS = new HashMap<>();

  static {
    KEYWORDS.put("mode", SectionParser::mode);
    KEYWORDS.put("retries", (l, s) -> {
      int retries = l.integer(1, 0, Integer.MAX_VALUE);
      l.apply(1, () -> s.backend.retries(retries));
    });
    KEYWORDS.put("timeout", SectionParser::timeout);
    KEYWORDS.put("option", (l, s) -> option(l, 0, s, true));
    KEYWORDS.put("no", SectionParser::no);
    KEYWORDS.put("balance", BalanceParser::balance);
    KEYWORDS.put("hash-type", BalanceParser::hashType);
    KEYWORDS.put("hash-balance-factor", BalanceParser::hashBalanceFactor);
    KEYWORDS.put("cookie", CookieParser::cookie);
    KEYWORDS.put("dynamic-cookie-key", CookieParser::dynamicCookieKey);
    KEYWORDS.put("default-server", ServerParser::defaultServer);
    KEYWORDS.put("server", ServerParser::server);
    KEYWORDS.put("default_backend", FrontendRuleParser::defaultBackend);
    KEYWORDS.put("use_backend", FrontendRuleParser::useBackend);
    KEYWORDS.put("acl", FrontendRuleParser::acl);
    KEYWORDS.put("bind", FrontendRuleParser::bind);
    KEYWORDS.put("stats", StatsParser::stats);
    KEYWORDS.put("stick-table", StickParser::table);
    KEYWORDS.put("stick", StickParser::rule);
    for (String removed : new String[] {
      "reqadd", "reqrep", "reqirep", "reqdel", "reqidel", "reqdeny", "reqallow", "reqtarpit", "rspadd", "rsprep",
      "rspirep", "rspdel", "rspdeny"
    }) {
      KEYWORDS.put(removed, (l, s) -> l.warn(l.keyword(),
          "removed in HAProxy 2.1 (a fatal error there); use 'http-request' / 'http-response' rules"
              + " (for reqadd: 'http-request set-header'); skipped"));
    }
  }

  private final List<ProxySection> sections = new ArrayList<>();
  private final Map<String, ProxySection> frontendNames = new HashMap<>();
  private final Map<String, ProxySection> backendNames = new HashMap<>();
  private ProxySection defaults = ProxySection.defaults("", new SourceLocation("", 0));
  private ProxySection current;

  /** The frontend, backend and listen sections read so far, in order. */
  List<ProxySection> sections() {
    return sections;
  }

  /** One non-empty line. */
  void line(Line l) {
    String kw = l.keyword();
    switch (kw) {
      case "global":
        current = ProxySection.bare(ProxySection.Kind.GLOBAL, "global", l.location());
        return;
      case "defaults":
        startDefaults(l);
        return;
      case "frontend":
        startProxy(ProxySection.Kind.FRONTEND, l);
        return;
      case "backend":
        startProxy(ProxySection.Kind.BACKEND, l);
        return;
      case "listen":
        startProxy(ProxySection.Kind.LISTEN, l);
        return;
      default:
        if (OTHER_SECTIONS.contains(kw)) {
          l.warn(kw, "section not used by stickyroute; its lines are skipped");
          current = ProxySection.bare(ProxySection.Kind.IGNORED, kw, l.location());
          return;
        }
    }
    if (current == null) {
      l.warn(kw, "line outside of any section; skipped");
      return;
    }
    switch (current.kind) {
      case IGNORED:
        return;
      case GLOBAL:
        l.warn(kw, "global setting not used by stickyroute; skipped");
        return;
      default:
        Keyword k = KEYWORDS.get(kw);
        if (k == null) {
          l.warn(kw, "not used by stickyroute; skipped");
        } else {
          k.parse(l, current);
        }
    }
  }

  private void startDefaults(Line l) {
    // A new defaults section starts from HAProxy's built-in defaults.
    defaults = ProxySection.defaults(l.size() > 1 ? l.word(1) : "", l.location());
    current = defaults;
    if (l.size() > 2) {
      l.warn(l.word(2), "named defaults and 'from' are not supported; the settings are applied as usual");
    }
  }

  private void startProxy(ProxySection.Kind kind, Line l) {
    String kw = l.keyword();
    if (l.size() < 2) {
      throw l.error(kw, "requires a name");
    }
    String name = l.word(1);
    l.checkName(name);
    boolean fe = kind != ProxySection.Kind.BACKEND;
    boolean be = kind != ProxySection.Kind.FRONTEND;
    ProxySection clash = fe ? frontendNames.get(name) : null;
    if (clash == null && be) {
      clash = backendNames.get(name);
    }
    if (clash != null) {
      l.warn(
          name,
          kw + " has the same name as the " + clash.kind.name().toLowerCase() + " declared at " + clash.location
              + " (HAProxy refuses this); this section is skipped");
      current = ProxySection.bare(ProxySection.Kind.IGNORED, name, l.location());
      return;
    }
    current = ProxySection.inheriting(kind, name, l.location(), defaults);
    if (fe) {
      frontendNames.put(name, current);
    }
    if (be) {
      backendNames.put(name, current);
    }
    sections.add(current);
    if (kind == ProxySection.Kind.LISTEN && l.size() > 2) {
      current.binds.addAll(l.wordsFrom(2));
    } else if (l.size() > 2) {
      l.warn(l.word(2), "extra words after the section name; ignored");
    }
  }

  // ------------------------------------------------------------------------------ general proxy keywords

  private static void mode(Line l, ProxySection s) {
    if (l.size() < 2) {
      throw l.error(l.keyword(), "expects 'http' or 'tcp'");
    }
    if (!l.word(1).equals("http")) {
      l.warn(l.word(1), "only 'mode http' is meaningful to stickyroute; routing assumes HTTP");
    }
  }

  private static void no(Line l, ProxySection s) {
    if (l.size() >= 2 && l.word(1).equals("option")) {
      option(l, 1, s, false);
    } else {
      l.warn(l.keyword(), "not supported by stickyroute; skipped");
    }
  }

  private static void timeout(Line l, ProxySection s) {
    if (l.size() < 3) {
      throw l.error("timeout", "expects a name and a time");
    }
    String which = l.word(1);
    long ms = l.time(2);
    switch (which) {
      case "connect":
        s.backend.connectTimeout(ms);
        return;
      case "server":
        s.backend.serverTimeout(ms);
        return;
      case "check":
        s.backend.checkTimeout(ms);
        return;
      default:
        l.warn("timeout " + which, "not used by stickyroute; skipped");
    }
  }

  /** {@code option NAME ...} with its words from {@code at} ({@code at + 1} is the option's name). */
  private static void option(Line l, int at, ProxySection s, boolean on) {
    if (l.size() - at < 2) {
      throw l.error("option", "expects an option name");
    }
    String o = l.word(at + 1);
    int args = l.size() - at; // words of "option NAME args..."
    BackendConfig.Builder b = s.backend;
    switch (o) {
      case "httpchk":
        if (!on) {
          b.httpCheck(null);
        } else if (args == 2) {
          b.httpCheck(HttpCheckConfig.DEFAULT);
        } else if (args == 3) {
          b.httpCheck(new HttpCheckConfig("OPTIONS", l.word(at + 2), "HTTP/1.0"));
        } else {
          b.httpCheck(new HttpCheckConfig(l.word(at + 2), l.word(at + 3), args > 4 ? l.word(at + 4) : "HTTP/1.0"));
          if (args > 5) {
            l.warn(l.word(at + 5), "unexpected argument to 'option httpchk'; ignored");
          }
        }
        return;
      case "redispatch":
        b.redispatch(on).redispatchInterval(-1);
        if (on && args > 2) {
          int interval = l.number(l.word(at + 2), Integer.MIN_VALUE + 1, Integer.MAX_VALUE);
          if (interval == 0) {
            b.redispatch(false);
          } else {
            b.redispatchInterval(interval);
          }
        }
        return;
      case "persist":
        b.persist(on);
        return;
      case "allbackups":
        b.allBackups(on);
        return;
      default:
        l.warn("option " + o, "not used by stickyroute; skipped");
    }
  }
}
