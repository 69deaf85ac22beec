package org.stickyroute.persist;

import static org.stickyroute.persist.Chars.regionEquals;
import static org.stickyroute.persist.Chars.spht;

/**
 * The server's own {@code Set-Cookie} headers, HAProxy 2.6's {@code http_manage_server_side_cookies}: only
 * the first cookie of each header is examined; the blanks around its name and {@code =} are stripped; when it
 * is the persistence cookie it is kept ({@code preserve}), deleted ({@code insert} mode, or {@code indirect}
 * on a direct request), rewritten to the server's value ({@code rewrite}) or prefixed with it and {@code ~}
 * ({@code prefix}).
 *
 * <p>Immutable and thread-safe; never throws on response input.
 */
final class ServerSetCookie {
  private final char[] nameChars;
  private final boolean insert;
  private final boolean indirect;
  private final boolean rewrite;
  private final boolean prefix;
  private final boolean preserve;
  private final char[][] valueChars;

  ServerSetCookie(String name, boolean insert, boolean indirect, boolean rewrite, boolean prefix, boolean preserve,
      String[] values) {
    this.nameChars = name.toCharArray();
    this.insert = insert;
    this.indirect = indirect;
    this.rewrite = rewrite;
    this.prefix = prefix;
    this.preserve = preserve;
    this.valueChars = new char[values.length][];
    for (int i = 0; i < values.length; i++) {
      valueChars[i] = values[i] == null ? null : values[i].toCharArray();
    }
  }

  /**
   * Whether the {@code Set-Cookie} value {@code v} sets the persistence cookie, as {@link #handle} reads it:
   * its first cookie, blanks trimmed, has an {@code =} and the persistence cookie's exact name.
   */
  boolean setsPersistenceCookie(CharSequence v) {
    int len = v.length();
    int attBeg = 0;
    while (attBeg < len && spht(v.charAt(attBeg))) {
      attBeg++;
    }
    int equal = attBeg;
    int attEnd = attBeg;
    while (equal < len) {
      char c = v.charAt(equal);
      if (c == '=' || c == ';') {
        break;
      }
      if (!spht(v.charAt(equal++))) {
        attEnd = equal;
      }
    }
    if (equal >= len || v.charAt(equal) != '=' || attEnd - attBeg != nameChars.length) {
      return false;
    }
    for (int i = 0; i < nameChars.length; i++) {
      if (v.charAt(attBeg + i) != nameChars[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * One server {@code Set-Cookie} header, number {@code h} of the response, with value {@code v}, from server
   * {@code server} ({@code direct} as HAProxy's {@code SF_DIRECT}): records in {@code out} whether it is kept,
   * removed or rewritten, the response-cookie flag, and whether the server set the persistence cookie itself.
   */
  void handle(int h, CharSequence v, int server, boolean direct, CookieResponse out) {
    int len = v.length();
    char[] b = out.work(len);
    Chars.copy(v, len, b);
    int hdrEnd = len;
    int attBeg = 0;
    while (attBeg < hdrEnd && spht(b[attBeg])) {
      attBeg++;
    }
    int equal = attBeg;
    int attEnd = attBeg;
    while (equal < hdrEnd) {
      char c = b[equal];
      if (c == '=' || c == ';') {
        break;
      }
      if (spht(b[equal++])) {
        continue;
      }
      attEnd = equal;
    }
    int valBeg;
    int valEnd;
    if (equal < hdrEnd && b[equal] == '=') {
      valBeg = equal + 1;
      while (valBeg < hdrEnd && spht(b[valBeg])) {
        valBeg++;
      }
      valEnd = Chars.valueEnd(b, valBeg, hdrEnd, false);
      while (valEnd > valBeg && spht(b[valEnd - 1])) {
        valEnd--;
      }
    } else {
      valBeg = equal;
      valEnd = equal;
    }
    if (equal == valEnd) {
      return; // no '=': not a cookie HAProxy looks at
    }
    boolean changed = false;
    if (attEnd != equal || valBeg > equal + 1) {
      int strippedBefore = 0;
      if (attEnd != equal) {
        System.arraycopy(b, equal, b, attEnd, hdrEnd - equal);
        strippedBefore = attEnd - equal;
        equal += strippedBefore;
        valBeg += strippedBefore;
      }
      if (valBeg > equal + 1) {
        System.arraycopy(b, valBeg, b, equal + 1, hdrEnd + strippedBefore - valBeg);
        int strippedAfter = (equal + 1) - valBeg;
        valBeg += strippedAfter;
        strippedBefore += strippedAfter;
      }
      valEnd += strippedBefore;
      hdrEnd += strippedBefore;
      changed = true;
    }
    if (attEnd - attBeg == nameChars.length && regionEquals(b, attBeg, nameChars)) {
      out.flag = 'P';
      if (preserve) {
        out.serverSetOurCookie = true;
      } else if (insert || (direct && indirect)) {
        out.edits.remove(h);
        out.flag = 'D';
        return;
      } else if (valueChars[server] != null && (rewrite || prefix)) {
        char[] sv = valueChars[server];
        int add = rewrite ? sv.length - (valEnd - valBeg) : sv.length + 1;
        char[] nb = out.work(hdrEnd + Math.max(add, 0) + 1);
        // nb may be b itself (grown copy keeps the prefix): work() keeps content only when it does not grow
        if (nb != b) {
          System.arraycopy(b, 0, nb, 0, hdrEnd);
          b = nb;
        }
        if (rewrite) {
          System.arraycopy(b, valEnd, b, valBeg + sv.length, hdrEnd - valEnd);
          System.arraycopy(sv, 0, b, valBeg, sv.length);
        } else {
          System.arraycopy(b, valBeg, b, valBeg + sv.length + 1, hdrEnd - valBeg);
          System.arraycopy(sv, 0, b, valBeg, sv.length);
          b[valBeg + sv.length] = '~';
        }
        hdrEnd += add;
        out.flag = 'R';
        changed = true;
      }
    }
    if (changed) {
      out.edits.rewrite(h, b, hdrEnd);
    }
  }
}
