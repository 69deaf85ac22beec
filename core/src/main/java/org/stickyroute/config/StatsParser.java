package org.stickyroute.config;

/**
 * {@code stats uri <prefix>}, {@code stats auth <user>:<password>}, {@code stats enable}, {@code stats admin
 * if|unless <condition>} and {@code stats refresh <delay>}, for adapters that serve a stats page; meaningful in
 * frontend and listen sections only.
 *
 * <p>{@code stats admin}'s condition can only be {@code TRUE} or {@code FALSE} (each perhaps negated with
 * {@code !}): an adapter has no ACL engine to evaluate {@code LOCALHOST} or a named ACL per request, and
 * silently allowing or denying what the operator wrote would be worse than refusing to load.
 */
final class StatsParser {
  private StatsParser() {}

  /** {@code stats <sub-keyword> ...}. */
  static void stats(Line l, ProxySection s) {
    if (l.size() < 2) {
      throw l.error("stats", "expects a sub-keyword");
    }
    if (s.kind == ProxySection.Kind.DEFAULTS && l.word(1).equals("admin")) {
      throw l.error("admin", "'stats admin' is not supported in a 'defaults' section (as HAProxy)");
    }
    if (s.kind == ProxySection.Kind.DEFAULTS || !s.isFrontend()) {
      l.warn("stats", "stats settings are only used in frontend and listen sections; skipped");
      return;
    }
    switch (l.word(1)) {
      case "uri":
        if (l.size() < 3) {
          throw l.error("uri", "expects a URI prefix");
        }
        s.statsUri = l.word(2);
        break;
      case "auth":
        {
          if (l.size() < 3 || l.word(2).indexOf(':') <= 0) {
            throw l.error(l.size() < 3 ? "auth" : l.word(2), "expects user:password");
          }
          String up = l.word(2);
          int c = up.indexOf(':');
          s.statsAuth.add(new StatsConfig.Credential(up.substring(0, c), up.substring(c + 1)));
          break;
        }
      case "enable":
        break;
      case "admin":
        s.statsAdmin = admin(l);
        break;
      case "refresh":
        if (l.size() < 3) {
          throw l.error("refresh", "expects a delay (seconds by default, e.g. 10s)");
        }
        l.apply(2, () -> s.statsRefresh = (int) TimeUnits.parseSeconds(l.word(2)));
        break;
      default:
        l.warn("stats " + l.word(1), "not used by stickyroute; skipped");
        return;
    }
    if (s.statsAt == null) {
      s.statsAt = l.location();
    }
  }

  /** The condition of {@code stats admin if|unless <cond>}: whether it always holds. */
  private static boolean admin(Line l) {
    if (l.size() < 4 || !(l.word(2).equals("if") || l.word(2).equals("unless"))) {
      throw l.error(l.size() < 3 ? "admin" : l.word(2), "'stats admin' requires either 'if' or 'unless' followed by"
          + " a condition");
    }
    if (l.size() > 4) {
      throw l.error(l.word(4), "stickyroute supports only a single TRUE or FALSE as the 'stats admin' condition");
    }
    String t = l.word(3);
    boolean value = true;
    int k = 0;
    while (k < t.length() && t.charAt(k) == '!') {
      value = !value;
      k++;
    }
    String acl = t.substring(k);
    if (acl.equals("FALSE")) {
      value = !value;
    } else if (!acl.equals("TRUE")) {
      throw l.error(t, "unsupported 'stats admin' condition: stickyroute evaluates only TRUE and FALSE here;"
          + " write 'stats admin if TRUE' and restrict access with 'stats auth'");
    }
    return l.word(2).equals("if") == value;
  }
}
