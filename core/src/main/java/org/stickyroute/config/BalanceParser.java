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
    ALGORITHMS.put("first", (l, p) -> noExtra(l, Balance.first()));
    ALGORITHMS.put("source", (l, p) -> noExtra(l, Balance.source()));
    ALGORITHMS.put("uri", (l, p) -> uri(l));
    ALGORITHMS.put("url_param", (l, p) -> urlParam(l));
    ALGORITHMS.put("hash", (l, p) -> hash(l));
    WITH_ARGUMENTS.put("hdr(", BalanceParser::hdr);
    // HAProxy reads every word that starts with "random" as random; only "random(<draws>)" carries a count
    WITH_ARGUMENTS.put("random", BalanceParser::random);
    WITH_ARGUMENTS.put("rdp-cookie", BalanceParser::rdpCookie);
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
      throw l.error(alg, "unknown balance algorithm (HAProxy 2.6 has roundrobin, static-rr, leastconn, first,"
          + " source, uri, url_param, hdr(<name>), random, hash and rdp-cookie)");
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

  /**
   * {@code random}, {@code random(<draws>)} ({@code parenthesised}: what follows {@code random}): HAProxy reads
   * any word starting with {@code random}; only {@code random(} followed by something other than {@code )}
   * carries a count, read by {@code strtol(..., 0)} (decimal, {@code 0x} hexadecimal or {@code 0} octal) and
   * followed by {@code )}; what follows the {@code )} is ignored.
   */
  private static Balance random(Line l, String parenthesised) {
    String alg = l.word(1);
    l.noExtra(2);
    boolean count = !parenthesised.isEmpty() && parenthesised.charAt(0) == '('
        && (parenthesised.length() == 1 || parenthesised.charAt(1) != ')');
    if (!count) {
      if (!parenthesised.isEmpty() && !parenthesised.equals("()")) {
        l.warn(alg, "read as 'random' (two draws), as HAProxy reads it");
      }
      return Balance.random(2);
    }
    String a = parenthesised;
    int p = 1;
    int n = a.length();
    while (p < n && Character.isWhitespace(a.charAt(p))) {
      p++;
    }
    boolean neg = false;
    if (p < n && (a.charAt(p) == '-' || a.charAt(p) == '+')) {
      neg = a.charAt(p) == '-';
      p++;
    }
    int base = 10;
    if (p + 2 < n && a.charAt(p) == '0' && (a.charAt(p + 1) == 'x' || a.charAt(p + 1) == 'X')
        && Character.digit(a.charAt(p + 2), 16) >= 0) {
      base = 16;
      p += 2;
    } else if (p < n && a.charAt(p) == '0') {
      base = 8;
    }
    long v = 0;
    while (p < n && Character.digit(a.charAt(p), base) >= 0) {
      v = Math.min(v * base + Character.digit(a.charAt(p), base), Integer.MAX_VALUE);
      p++;
    }
    if (p >= n || a.charAt(p) != ')') {
      throw l.error(alg, p >= n ? "random : missing closing parenthesis."
          : "random : unexpected character '" + a.charAt(p) + "' after argument.");
    }
    if (neg || v < 1) {
      throw l.error(alg, "random : number of draws must be at least 1.");
    }
    if (p + 1 < n) {
      l.warn(alg, "the text after ')' is ignored, as by HAProxy");
    }
    return Balance.random((int) v);
  }

  /**
   * {@code url_param <param> [check_post [<max_wait>]]}: HAProxy 2.6 looks at a {@code POST} body whether or
   * not {@code check_post} is written, and ignores the old {@code <max_wait>}.
   */
  private static Balance urlParam(Line l) {
    if (l.size() < 3) {
      throw l.error(l.word(1), "url_param requires an URL parameter name");
    }
    boolean checkPost = l.size() > 3;
    if (checkPost && !l.word(3).equals("check_post")) {
      throw l.error(l.word(3), "url_param only accepts 'check_post' modifier");
    }
    if (l.size() > 4) {
      l.warn(l.word(4), "check_post's <max_wait> is ignored (as by HAProxy 2.6)");
    }
    l.noExtra(5);
    return Balance.urlParam(l.word(2), checkPost);
  }

  /** {@code hash <expr>}: one word (quote or escape a space), compiled as HAProxy compiles it. */
  private static Balance hash(Line l) {
    if (l.size() < 3) {
      throw l.error(l.word(1), "hash requires a sample expression");
    }
    if (l.size() > 3) {
      throw l.error(l.word(3), "hash takes no other argument (quote or escape a space in the expression)");
    }
    SampleExpression e;
    try {
      e = SampleExpression.parse(l.word(2));
    } catch (SampleExpression.Invalid x) {
      throw l.error(x.word(), "in 'balance hash' expression '" + l.word(2) + "': " + x.getMessage());
    }
    for (String note : e.notes()) {
      l.warn(l.word(2), note);
    }
    return Balance.hash(e);
  }

  /**
   * {@code hdr(<name>) [use_domain_only]} ({@code parenthesised}: {@code "<name>)..."}): the name runs to the
   * first {@code )}; HAProxy ignores what follows it.
   */
  private static Balance hdr(Line l, String parenthesised) {
    String alg = l.word(1);
    int close = parenthesised.indexOf(')');
    if (close <= 0) {
      throw l.error(alg, "hdr requires an http header field name");
    }
    if (close + 1 < parenthesised.length()) {
      l.warn(alg, "the text after ')' is ignored, as by HAProxy");
    }
    boolean domainOnly = l.size() > 2;
    if (domainOnly && !l.word(2).equals("use_domain_only")) {
      throw l.error(l.word(2), "hdr() only accepts 'use_domain_only' modifier");
    }
    l.noExtra(3);
    return Balance.hdr(parenthesised.substring(0, close), domainOnly);
  }

  private static Balance rdpCookie(Line l, String parenthesised) {
    throw l.error(l.word(1), "balance rdp-cookie hashes the RDP cookie of a TCP connection's first bytes (mode"
        + " tcp, Microsoft Remote Desktop); stickyroute routes HTTP requests, where HAProxy never finds it and"
        + " always falls back to round robin: choose an HTTP algorithm (hdr(), url_param, hash req.cook(name)...)");
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
