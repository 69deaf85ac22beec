package org.stickyroute.config;

import java.util.LinkedHashMap;
import java.util.Map;
import org.stickyroute.hash.HashType;

/**
 * {@code balance}, {@code hash-type} and {@code hash-balance-factor}. The algorithms are a table, keyword →
 * parser: adding an algorithm is one entry (exact keyword, or a keyword with arguments in parentheses, such as
 * {@code random(<draws>)}).
 */
final class BalanceParser {
  /** Parses the words after {@code balance} for one algorithm. */
  @FunctionalInterface
  interface Algorithm {
    /**
     * @param line the {@code balance} line ({@code word(1)} is the algorithm as written)
     * @param parenthesised what the parentheses of {@code keyword(...)} enclose, or {@code null} without
     */
    Balance parse(Line line, String parenthesised);
  }

  /** Algorithms by exact keyword. */
  private static final Map<String, Algorithm> ALGORITHMS = new LinkedHashMap<>();
  /** Algorithms written {@code keyword(...)}, by {@code keyword(}. */
  private static final Map<String, Algorithm> WITH_ARGUMENTS = new LinkedHashMap<>();

  static {
    ALGORITHMS.put("roundrobin", (l, p) -> noExtra(l, Balance.roundRobin()));
    ALGORITHMS.put("static-rr", (l, p) -> noExtra(l, Balance.staticRoundRobin()));
    ALGORITHMS.put("leastconn", (l, p) -> noExtra(l, Balance.leastConn()));
    ALGORITHMS.put("uri", (l, p) -> uri(l));
    ALGORITHMS.put("random", BalanceParser::random);
    WITH_ARGUMENTS.put("random(", BalanceParser::random);
    // HAProxy algorithms stickyroute does not implement yet
    for (String unsupported : new String[] {"first", "source", "url_param", "rdp-cookie", "hash"}) {
      ALGORITHMS.put(unsupported, BalanceParser::unsupported);
    }
    WITH_ARGUMENTS.put("hdr(", BalanceParser::unsupported);
    WITH_ARGUMENTS.put("rdp-cookie(", BalanceParser::unsupported);
  }

  private BalanceParser() {}

  /** {@code balance <algorithm> [arguments]}. */
  static void balance(Line l, ProxySection s) {
    if (l.size() < 2) {
      throw l.error("balance", "expects an algorithm");
    }
    String alg = l.word(1);
    Algorithm a = ALGORITHMS.get(alg);
    String parenthesised = null;
    if (a == null) {
      for (Map.Entry<String, Algorithm> e : WITH_ARGUMENTS.entrySet()) {
        if (alg.startsWith(e.getKey())) {
          a = e.getValue();
          parenthesised = alg.substring(e.getKey().length());
          break;
        }
      }
    }
    if (a == null) {
      throw l.error(alg, "unknown balance algorithm");
    }
    s.backend.balance(a.parse(l, parenthesised));
  }

  private static Balance noExtra(Line l, Balance b) {
    l.noExtra(2);
    return b;
  }

  /** {@code uri [len <n>] [depth <n>] [whole] [path-only]}. */
  private static Balance uri(Line l) {
    int len = 0;
    int depth = 0;
    boolean whole = false;
    boolean pathOnly = false;
    for (int i = 2; i < l.size(); i++) {
      String o = l.word(i);
      switch (o) {
        case "len":
          len = l.positive(++i, "len");
          break;
        case "depth":
          depth = l.positive(++i, "depth");
          break;
        case "whole":
          whole = true;
          break;
        case "path-only":
          pathOnly = true;
          break;
        default:
          throw l.error(o, "'balance uri' only accepts 'len', 'depth', 'whole' and 'path-only'");
      }
    }
    return Balance.uri(new Balance.Uri(len, depth, whole, pathOnly));
  }

  /** {@code random} (two draws) or {@code random(<draws>)}; {@code parenthesised} is {@code "<draws>)"}. */
  private static Balance random(Line l, String parenthesised) {
    int draws = 2;
    if (parenthesised != null) {
      String alg = l.word(1);
      if (!parenthesised.endsWith(")")) {
        throw l.error(alg, "expects random(<draws>)");
      }
      String n = parenthesised.substring(0, parenthesised.length() - 1);
      if (n.isEmpty()) {
        throw l.error(alg, "expects random(<draws>)");
      }
      draws = l.number(n, 1, 1_000_000);
    }
    l.noExtra(2);
    return Balance.random(draws);
  }

  private static Balance unsupported(Line l, String parenthesised) {
    l.warn(l.word(1), "balance algorithm not supported by stickyroute; using roundrobin");
    return Balance.roundRobin();
  }

  /** {@code hash-type <method> [<function>] [<modifier>]}. */
  static void hashType(Line l, ProxySection s) {
    s.backend.hashType(HashType.parse(l.wordsFrom(1)));
  }

  /** {@code hash-balance-factor <n>}: 0 or more than 100. */
  static void hashBalanceFactor(Line l, ProxySection s) {
    int factor = l.integer(1, 0, Integer.MAX_VALUE);
    l.apply(1, () -> s.backend.hashBalanceFactor(factor));
  }
}
