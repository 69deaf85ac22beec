package org.stickyroute.config;

import java.util.HashMap;
import java.util.Map;

/**
 * {@code server <name> <address> [keywords]} and {@code default-server [keywords]}: the address forms HAProxy
 * takes (IPv4, bracketed IPv6, {@code ipv4@}/{@code ipv6@} prefixes, host names), and the server keywords,
 * applied in order to the model's {@link ServerConfig.Builder} (a {@code server} line starts from the section's
 * {@code default-server} settings). HAProxy keywords that do not change routing are warnings, and skip their
 * arguments.
 */
final class ServerParser {
  /** Server keywords HAProxy 2.6 knows that stickyroute does not apply, with their argument counts. */
  private static final Map<String, Integer> IGNORED_KEYWORDS = new HashMap<>();

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
      IGNORED_KEYWORDS.put(k, 0);
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
      IGNORED_KEYWORDS.put(k, 1);
    }
  }

  private ServerParser() {}

  /** {@code default-server [keywords]}: the settings the section's {@code server} lines start from. */
  static void defaultServer(Line l, ProxySection s) {
    keywords(l, 1, s.defaultServer, true);
  }

  /** {@code server <name> <address> [keywords]}. */
  static void server(Line l, ProxySection s) {
    if (!s.isBackend()) {
      throw l.error(l.keyword(), "'server' is only allowed in backend and listen sections");
    }
    if (l.size() < 3) {
      throw l.error("server", "expects a name and an address");
    }
    String name = l.word(1);
    l.checkName(name);
    String addr = l.word(2);
    String host;
    int port = 0;
    if (addr.startsWith("[")) {
      int close = addr.indexOf(']');
      if (close < 0) {
        throw l.error(addr, "unterminated IPv6 address");
      }
      host = addr.substring(1, close);
      String rest = addr.substring(close + 1);
      if (rest.startsWith(":")) {
        port = port(l, rest.substring(1), addr);
      } else if (!rest.isEmpty()) {
        throw l.error(addr, "invalid address");
      }
    } else {
      String a = addr;
      for (String prefix : new String[] {"ipv4@", "ipv6@"}) {
        if (a.startsWith(prefix)) {
          a = a.substring(prefix.length());
        }
      }
      if (a.contains("@")) {
        throw l.error(addr, "only IPv4, IPv6 and host name addresses are supported");
      }
      int colon = a.lastIndexOf(':');
      if (colon < 0 || (a.indexOf(':') != colon && !a.substring(colon + 1).chars().allMatch(Character::isDigit))) {
        host = a;
      } else {
        host = a.substring(0, colon);
        String ps = a.substring(colon + 1);
        if (!ps.isEmpty()) {
          port = port(l, ps, addr);
        }
      }
    }
    if (host.isEmpty()) {
      throw l.error(addr, "missing host");
    }
    if (port == 0) {
      l.warn(addr, "server address has no port; HAProxy would reuse the client's destination port");
    }
    ServerConfig.Builder b = s.defaultServer.build().toBuilder(name, host, port);
    keywords(l, 3, b, false);
    s.backend.server(b.location(l.location()).build());
  }

  private static int port(Line l, String s, String addr) {
    if (s.isEmpty() || s.length() > 5 || !s.chars().allMatch(Character::isDigit)) {
      throw l.error(addr, "invalid port (port ranges, offsets and variables are not supported)");
    }
    int port = Integer.parseInt(s);
    if (port < 1 || port > 65535) {
      throw l.error(addr, "port must be 1..65535");
    }
    return port;
  }

  /** The keywords from word {@code from} on, applied in order to {@code s}. */
  private static void keywords(Line l, int from, ServerConfig.Builder s, boolean isDefault) {
    for (int i = from; i < l.size(); i++) {
      String k = l.word(i);
      switch (k) {
        case "weight":
          s.weight(l.integer(++i, 0, ServerConfig.MAX_WEIGHT));
          break;
        case "id":
          if (isDefault) {
            throw l.error(k, "not allowed on default-server");
          }
          s.id(l.integer(++i, 1, Integer.MAX_VALUE));
          break;
        case "cookie":
          if (isDefault) {
            throw l.error(k, "not allowed on default-server");
          }
          if (i + 1 >= l.size()) {
            throw l.error(k, "expects a value");
          }
          s.cookie(l.word(++i));
          break;
        case "check":
          s.check(true);
          break;
        case "no-check":
          s.check(false);
          break;
        case "inter":
          s.inter(l.positiveTime(++i));
          break;
        case "fastinter":
          s.fastInter(l.positiveTime(++i));
          break;
        case "downinter":
          s.downInter(l.positiveTime(++i));
          break;
        case "rise":
          s.rise(l.integer(++i, 1, ServerConfig.MAX_RISE_FALL));
          break;
        case "fall":
          s.fall(l.integer(++i, 1, ServerConfig.MAX_RISE_FALL));
          break;
        case "backup":
          s.backup(true);
          break;
        case "no-backup":
          s.backup(false);
          break;
        case "disabled":
          s.disabled(true);
          break;
        case "enabled":
          s.disabled(false);
          break;
        case "maxconn":
          s.maxconn(l.integer(++i, 0, Integer.MAX_VALUE));
          break;
        case "slowstart":
          s.slowstart(l.time(++i));
          break;
        default:
          {
            Integer args = IGNORED_KEYWORDS.get(k);
            if (args == null) {
              throw l.error(k, "unknown server keyword");
            }
            l.warn(k, "server keyword not used by stickyroute; skipped");
            i += args;
          }
      }
    }
  }
}
