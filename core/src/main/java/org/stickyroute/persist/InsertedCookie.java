package org.stickyroute.persist;

import org.stickyroute.config.CookieConfig;

/**
 * The {@code Set-Cookie} the load balancer inserts, in HAProxy 2.6's exact format ({@code
 * http_process_res_common}): {@code NAME=VALUE[|LAST[|FIRST]]; path=/[; domain=D]...[; HttpOnly][;
 * Secure][; ATTR]...}, where the dates ({@code maxidle}/{@code maxlife}) are {@link CookieDate}s, a signed
 * value replaces {@code VALUE} ({@code ID|EXPIRY|MAC}), and a server without a value gets HAProxy's deletion
 * cookie {@code NAME=; Expires=Thu, 01-Jan-1970 00:00:01 GMT; path=/...}.
 *
 * <p>{@code Secure} is chosen per response (the configuration's {@code secure}, or the request's scheme under
 * {@link org.stickyroute.config.SecureCookie#AUTO}); both variants of every constant value are prepared once,
 * so a plain cookie costs no allocation. Immutable and thread-safe.
 */
final class InsertedCookie {
  private static final String DELETE_SUFFIX = "=; Expires=Thu, 01-Jan-1970 00:00:01 GMT; path=/";
  private static final String PATH = "; path=/";

  private final String name;
  private final String[] values;
  private final long maxIdle;
  private final long maxLife;
  private final CookieSigner signer;
  /** The attributes after {@code path=/}: [0] without {@code Secure}, [1] with it. */
  private final String[] suffix = new String[2];
  /** The whole value for a cookie without dates or signature, per server: [0] without {@code Secure}, [1] with. */
  private final String[][] plain = new String[2][];

  InsertedCookie(CookieConfig c, String[] values, CookieSigner signer) {
    this.name = c.name();
    this.values = values;
    this.maxIdle = c.maxIdleSeconds();
    this.maxLife = c.maxLifeSeconds();
    this.signer = signer;
    for (int secure = 0; secure < 2; secure++) {
      StringBuilder sfx = new StringBuilder();
      for (String d : c.domains()) {
        sfx.append("; domain=").append(d);
      }
      if (c.httpOnly()) {
        sfx.append("; HttpOnly");
      }
      if (secure == 1) {
        sfx.append("; Secure");
      }
      for (String a : c.attrs()) {
        sfx.append("; ").append(a);
      }
      suffix[secure] = sfx.toString();
      plain[secure] = new String[values.length];
      for (int i = 0; i < values.length; i++) {
        plain[secure][i] = values[i] == null
            ? name + DELETE_SUFFIX + suffix[secure]
            : name + "=" + values[i] + PATH + suffix[secure];
      }
    }
  }

  /**
   * The {@code Set-Cookie} value for server {@code server}, at {@code now} (dates are {@code (now + 3) >> 2};
   * a {@code maxlife} cookie keeps the first date {@code m} validated), with or without {@code Secure}.
   * Allocation-free for a plain value; otherwise builds the string in {@code out}'s work buffer.
   */
  String value(CookieMatch m, int server, long now, boolean secure, CookieResponse out) {
    String v = values[server];
    int s = secure ? 1 : 0;
    if (v == null) {
      return plain[s][server];
    }
    String sfx = suffix[s];
    if (signer != null) {
      return name + "=" + signer.sign(v, now + signer.lifetimeSeconds()) + PATH + sfx;
    }
    if (maxIdle == 0 && maxLife == 0) {
      return plain[s][server];
    }
    int len = name.length() + 1 + v.length() + 12 + PATH.length() + sfx.length();
    char[] b = out.work(len);
    int p = 0;
    name.getChars(0, name.length(), b, p);
    p += name.length();
    b[p++] = '=';
    v.getChars(0, v.length(), b, p);
    p += v.length();
    b[p++] = '|';
    CookieDate.encode((int) ((now + 3) >> 2), b, p);
    p += CookieDate.LENGTH;
    if (maxLife != 0) {
      b[p++] = '|';
      CookieDate.encode(m.firstDate != 0 ? (int) (m.firstDate >> 2) : (int) ((now + 3) >> 2), b, p);
      p += CookieDate.LENGTH;
    }
    PATH.getChars(0, PATH.length(), b, p);
    p += PATH.length();
    sfx.getChars(0, sfx.length(), b, p);
    p += sfx.length();
    return new String(b, 0, p);
  }
}
