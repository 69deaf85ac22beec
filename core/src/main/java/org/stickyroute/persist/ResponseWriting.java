package org.stickyroute.persist;

import org.stickyroute.http.ResponseView;

/**
 * The response half of cookie persistence: what happens to the server's {@code Set-Cookie} headers ({@link
 * ServerSetCookie}), whether a cookie is inserted — when the request was not direct, or a date refresh (or a
 * signed renewal) is due, honouring {@code postonly} and {@code preserve} — in HAProxy's format ({@link
 * InsertedCookie}), and {@code nocache}'s {@code Cache-Control: private} on responses 2.6.12 deems cacheable
 * ({@link Cacheability}).
 *
 * <p>Immutable and thread-safe; never throws on response input.
 */
final class ResponseWriting {
  private final boolean insert;
  private final boolean preserve;
  private final boolean postonly;
  private final boolean nocache;
  private final long maxIdle;
  private final long maxLife;
  private final CookieSigner signer;
  private final String[] values;
  private final ServerSetCookie serverCookies;
  private final InsertedCookie inserted;

  ResponseWriting(boolean insert, boolean preserve, boolean postonly, boolean nocache, long maxIdle, long maxLife,
      CookieSigner signer, String[] values, ServerSetCookie serverCookies, InsertedCookie inserted) {
    this.insert = insert;
    this.preserve = preserve;
    this.postonly = postonly;
    this.nocache = nocache;
    this.maxIdle = maxIdle;
    this.maxLife = maxLife;
    this.signer = signer;
    this.values = values;
    this.serverCookies = serverCookies;
    this.inserted = inserted;
  }

  /**
   * Whether a request with this method class, analysed into {@code m} and sent to a server ({@code direct} as
   * HAProxy's {@code SF_DIRECT}), gets a {@code Set-Cookie} in insert mode — before the response is known
   * ({@code preserve} may still cancel it when the server sets the cookie itself).
   */
  boolean insertDue(CookieMatch m, boolean direct, int method, long now) {
    if (!insert || (postonly && method != RequestMethod.POST)) {
      return false;
    }
    if (!direct) {
      return true;
    }
    if (signer != null) {
      return m.signedPrevious || m.signedExpiry - now < signer.lifetimeSeconds() / 2;
    }
    return ((maxIdle != 0 || m.lastDate != 0) && (m.lastDate == 0 || m.lastDate < now))
        || (maxLife != 0 && m.firstDate == 0)
        || (maxLife == 0 && m.firstDate != 0);
  }

  /**
   * Fills {@code out} (reset first) for the response of server {@code server}: see {@link
   * CookiePersistence#respond}.
   */
  void respond(CookieMatch match, int server, boolean direct, int method, ResponseView response, long now,
      boolean secure, CookieResponse out) {
    int n = response.headerCount();
    out.reset(Math.max(n, 0));
    int status = response.status();
    if (status < 200 || server < 0 || server >= values.length) {
      return; // interim responses are not processed; no server, no cookie
    }
    for (int h = 0; h < n; h++) {
      CharSequence hn = response.headerName(h);
      CharSequence hv = response.headerValue(h);
      if (hn != null && hv != null && Chars.equalsIgnoreCase(hn, "set-cookie")) {
        serverCookies.handle(h, hv, server, direct, out);
      }
    }
    if (!insert || (preserve && out.serverSetOurCookie) || !insertDue(match, direct, method, now)) {
      return;
    }
    out.setCookie = inserted.value(match, server, now, secure, out);
    out.flag = values[server] != null && direct ? 'U' : 'I';
    if (nocache && Cacheability.cacheable(method, response)) {
      out.cacheControlPrivate = true;
    }
  }
}
