package org.stickyroute.key;

import org.stickyroute.http.RequestView;

/**
 * Header lookups exactly as HAProxy 2.6's {@code http_find_header()} and {@code http_get_htx_hdr()} do them
 * ({@code src/http_htx.c}), over a {@link RequestView}. Allocation-free; never throws.
 *
 * <p>A <em>value</em> is one comma-separated element of a field: commas inside double quotes do not split
 * ({@code http_find_hdr_value_end}, a backslash escapes inside quotes), surrounding spaces, tabs, CR and LF
 * are trimmed, and empty elements count ({@code "a,,b"} has the three values {@code a}, {@code ""}, {@code
 * b}; {@code "a,"} has {@code a} and {@code ""}). A <em>full</em> value is the whole field.
 *
 * <p>{@code Host} fields: HAProxy's HTTP/1 parser rejects a request whose {@code Host} fields differ and
 * drops repeated equal ones, so only the first {@code Host} field is ever seen. {@code Cookie} fields are
 * read through {@link RequestView#cookieHeader}.
 *
 * <p>Results are packed in a {@code long}: the field occurrence, the start and the end of the value in that
 * field's text (decode with {@link #field}, {@link #start}, {@link #end}), or {@link #NONE}. Values longer
 * than 2<sup>21</sup> - 1 chars are cut there.
 */
final class HeaderScan {
  /** No such value. */
  static final long NONE = -1L;

  /** HAProxy keeps the last 10 values for a negative occurrence ({@code MAX_HDR_HISTORY}). */
  static final int MAX_HISTORY = 10;

  private static final int POS_BITS = 21;
  private static final int POS_MASK = (1 << POS_BITS) - 1;

  private HeaderScan() {}

  static long pack(int field, int start, int end) {
    return ((long) field << (2 * POS_BITS)) | ((long) start << POS_BITS) | end;
  }

  static int field(long packed) {
    return (int) (packed >>> (2 * POS_BITS));
  }

  static int start(long packed) {
    return (int) (packed >>> POS_BITS) & POS_MASK;
  }

  static int end(long packed) {
    return (int) packed & POS_MASK;
  }

  // ------------------------------------------------------------------------------ fields of one name
  //
  // A field is identified by an int: its index in the view's field list when the view lists its fields
  // (headerCount() > 0: one pass over the list finds every occurrence), else its occurrence number among the
  // fields of that name (views indexed by name, such as the servlet adapter; Cookie fields always so, read
  // through cookieHeader). The name is given in lower case.

  /** The first field named {@code lower} at or after {@code from} (a field id, or a cursor of 0), or -1. */
  static int nextField(RequestView r, String lower, int from) {
    if (isCookie(lower)) {
      return from < r.cookieHeaderCount() ? from : -1;
    }
    if (from > 0 && isHost(lower)) {
      return -1; // only the first Host field is ever seen
    }
    int n = r.headerCount();
    if (n == 0) {
      return r.header(lower, from) != null ? from : -1;
    }
    for (int i = from; i < n; i++) {
      if (equalsIgnoreCase(r.headerName(i), lower)) {
        return i;
      }
    }
    return -1;
  }

  /** The text of field {@code field} (an id from {@link #nextField}); never {@code null}. */
  static CharSequence fieldText(RequestView r, String lower, int field) {
    CharSequence v;
    if (isCookie(lower)) {
      v = r.cookieHeader(field);
    } else if (r.headerCount() > 0) {
      v = r.headerValue(field);
    } else {
      v = r.header(lower, field);
    }
    return v == null ? "" : v;
  }

  /** The text of the field a packed value lies in. */
  static CharSequence text(RequestView r, String lower, long packed) {
    return fieldText(r, lower, field(packed));
  }

  static boolean isCookie(String lower) {
    return lower.equals("cookie");
  }

  static boolean isHost(String lower) {
    return lower.equals("host");
  }

  /** {@code name} with {@code A-Z} in lower case (header names compare ASCII-case-insensitively). */
  static String lower(String name) {
    StringBuilder sb = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      sb.append(c >= 'A' && c <= 'Z' ? (char) (c + 32) : c);
    }
    return sb.toString();
  }

  /** ASCII case-insensitive equality of a name with a lower-case constant. */
  static boolean equalsIgnoreCase(CharSequence name, String lower) {
    int n = lower.length();
    if (name.length() != n) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = name.charAt(i);
      if ((c >= 'A' && c <= 'Z' ? (char) (c + 32) : c) != lower.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  // ------------------------------------------------------------------------------ values of one field

  static boolean isLws(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
  }

  /** The first value of field text {@code v} (field index {@code field}). Every field has one. */
  static long firstValue(CharSequence v, int field) {
    return valueFrom(v, 0, field);
  }

  /** The value after the packed value {@code cur} in the same field text {@code v}, or {@link #NONE}. */
  static long nextValue(CharSequence v, long cur) {
    int n = Math.min(v.length(), POS_MASK);
    int p = end(cur);
    while (p < n && isLws(v.charAt(p))) {
      p++;
    }
    if (p >= n) {
      return NONE;
    }
    return valueFrom(v, p + 1, field(cur)); // v[p] is the comma that ended the value
  }

  private static long valueFrom(CharSequence v, int p, int field) {
    int n = Math.min(v.length(), POS_MASK);
    int s = p;
    while (s < n && isLws(v.charAt(s))) {
      s++;
    }
    int e = valueEnd(v, s, n);
    while (e > s && isLws(v.charAt(e - 1))) {
      e--;
    }
    return pack(field, s, e);
  }

  /** {@code http_find_hdr_value_end}: the first comma outside a quoted string, or {@code n}. */
  static int valueEnd(CharSequence v, int s, int n) {
    return quotedEnd(v, s, n, false);
  }

  /**
   * The first {@code ,} (and, with {@code semicolon}, {@code ;}: {@code http_find_cookie_value_end}) outside
   * a double-quoted string (where a backslash escapes the next character), or {@code n}.
   */
  static int quotedEnd(CharSequence v, int s, int n, boolean semicolon) {
    boolean quoted = false;
    boolean pair = false;
    for (int i = s; i < n; i++) {
      char c = v.charAt(i);
      if (pair) {
        pair = false;
      } else if (quoted) {
        if (c == '\\') {
          pair = true;
        } else if (c == '"') {
          quoted = false;
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',' || (semicolon && c == ';')) {
        return i;
      }
    }
    return n;
  }

  // --------------------------------------------------------------------------------- across fields

  /** {@code http_find_header(..., full=0)} once: the first value of the first field, or {@link #NONE}. */
  static long first(RequestView r, String lower) {
    int f = nextField(r, lower, 0);
    return f < 0 ? NONE : firstValue(fieldText(r, lower, f), f);
  }

  /**
   * {@code http_get_htx_hdr(..., occ)}: the {@code occ}-th value ({@code occ >= 1}), or counting from the last
   * one ({@code occ <= -1}, at most {@link #MAX_HISTORY} back), over every field named {@code lower}
   * ({@code full}: whole fields). {@code occ == 0} is the first value, as HAProxy's loop makes it.
   */
  static long occurrence(RequestView r, String lower, int occ, boolean full) {
    if (occ < -MAX_HISTORY) {
      return NONE;
    }
    if (occ < -1) {
      int total = count(r, lower, full);
      return -occ > total ? NONE : occurrence(r, lower, total + occ + 1, full);
    }
    int k = Math.max(occ, 1);
    long last = NONE;
    for (int f = nextField(r, lower, 0); f >= 0; f = nextField(r, lower, f + 1)) {
      CharSequence v = fieldText(r, lower, f);
      if (full) {
        last = fullValue(v, f);
        if (occ > 0 && --k == 0) {
          return last;
        }
        continue;
      }
      for (long cur = firstValue(v, f); cur != NONE; cur = nextValue(v, cur)) {
        last = cur;
        if (occ >= 0 && --k == 0) {
          return cur;
        }
      }
    }
    return occ == -1 ? last : NONE;
  }

  private static int count(RequestView r, String lower, boolean full) {
    int total = 0;
    for (int f = nextField(r, lower, 0); f >= 0; f = nextField(r, lower, f + 1)) {
      if (full) {
        total++;
        continue;
      }
      CharSequence v = fieldText(r, lower, f);
      for (long cur = firstValue(v, f); cur != NONE; cur = nextValue(v, cur)) {
        total++;
      }
    }
    return total;
  }

  /** A whole field ({@code full=1}): only the surrounding LWS is trimmed. */
  static long fullValue(CharSequence v, int field) {
    int n = Math.min(v.length(), POS_MASK);
    int s = 0;
    while (s < n && isLws(v.charAt(s))) {
      s++;
    }
    int e = n;
    while (e > s && isLws(v.charAt(e - 1))) {
      e--;
    }
    return pack(field, s, e);
  }
}
