package org.stickyroute.key;

import org.stickyroute.http.RequestView;

/**
 * The request-side sample fetches of HAProxy 2.6 that {@code balance hash} evaluates ({@code
 * src/http_fetch.c}), as range searches over the raw request: each returns the value's position packed as in
 * {@link HeaderScan} (for fetches over the request-target the field is 0), or {@link HeaderScan#NONE} when the
 * fetch finds nothing (the expression then has no value and the algorithm falls back to round robin).
 * Allocation-free; never throws.
 */
final class SampleFetches {
  private SampleFetches() {}

  private static final long NONE = HeaderScan.NONE;

  // ------------------------------------------------------------------------- request-target fetches

  /** {@code path}: from the path's start to the first {@code ?} ({@code pathq}: to the end). */
  static long path(CharSequence t, boolean withQuery) {
    int n = t.length();
    int s = RequestTarget.pathStart(t, 0, n);
    if (s < 0) {
      return NONE;
    }
    return HeaderScan.pack(0, s, withQuery ? n : RequestTarget.pathEnd(t, s, n));
  }

  /** {@code query}: after the first {@code ?}, which must exist. */
  static long query(CharSequence t) {
    int n = t.length();
    for (int i = 0; i < n; i++) {
      if (t.charAt(i) == '?') {
        return HeaderScan.pack(0, i + 1, n);
      }
    }
    return NONE;
  }

  /**
   * {@code url_param([name[,delim]])} ({@code smp_fetch_url_param} with {@code http_find_next_url_param}):
   * the query starts after the first {@code delim} ({@code ?} by default); parameters end at {@code &},
   * {@code ;} or {@code delim}. With a name, the first parameter written exactly {@code name=}; without one,
   * the value after the first {@code =} of the query.
   */
  static long urlParam(CharSequence t, String name, char delim) {
    int n = t.length();
    int qs = -1;
    for (int i = 0; i < n; i++) {
      if (t.charAt(i) == delim) {
        qs = i + 1;
        break;
      }
    }
    if (qs < 0) {
      return NONE;
    }
    int valueStart;
    if (name.isEmpty()) {
      int eq = -1;
      for (int i = qs; i < n; i++) {
        if (t.charAt(i) == '=') {
          eq = i;
          break;
        }
      }
      if (eq < 0) {
        return NONE;
      }
      valueStart = eq + 1;
    } else {
      int at = paramPosition(t, qs, n, name, delim);
      if (at < 0) {
        return NONE;
      }
      valueStart = at + name.length() + 1;
    }
    int e = valueStart;
    while (e < n && !isParamDelimiter(t.charAt(e), delim)) {
      e++;
    }
    return HeaderScan.pack(0, valueStart, e);
  }

  /** {@code http_find_url_param_pos} over one contiguous query string. */
  private static int paramPosition(CharSequence t, int from, int last, String name, char delim) {
    int len = name.length();
    int pos = from;
    while (pos < last) {
      int equal = pos + len;
      if (equal >= last) {
        return -1;
      }
      if (t.charAt(equal) == '=') {
        if (regionMatches(t, pos, name)) {
          return pos;
        }
        pos += len + 1;
      }
      while (pos < last && !isParamDelimiter(t.charAt(pos), delim)) {
        pos++;
      }
      if (pos >= last) {
        return -1;
      }
      pos++;
    }
    return -1;
  }

  static boolean isParamDelimiter(char c, char delim) {
    return c == '&' || c == ';' || c == delim;
  }

  private static boolean regionMatches(CharSequence t, int at, String name) {
    for (int i = 0; i < name.length(); i++) {
      if (t.charAt(at + i) != name.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  // -------------------------------------------------------------------------------------- cookies

  /**
   * {@code req.cook([name])} ({@code smp_fetch_cookie} + {@code http_extract_cookie_value}): over every value
   * of every {@code Cookie} field, the <em>last</em> cookie named exactly {@code name}, or with no name the
   * first cookie of any name. Values shorter than {@code name=} are skipped; a cookie whose value is empty
   * and ends the field is not found (HAProxy's loop stops one character early); names starting with {@code
   * $} are ignored.
   */
  static long cookie(RequestView r, String name) {
    long found = NONE;
    for (int f = 0, fields = r.cookieHeaderCount(); f < fields; f++) {
      found = lastCookie(HeaderScan.fieldText(r, "cookie", f), f, name, true, found);
      if (found != NONE && name.isEmpty()) {
        return found;
      }
    }
    return found;
  }

  /**
   * {@code res.cook([name])}: over every comma-separated value of every {@code Set-Cookie} field of {@code
   * r} (a response seen as a request's header list), the <em>last</em> one whose first cookie is named exactly
   * {@code name} (with no name, the first cookie found), as {@code smp_fetch_cookie} reads a response.
   */
  static long setCookie(RequestView r, String name) {
    long found = NONE;
    for (int f = HeaderScan.nextField(r, "set-cookie", 0); f >= 0; f = HeaderScan.nextField(r, "set-cookie", f + 1)) {
      found = lastCookie(HeaderScan.fieldText(r, "set-cookie", f), f, name, false, found);
      if (found != NONE && name.isEmpty()) {
        return found;
      }
    }
    return found;
  }

  /**
   * The last cookie named {@code name} among the comma-separated values of field {@code f} (text {@code v}),
   * packed; {@code found} when there is none; with no name, the first cookie of any name.
   */
  private static long lastCookie(CharSequence v, int f, String name, boolean list, long found) {
    int nl = name.length();
    for (long cur = HeaderScan.firstValue(v, f); cur != NONE; cur = HeaderScan.nextValue(v, cur)) {
      int p = HeaderScan.start(cur);
      int end = HeaderScan.end(cur);
      if (end - p < nl + 1) {
        continue;
      }
      while (true) {
        long c = extract(v, p, end, name, list);
        if (c == NONE) {
          break;
        }
        found = HeaderScan.pack(f, HeaderScan.start(c), HeaderScan.end(c));
        if (nl == 0) {
          return found;
        }
        p = (int) (c >>> NEXT_SHIFT) + 1;
      }
    }
    return found;
  }

  /** Where {@link #extract} puts the position of the delimiter after the value (in place of the field). */
  private static final int NEXT_SHIFT = 42;

  /**
   * {@code http_extract_cookie_value(hdr, hdr_end, name, len, list=1, ...)}: the next matching cookie from
   * {@code from}, packed as {@code next << 42 | start << 21 | end} (start and end read with {@link
   * HeaderScan#start} and {@link HeaderScan#end}; {@code next} is the delimiter after the value), or {@link
   * HeaderScan#NONE}.
   */
  private static long extract(CharSequence v, int from, int end, String name, boolean list) {
    int nl = name.length();
    for (int att = from; att + nl + 1 < end; ) {
      while (att < end && isSpHt(v.charAt(att))) {
        att++;
      }
      int equal = att;
      int attEnd = att;
      while (equal < end) {
        char c = v.charAt(equal);
        if (c == '=' || c == ';' || c == ',') {
          break;
        }
        equal++;
        if (isSpHt(c)) {
          continue;
        }
        attEnd = equal;
      }
      int valBeg;
      int valEnd;
      int next;
      if (equal < end && v.charAt(equal) == '=') {
        valBeg = equal + 1;
        while (valBeg < end && isSpHt(v.charAt(valBeg))) {
          valBeg++;
        }
        next = HeaderScan.quotedEnd(v, valBeg, end, true);
        valEnd = next;
        while (valEnd > valBeg && isSpHt(v.charAt(valEnd - 1))) {
          valEnd--;
        }
      } else {
        valBeg = equal;
        valEnd = equal;
        next = equal;
      }
      boolean dollar = att < end && v.charAt(att) == '$';
      if (!dollar && equal != next) {
        if (nl == 0 || (attEnd - att == nl && regionMatches(v, att, name))) {
          return ((long) next << NEXT_SHIFT) | HeaderScan.pack(0, valBeg, valEnd);
        }
        if (!list) {
          break; // a Set-Cookie has its name only in its first attribute
        }
      }
      att = next + 1;
    }
    return NONE;
  }

  private static boolean isSpHt(char c) {
    return c == ' ' || c == '\t';
  }
}
