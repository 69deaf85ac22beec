package org.stickyroute.persist;

import static org.stickyroute.persist.Chars.equalsIgnoreCase;
import static org.stickyroute.persist.Chars.spht;
import static org.stickyroute.persist.Chars.startsWithIgnoreCase;

import org.stickyroute.http.ResponseView;

/**
 * HAProxy 2.6.12's cacheability of a response, as {@code cookie ... nocache} reads it: a cacheable response
 * that gets a persistence cookie also gets {@code Cache-Control: private}, so no shared cache hands one user's
 * cookie to another. Stateless and allocation-free.
 */
final class Cacheability {
  private Cacheability() {}

  /**
   * Whether the response is cacheable: a GET, HEAD, OPTIONS or TRACE request; status 200, 203, 204, 206, 300,
   * 301, 404, 405, 410, 414 or 501; no {@code Pragma: no-cache} (the first Pragma header, whole value); the
   * {@code Cache-Control} values in order ({@code public} makes it cacheable again — even for other methods
   * and statuses —, {@code private}, {@code no-cache}, {@code no-store}, {@code max-age=0}, {@code s-maxage=0}
   * make it not cacheable, the last one wins); and freshness ({@code max-age}/{@code s-maxage} prefix, or
   * {@code Expires}) or a validator ({@code ETag}, {@code Last-Modified}).
   *
   * @param method the request's {@link RequestMethod} class
   * @param r the response
   */
  static boolean cacheable(int method, ResponseView r) {
    boolean cacheable = method == RequestMethod.GET || method == RequestMethod.HEAD
        || method == RequestMethod.OPTIONS || method == RequestMethod.TRACE;
    switch (r.status()) {
      case 200: case 203: case 204: case 206: case 300: case 301: case 404: case 405: case 410: case 414:
      case 501:
        break;
      default:
        cacheable = false;
    }
    int n = r.headerCount();
    for (int h = 0; h < n; h++) {
      CharSequence name = r.headerName(h);
      if (name != null && equalsIgnoreCase(name, "pragma")) {
        CharSequence v = r.headerValue(h);
        if (v != null && equalsIgnoreCase(v, 0, v.length(), "no-cache")) {
          return false;
        }
        break; // only the first Pragma header is read
      }
    }
    boolean fresh = false;
    for (int h = 0; h < n; h++) {
      CharSequence name = r.headerName(h);
      CharSequence v = r.headerValue(h);
      if (name == null || v == null || !equalsIgnoreCase(name, "cache-control")) {
        continue;
      }
      int len = v.length();
      int i = 0;
      while (i <= len) {
        // one comma-separated value, trimmed
        int s = i;
        int e = s;
        while (e < len && v.charAt(e) != ',') {
          e++;
        }
        i = e + 1;
        while (s < e && spht(v.charAt(s))) {
          s++;
        }
        int t = e;
        while (t > s && spht(v.charAt(t - 1))) {
          t--;
        }
        if (equalsIgnoreCase(v, s, t, "public")) {
          cacheable = true;
        } else if (equalsIgnoreCase(v, s, t, "private") || equalsIgnoreCase(v, s, t, "no-cache")
            || equalsIgnoreCase(v, s, t, "no-store") || equalsIgnoreCase(v, s, t, "max-age=0")
            || equalsIgnoreCase(v, s, t, "s-maxage=0")) {
          cacheable = false;
        } else if (startsWithIgnoreCase(v, s, t, "no-cache=\"set-cookie")) {
          continue;
        } else if (startsWithIgnoreCase(v, s, t, "s-maxage") || startsWithIgnoreCase(v, s, t, "max-age")) {
          fresh = true;
        }
      }
    }
    if (!fresh && !has(r, "expires") && !has(r, "etag") && !has(r, "last-modified")) {
      return false;
    }
    return cacheable;
  }

  private static boolean has(ResponseView r, String header) {
    int n = r.headerCount();
    for (int h = 0; h < n; h++) {
      CharSequence name = r.headerName(h);
      if (name != null && equalsIgnoreCase(name, header)) {
        return true;
      }
    }
    return false;
  }
}
