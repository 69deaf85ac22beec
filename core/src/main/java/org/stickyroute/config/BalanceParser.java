package org.stickyroute.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The words after {@code balance}, read as HAProxy 2.6's {@code backend_parse_balance} reads them ({@code
 * src/backend.c}), then {@code balance hash}'s expression as {@code check_config_validity} compiles it. What
 * HAProxy refuses, or what stickyroute cannot reproduce, is an {@link Invalid} naming the word; what HAProxy
 * accepts and ignores (extra words, {@code check_post}'s old {@code <max_wait>}) becomes a warning, since it
 * cannot change which server a request reaches.
 */
final class BalanceParser {
  private BalanceParser() {}

  /** A {@code balance} line that is refused: {@link #word} is the offending word. */
  static final class Invalid extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final String word;

    Invalid(String word, String reason) {
      super(reason);
      this.word = word;
    }

    String word() {
      return word;
    }
  }

  /** The algorithm, with a warning (word, message) per ignored word. */
  record Result(Balance balance, List<String[]> warnings) {}

  /**
   * Parses {@code w} (the whole line: {@code w.get(0)} is {@code balance}).
   *
   * @throws Invalid naming the word
   */
  static Result parse(List<String> w) {
    if (w.size() < 2) {
      throw new Invalid("balance", "expects an algorithm");
    }
    String alg = w.get(1);
    List<String[]> warnings = new ArrayList<>();
    Balance b;
    if (alg.equals("roundrobin") || alg.equals("static-rr") || alg.equals("leastconn") || alg.equals("first")
        || alg.equals("source")) {
      b = switch (alg) {
        case "roundrobin" -> Balance.roundRobin();
        case "static-rr" -> Balance.staticRoundRobin();
        case "leastconn" -> Balance.leastConn();
        case "first" -> Balance.first();
        default -> Balance.source();
      };
      ignored(w, 2, warnings);
    } else if (alg.startsWith("random")) {
      b = Balance.random(draws(alg, warnings));
      ignored(w, 2, warnings);
    } else if (alg.equals("uri")) {
      b = Balance.uri(uri(w));
    } else if (alg.equals("url_param")) {
      if (w.size() < 3) {
        throw new Invalid(alg, "url_param requires an URL parameter name");
      }
      boolean checkPost = w.size() > 3;
      if (checkPost && !w.get(3).equals("check_post")) {
        throw new Invalid(w.get(3), "url_param only accepts 'check_post' modifier");
      }
      if (w.size() > 4) {
        warnings.add(new String[] {w.get(4), "check_post's <max_wait> is ignored (as by HAProxy 2.6)"});
      }
      ignored(w, 5, warnings);
      b = Balance.urlParam(w.get(2), checkPost);
    } else if (alg.equals("hash")) {
      if (w.size() < 3) {
        throw new Invalid(alg, "hash requires a sample expression");
      }
      if (w.size() > 3) {
        throw new Invalid(w.get(3), "hash takes no other argument (quote or escape a space in the expression)");
      }
      SampleExpression e;
      try {
        e = SampleExpression.parse(w.get(2));
      } catch (SampleExpression.Invalid x) {
        throw new Invalid(x.word(), "in 'balance hash' expression '" + w.get(2) + "': " + x.getMessage());
      }
      for (String note : e.notes()) {
        warnings.add(new String[] {w.get(2), note});
      }
      b = Balance.hash(e);
    } else if (alg.startsWith("hdr(")) {
      int close = alg.indexOf(')', 4);
      if (close <= 4) {
        throw new Invalid(alg, "hdr requires an http header field name");
      }
      if (close + 1 < alg.length()) {
        warnings.add(new String[] {alg, "the text after 'hdr(" + alg.substring(4, close) + ")' is ignored (as by"
            + " HAProxy)"});
      }
      boolean domainOnly = w.size() > 2;
      if (domainOnly && !w.get(2).equals("use_domain_only")) {
        throw new Invalid(w.get(2), "hdr() only accepts 'use_domain_only' modifier");
      }
      ignored(w, 3, warnings);
      b = Balance.hdr(alg.substring(4, close), domainOnly);
    } else if (alg.startsWith("rdp-cookie")) {
      throw new Invalid(alg, "balance rdp-cookie hashes the RDP cookie of a TCP connection's first bytes (mode"
          + " tcp, Microsoft Remote Desktop); stickyroute routes HTTP requests, where HAProxy would never find"
          + " it and always fall back to round robin: choose an HTTP algorithm (for example hdr(), url_param or"
          + " hash req.cook(name))");
    } else {
      throw new Invalid(alg, "unknown balance algorithm (HAProxy 2.6 has roundrobin, static-rr, leastconn,"
          + " first, source, uri, url_param, hdr(name), random, hash and rdp-cookie)");
    }
    return new Result(b, warnings);
  }

  private static void ignored(List<String> w, int from, List<String[]> warnings) {
    if (w.size() > from) {
      warnings.add(new String[] {w.get(from), "unexpected argument; ignored (as by HAProxy)"});
    }
  }

  /**
   * {@code random}, {@code random(<draws>)}: HAProxy reads any word starting with {@code random}; only
   * {@code random(} followed by something other than {@code )} carries a count, read by {@code strtol(...,
   * 0)} (decimal, {@code 0x} hexadecimal or {@code 0} octal) and followed by {@code )}.
   */
  private static int draws(String alg, List<String[]> warnings) {
    if (!(alg.length() > 7 && alg.charAt(6) == '(' && alg.charAt(7) != ')')) {
      if (!alg.equals("random") && !alg.equals("random()")) {
        warnings.add(new String[] {alg, "read as 'random' (two draws), as HAProxy reads it"});
      }
      return 2;
    }
    int p = 7;
    int n = alg.length();
    while (p < n && Character.isWhitespace(alg.charAt(p))) {
      p++;
    }
    boolean neg = false;
    if (p < n && (alg.charAt(p) == '-' || alg.charAt(p) == '+')) {
      neg = alg.charAt(p) == '-';
      p++;
    }
    int base = 10;
    if (p + 1 < n && alg.charAt(p) == '0' && (alg.charAt(p + 1) == 'x' || alg.charAt(p + 1) == 'X')
        && p + 2 < n && Character.digit(alg.charAt(p + 2), 16) >= 0) {
      base = 16;
      p += 2;
    } else if (p < n && alg.charAt(p) == '0') {
      base = 8;
    }
    long v = 0;
    while (p < n && Character.digit(alg.charAt(p), base) >= 0) {
      v = Math.min(v * base + Character.digit(alg.charAt(p), base), Integer.MAX_VALUE);
      p++;
    }
    if (p >= n || alg.charAt(p) != ')') {
      throw new Invalid(alg, p >= n ? "random : missing closing parenthesis."
          : "random : unexpected character '" + alg.charAt(p) + "' after argument.");
    }
    if (p + 1 < n) {
      warnings.add(new String[] {alg, "the text after ')' is ignored (as by HAProxy)"});
    }
    if (neg || v < 1) {
      throw new Invalid(alg, "random : number of draws must be at least 1.");
    }
    return (int) v;
  }

  private static Balance.Uri uri(List<String> w) {
    int len = 0;
    int depth = 0;
    boolean whole = false;
    boolean pathOnly = false;
    for (int i = 2; i < w.size(); i++) {
      String o = w.get(i);
      switch (o) {
        case "len" -> len = positive(w, ++i, o);
        case "depth" -> depth = positive(w, ++i, o);
        case "whole" -> whole = true;
        case "path-only" -> pathOnly = true;
        default -> throw new Invalid(o, "'balance uri' only accepts 'len', 'depth', 'whole' and 'path-only'");
      }
    }
    return new Balance.Uri(len, depth, whole, pathOnly);
  }

  /** A positive decimal integer (all digits; HAProxy's {@code atoi} would also read {@code 5x} as 5). */
  private static int positive(List<String> w, int i, String option) {
    if (i >= w.size()) {
      throw new Invalid(option, "expects a positive integer");
    }
    String v = w.get(i);
    boolean digits = !v.isEmpty() && v.length() <= 10;
    for (int k = 0; digits && k < v.length(); k++) {
      digits = v.charAt(k) >= '0' && v.charAt(k) <= '9';
    }
    if (!digits || Long.parseLong(v) > Integer.MAX_VALUE) {
      throw new Invalid(v, "expects an integer between 0 and " + Integer.MAX_VALUE);
    }
    int n = Integer.parseInt(v);
    if (n <= 0) {
      throw new Invalid(v, option + " must be a positive integer");
    }
    return n;
  }
}
