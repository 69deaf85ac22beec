package org.stickyroute.config;

/**
 * {@code stats uri <prefix>}, {@code stats auth <user>:<password>} and {@code stats enable}, for adapters that
 * serve a stats page; meaningful in frontend and listen sections only.
 */
final class StatsParser {
  private StatsParser() {}

  /** {@code stats <sub-keyword> ...}. */
  static void stats(Line l, ProxySection s) {
    if (l.size() < 2) {
      throw l.error("stats", "expects a sub-keyword");
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
      default:
        l.warn("stats " + l.word(1), "not used by stickyroute; skipped");
        return;
    }
    if (s.statsAt == null) {
      s.statsAt = l.location();
    }
  }
}
