package org.stickyroute.config;

/**
 * {@code cookie <name> [options]} and {@code dynamic-cookie-key <key>}. The values are checked by the model
 * ({@link CookieConfig.Builder}) as they are read, so an error names the word that caused it.
 */
final class CookieParser {
  private CookieParser() {}

  /** {@code cookie <name> [rewrite|insert|prefix] [indirect] [nocache] ... [attr <v>]*}. */
  static void cookie(Line l, ProxySection s) {
    if (l.size() < 2) {
      throw l.error("cookie", "expects a cookie name");
    }
    CookieConfig.Builder c = CookieConfig.builder(l.word(1));
    CookieConfig.Mode mode = CookieConfig.Mode.PASSIVE;
    for (int i = 2; i < l.size(); i++) {
      String o = l.word(i);
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
              throw l.error(o, "'rewrite', 'insert' and 'prefix' are mutually exclusive");
            }
            mode = m;
            c.mode(m);
            break;
          }
        case "indirect":
          c.indirect(true);
          break;
        case "nocache":
          c.nocache(true);
          break;
        case "postonly":
          c.postonly(true);
          break;
        case "preserve":
          c.preserve(true);
          break;
        case "httponly":
          c.httpOnly(true);
          break;
        case "secure":
          c.secure(true);
          break;
        case "dynamic":
          c.dynamic(true);
          break;
        case "domain":
          {
            if (i + 1 >= l.size()) {
              throw l.error(o, "expects a domain");
            }
            String d = l.word(++i);
            c.domain(d);
            if (d.indexOf('.') < 0) {
              l.warn(d, "cookie domain contains no embedded dot; browsers may ignore it (RFC 6265 5.2.3)");
            }
            break;
          }
        case "attr":
          if (i + 1 >= l.size()) {
            throw l.error(o, "expects an attribute");
          }
          c.attr(l.word(++i));
          break;
        case "maxidle":
          if (i + 1 >= l.size()) {
            throw l.error(o, "expects a time");
          }
          c.maxIdleSeconds(TimeUnits.parseSeconds(l.word(++i)));
          break;
        case "maxlife":
          if (i + 1 >= l.size()) {
            throw l.error(o, "expects a time");
          }
          c.maxLifeSeconds(TimeUnits.parseSeconds(l.word(++i)));
          break;
        default:
          throw l.error(o, "unknown cookie option");
      }
    }
    s.backend.cookie(c.build());
    s.cookieAt = l.location();
  }

  /** {@code dynamic-cookie-key <key>}. */
  static void dynamicCookieKey(Line l, ProxySection s) {
    if (l.size() < 2) {
      throw l.error(l.keyword(), "expects a key");
    }
    s.backend.dynamicCookieKey(l.word(1));
  }
}
