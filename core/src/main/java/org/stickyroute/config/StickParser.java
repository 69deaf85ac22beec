package org.stickyroute.config;

import java.util.Set;

/**
 * {@code stick-table} and {@code stick} lines, as HAProxy 2.6's {@code parse_stick_table} and the {@code
 * stick} keyword of {@code cfg_parse_listen} read them. What would change which server a request reaches and
 * is not supported (an ACL condition, {@code srvkey addr}, an unknown word) is an error naming the word; data
 * types other than {@code server_id} (counters, rates) do not route and are a warning.
 */
final class StickParser {
  private static final Set<String> COUNTER_TYPES = Set.of(
      "server_key", "server_name", "gpc", "gpc_rate", "gpc0", "gpc0_rate", "gpc1", "gpc1_rate", "gpt", "gpt0",
      "conn_cnt", "conn_cur", "conn_rate", "sess_cnt", "sess_rate", "http_req_cnt", "http_req_rate", "http_err_cnt",
      "http_err_rate", "http_fail_cnt", "http_fail_rate", "bytes_in_cnt", "bytes_in_rate", "bytes_out_cnt",
      "bytes_out_rate", "glitch_cnt", "glitch_rate");

  private StickParser() {}

  /** {@code stick-table type T [len N] size N [expire T] [nopurge] [peers NAME] [store ...] [srvkey name]}. */
  static void table(Line l, ProxySection s) {
    if (s.kind == ProxySection.Kind.DEFAULTS) {
      throw l.error(l.keyword(), "not allowed in a 'defaults' section (as in HAProxy)");
    }
    if (s.kind == ProxySection.Kind.FRONTEND) {
      l.warn(l.keyword(), "a frontend's stick-table only serves tracking rules, which do not route; skipped");
      return;
    }
    StickTableConfig.KeyType type = null;
    int len = -1;
    int size = 0;
    long expire = 0;
    boolean nopurge = false;
    String peers = null;
    int i = 1;
    while (i < l.size()) {
      String w = l.word(i);
      switch (w) {
        case "type" -> {
          type = keyType(l, i + 1);
          i += 2;
          if (i < l.size() && l.word(i).equals("len")) {
            if (type != StickTableConfig.KeyType.STRING && type != StickTableConfig.KeyType.BINARY) {
              throw l.error("len", "only 'string' and 'binary' keys take a length");
            }
            len = l.positive(i + 1, "len");
            i += 2;
          }
        }
        case "size" -> {
          size = size(l, i + 1);
          i += 2;
        }
        case "expire" -> {
          expire = l.time(i + 1);
          i += 2;
        }
        case "nopurge" -> {
          nopurge = true;
          i++;
        }
        case "peers" -> {
          if (i + 1 >= l.size()) {
            throw l.error(w, "expects the name of a peers section");
          }
          peers = l.word(i + 1);
          i += 2;
        }
        case "store" -> {
          if (i + 1 >= l.size()) {
            throw l.error(w, "expects a list of data types");
          }
          store(l, l.word(i + 1));
          i += 2;
        }
        case "srvkey" -> {
          if (i + 1 >= l.size() || !l.word(i + 1).equals("name")) {
            throw l.error(i + 1 < l.size() ? l.word(i + 1) : w,
                "only 'srvkey name' (HAProxy's default) is supported: entries name their server");
          }
          i += 2;
        }
        default -> throw l.error(w, "unknown stick-table argument (expects type, size, expire, nopurge, peers,"
            + " store or srvkey)");
      }
    }
    if (type == null) {
      throw l.error(l.keyword(), "missing 'type'");
    }
    if (size == 0) {
      throw l.error(l.keyword(), "missing 'size'");
    }
    if (len < 0) {
      len = switch (type) {
        case IP, INTEGER -> 4;
        case IPV6 -> 16;
        case STRING -> 31; // HAProxy's default key size, 32, holds the terminating NUL
        default -> 32;
      };
    }
    if (s.backend.build().stick().table() != null) {
      throw l.error(l.keyword(), "only one stick-table per backend");
    }
    StickTableConfig t = new StickTableConfig(s.name, type, len, size, expire, nopurge, peers, l.location());
    s.backend.stickTable(t);
  }

  private static StickTableConfig.KeyType keyType(Line l, int i) {
    if (i >= l.size()) {
      throw l.error("type", "expects ip, ipv6, integer, string or binary");
    }
    return switch (l.word(i)) {
      case "ip" -> StickTableConfig.KeyType.IP;
      case "ipv6" -> StickTableConfig.KeyType.IPV6;
      case "integer" -> StickTableConfig.KeyType.INTEGER;
      case "string" -> StickTableConfig.KeyType.STRING;
      case "binary" -> StickTableConfig.KeyType.BINARY;
      default -> throw l.error(l.word(i), "unknown key type (expects ip, ipv6, integer, string or binary)");
    };
  }

  /** HAProxy's {@code parse_size_err}: a number with an optional {@code k}, {@code m} or {@code g} (x1024). */
  private static int size(Line l, int i) {
    if (i >= l.size()) {
      throw l.error("size", "expects a number of entries");
    }
    String w = l.word(i);
    int n = w.length();
    long mult = 1;
    char last = n == 0 ? '0' : Character.toLowerCase(w.charAt(n - 1));
    if (last == 'k' || last == 'm' || last == 'g') {
      mult = last == 'k' ? 1L << 10 : last == 'm' ? 1L << 20 : 1L << 30;
      n--;
    }
    if (n == 0 || n > 10) {
      throw l.error(w, "expects a number of entries");
    }
    long v = 0;
    for (int k = 0; k < n; k++) {
      char c = w.charAt(k);
      if (c < '0' || c > '9') {
        throw l.error(w, "unexpected character '" + c + "' in a size");
      }
      v = v * 10 + (c - '0');
    }
    v *= mult;
    if (v <= 0 || v > (1 << 30)) {
      throw l.error(w, "size must be between 1 and 1g");
    }
    return (int) v;
  }

  private static void store(Line l, String list) {
    for (String type : list.split(",")) {
      String base = type.indexOf('(') >= 0 ? type.substring(0, type.indexOf('(')) : type;
      if (base.equals("server_id")) {
        continue;
      }
      if (COUNTER_TYPES.contains(base)) {
        l.warn(type, "data type kept by HAProxy for tracking (counters and rates); stickyroute routes on"
            + " server_id only and keeps none of it");
      } else {
        throw l.error(type, "unknown stick-table data type");
      }
    }
  }

  /** {@code stick on|match|store-request|store-response <expr> [table <name>] [if|unless <cond>]}. */
  static void rule(Line l, ProxySection s) {
    if (s.kind == ProxySection.Kind.DEFAULTS) {
      throw l.error(l.keyword(), "not allowed in a 'defaults' section (as in HAProxy)");
    }
    if (!s.isBackend()) {
      l.warn(l.keyword(), "only meaningful in backend and listen sections; skipped");
      return;
    }
    if (l.size() < 3) {
      throw l.error(l.keyword(), "expects 'on', 'match', 'store-request' or 'store-response' and an expression");
    }
    StickRule.Kind kind = switch (l.word(1)) {
      case "on" -> StickRule.Kind.ON;
      case "match" -> StickRule.Kind.MATCH;
      case "store-request" -> StickRule.Kind.STORE_REQUEST;
      case "store-response" -> StickRule.Kind.STORE_RESPONSE;
      default -> throw l.error(l.word(1), "expects 'on', 'match', 'store-request' or 'store-response'");
    };
    SampleExpression expr;
    try {
      expr = kind == StickRule.Kind.STORE_RESPONSE
          ? SampleExpression.parseResponse(l.word(2))
          : SampleExpression.parse(l.word(2));
    } catch (SampleExpression.Invalid e) {
      throw l.error(e.word(), e.getMessage());
    }
    String fetch = SampleExpression.canonical(expr.fetch().keyword());
    if (fetch.equals("base") || fetch.equals("baseq")) {
      throw l.error(expr.fetch().keyword(), "not supported in stick rules by stickyroute");
    }
    String table = s.name;
    int i = 3;
    if (i < l.size() && l.word(i).equals("table")) {
      if (i + 1 >= l.size()) {
        throw l.error("table", "expects a table name");
      }
      table = l.word(i + 1);
      i += 2;
    }
    if (i < l.size()) {
      String w = l.word(i);
      if (w.equals("if") || w.equals("unless")) {
        throw l.error(w, "conditions on stick rules are not supported by stickyroute yet: the rule would apply to"
            + " requests HAProxy leaves alone");
      }
      throw l.error(w, "unknown keyword (expects 'table', 'if' or 'unless')");
    }
    s.backend.stickRule(new StickRule(kind, expr, table, l.location()));
  }

  /**
   * Whether a value of the expression's type can become a key of the table ({@code sample_casts} is not
   * {@code NULL}); the loader refuses the rule otherwise, as HAProxy does.
   */
  static boolean castable(SampleExpression e, StickTableConfig.KeyType type) {
    int from = switch (e.outputType()) {
      case "bin" -> SampleKeywords.BIN;
      case "sint" -> SampleKeywords.SINT;
      case "ipv4" -> SampleKeywords.IPV4;
      default -> SampleKeywords.STR;
    };
    int to = switch (type) {
      case IP -> SampleKeywords.IPV4;
      case IPV6 -> SampleKeywords.IPV6;
      case INTEGER -> SampleKeywords.SINT;
      case STRING -> SampleKeywords.STR;
      case BINARY -> SampleKeywords.BIN;
    };
    return SampleKeywords.castable(from, to);
  }
}
