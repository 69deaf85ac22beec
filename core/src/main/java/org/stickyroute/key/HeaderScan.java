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

  /** Number of fields named {@code name}, as HAProxy sees them (one at most for {@code Host}). */
  static int fieldCount(RequestView r, CharSequence name) {
    if (isCookie(name)) {
      return r.cookieHeaderCount();
    }
    int n = r.headerCount(name);
    return n > 1 && isHost(name) ? 1 : n;
  }

  /** The text of field {@code i} named {@code name} ({@code i < fieldCount}); never {@code null}. */
  static CharSequence fieldText(RequestView r, CharSequence name, int i) {
    CharSequence v = isCookie(name) ? r.cookieHeader(i) : r.header(name, i);
    return v == null ? "" : v;
  }

  /** The text of the field a packed value lies in. */
  static CharSequence text(RequestView r, CharSequence name, long packed) {
    return fieldText(r, name, field(packed));
  }

  static boolean isCookie(CharSequence name) {
    return equalsIgnoreCase(name, "cookie");
  }

  static boolean isHost(CharSequence name) {
    return equalsIgnoreCase(name, "host");
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
  static long first(RequestView r, CharSequence name) {
    if (fieldCount(r, name) == 0) {
      return NONE;
    }
    return firstValue(fieldText(r, name, 0), 0);
  }

  /**
   * {@code http_get_htx_hdr(..., occ)}: the {@code occ}-th value ({@code occ >= 1}), or counting from the last
   * one ({@code occ <= -1}, at most {@link #MAX_HISTORY} back), over every field named {@code name}.
   * {@code occ == 0} is the first value, as HAProxy's loop makes it.
   */
  static long occurrence(RequestView r, CharSequence name, int occ, boolean full) {
    int fields = fieldCount(r, name);
    if (occ >= 0) {
      int k = Math.max(occ, 1);
      for (int f = 0; f < fields; f++) {
        CharSequence v = fieldText(r, name, f);
        if (full) {
          if (--k == 0) {
            return fullValue(v, f);
          }
          continue;
        }
        for (long cur = firstValue(v, f); cur != NONE; cur = nextValue(v, cur)) {
          if (--k == 0) {
            return cur;
          }
        }
      }
      return NONE;
    }
    if (-occ > MAX_HISTORY) {
      return NONE;
    }
    int total = full ? fields : count(r, name, fields);
    if (-occ > total) {
      return NONE;
    }
    return occurrence(r, name, total + occ + 1, full);
  }

  private static int count(RequestView r, CharSequence name, int fields) {
    int total = 0;
    for (int f = 0; f < fields; f++) {
      CharSequence v = fieldText(r, name, f);
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
