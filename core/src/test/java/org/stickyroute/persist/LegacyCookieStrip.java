package org.stickyroute.persist;

/**
 * The text transformation of {@code Cookie} headers exactly as {@link CookiePersistence} did it up to commit
 * 5c548b4 — a transliteration of HAProxy 2.6's {@code http_manage_client_side_cookies}, which edits the header
 * in place and moves the rest of the header after every stripped blank and every deleted cookie (quadratic in
 * the header length), and whose output the differential tests against the real haproxy validated. Kept as the
 * oracle that the single-pass rewrite produces the very same bytes ({@code CookieStripEquivalenceTest}).
 *
 * <p>Only the text is modelled: in prefix mode the server id ends at the first {@code ~} of the value (HAProxy's
 * {@code delim}), which is all the transformation depends on.
 */
final class LegacyCookieStrip {
  private final char[] name;
  private final boolean prefix;
  private final boolean insertIndirect;
  private int delFromOut;

  LegacyCookieStrip(String name, boolean prefix, boolean insertIndirect) {
    this.name = name.toCharArray();
    this.prefix = prefix;
    this.insertIndirect = insertIndirect;
  }

  /** The forwarded header (the same string when unchanged), or {@code null} when the header is removed. */
  String strip(String header) {
    char[] b = header.toCharArray();
    int end = header(b, b.length);
    if (end == b.length) {
      return header; // unchanged (as analyse() decides it: by length)
    }
    return end == 0 ? null : new String(b, 0, end);
  }

  private static boolean spht(char c) {
    return c == ' ' || c == '\t';
  }

  private int header(char[] b, int len) {
    int hdrEnd = len;
    int delFrom = -1;
    boolean preserveHdr = false;
    boolean first = true;
    int next;
    for (int prev = 0; prev < hdrEnd; prev = next) {
      int attBeg = prev;
      if (!first) {
        attBeg++;
      }
      first = false;
      while (attBeg < hdrEnd && spht(b[attBeg])) {
        attBeg++;
      }
      int equal = attBeg;
      int attEnd = attBeg;
      while (equal < hdrEnd) {
        char c = b[equal];
        if (c == '=' || c == ',' || c == ';') {
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
        next = valueEnd(b, valBeg, hdrEnd);
        valEnd = next;
        while (valEnd > valBeg && spht(b[valEnd - 1])) {
          valEnd--;
        }
      } else {
        valBeg = equal;
        valEnd = equal;
        next = equal;
      }
      if (attBeg < hdrEnd && b[attBeg] == '$') {
        continue;
      }
      if (equal == next) {
        preserveHdr = true;
        if (delFrom >= 0) {
          int delta = deleteValue(b, 0, hdrEnd, delFrom, prev);
          valEnd += delta;
          next += delta;
          hdrEnd += delta;
          prev = delFromOut;
          delFrom = -1;
        }
        continue;
      }
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
        next += strippedBefore;
        hdrEnd += strippedBefore;
      }
      if (attEnd - attBeg == name.length && regionEquals(b, attBeg, name)) {
        int delim = valEnd;
        if (prefix) {
          delim = valBeg;
          while (delim < valEnd && b[delim] != '~') {
            delim++;
          }
        }
        if (prefix && delim != valEnd) {
          System.arraycopy(b, delim + 1, b, valBeg, hdrEnd - (delim + 1));
          int delta = valBeg - (delim + 1);
          valEnd += delta;
          next += delta;
          hdrEnd += delta;
          delFrom = -1;
          preserveHdr = true;
        } else if (delFrom < 0 && insertIndirect) {
          delFrom = prev;
        }
      } else {
        preserveHdr = true;
        if (delFrom >= 0) {
          int delta = deleteValue(b, 0, hdrEnd, delFrom, prev);
          valEnd += delta;
          next += delta;
          hdrEnd += delta;
          prev = delFromOut;
          delFrom = -1;
        }
      }
    }
    if (delFrom >= 0) {
      hdrEnd = preserveHdr ? delFrom : 0;
    }
    return hdrEnd;
  }

  private static int valueEnd(char[] b, int s, int e) {
    boolean quoted = false;
    boolean qdpair = false;
    for (; s < e; s++) {
      char c = b[s];
      if (qdpair) {
        qdpair = false;
      } else if (quoted) {
        if (c == '\\') {
          qdpair = true;
        } else if (c == '"') {
          quoted = false;
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ';' || c == ',') {
        return s;
      }
    }
    return s;
  }

  private int deleteValue(char[] b, int start, int end, int from, int next) {
    int prev = from;
    if (prev == start) {
      if (next < end) {
        next++;
      }
      while (next < end && spht(b[next])) {
        next++;
      }
      delFromOut = start;
    } else {
      while (prev - 1 >= start && spht(b[prev - 1])) {
        prev--;
      }
      delFromOut = prev;
      if (next < end) {
        b[prev++] = b[next++];
        if (prev + 1 < next) {
          b[prev++] = ' ';
        }
        while (next < end && spht(b[next])) {
          next++;
        }
      }
    }
    System.arraycopy(b, next, b, prev, end - next);
    return prev - next;
  }

  private static boolean regionEquals(char[] b, int at, char[] s) {
    for (int i = 0; i < s.length; i++) {
      if (b[at + i] != s[i]) {
        return false;
      }
    }
    return true;
  }
}
