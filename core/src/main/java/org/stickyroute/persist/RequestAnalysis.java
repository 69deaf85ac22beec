package org.stickyroute.persist;

import static org.stickyroute.persist.Chars.indexOf;
import static org.stickyroute.persist.Chars.regionEquals;
import static org.stickyroute.persist.Chars.spht;

import org.stickyroute.http.RequestView;

/**
 * The request half of cookie persistence, HAProxy 2.6's {@code http_manage_client_side_cookies}: every {@code
 * Cookie} header is tokenised as HAProxy does ({@code ;} and {@code ,} separate cookies; spaces and tabs
 * around names, {@code =} and values are stripped from the forwarded header; double-quoted values are
 * honoured; {@code $}-attributes are skipped and go away with the cookie before them; a token without {@code
 * =} is kept). The persistence cookie (exact, case-sensitive name) selects the first server in declaration
 * order with that value that accepts persistent traffic, or under {@code persist} the first with that value
 * whatever its state; the first occurrence that matches wins and later ones are still stripped. In {@code
 * insert indirect} mode the cookie is removed with HAProxy's exact delimiter and spacing rewrite; in {@code
 * prefix} mode the {@code id~} prefix is removed. Dates ({@code maxidle}/{@code maxlife}) are parsed and
 * validated with the 86400 s future tolerance; signed values are verified.
 *
 * <p>Immutable and thread-safe; never throws on request input; allocates nothing once the holder's buffers
 * have grown to the largest header seen.
 */
final class RequestAnalysis {
  /** HAProxy's tolerance for cookie dates in the future, in seconds. */
  static final int FUTURE_TOLERANCE = 86400;

  private final char[] nameChars;
  private final boolean prefix;
  private final boolean stripped;
  private final boolean persist;
  private final long maxIdle;
  private final long maxLife;
  private final char[][] valueChars;
  private final CookieSigner signer;

  /**
   * @param name the cookie name
   * @param prefix {@code prefix} mode
   * @param stripped {@code insert indirect}: the cookie is removed from forwarded requests
   * @param persist {@code persist} policy: a cookie for a stopped server still selects it
   * @param maxIdle {@code maxidle} in seconds, 0 = none
   * @param maxLife {@code maxlife} in seconds, 0 = none
   * @param values every server's plain value (null for none), in declaration order
   * @param signer the signer, or {@code null} for plain values
   */
  RequestAnalysis(String name, boolean prefix, boolean stripped, boolean persist, long maxIdle, long maxLife,
      String[] values, CookieSigner signer) {
    this.nameChars = name.toCharArray();
    this.prefix = prefix;
    this.stripped = stripped;
    this.persist = persist;
    this.maxIdle = maxIdle;
    this.maxLife = maxLife;
    this.valueChars = new char[values.length][];
    for (int i = 0; i < values.length; i++) {
      valueChars[i] = values[i] == null ? null : values[i].toCharArray();
    }
    this.signer = signer;
  }

  /** Fills {@code out} (reset first) from the request's {@code Cookie} headers; see the class comment. */
  void analyse(RequestView request, CookieTargets servers, long now, CookieMatch out) {
    int n = request.cookieHeaderCount();
    out.reset(Math.max(n, 0));
    for (int h = 0; h < n; h++) {
      CharSequence v = request.cookieHeader(h);
      out.originals[h] = v;
      if (v == null) {
        continue;
      }
      int len = v.length();
      char[] b = out.work(len);
      Chars.copy(v, len, b);
      int end = header(b, len, servers, now, out);
      if (end != len) {
        if (end == 0) {
          out.edits.remove(h);
        } else {
          out.edits.rewrite(h, out.result, end);
        }
      }
    }
  }

  /**
   * One {@code Cookie} header in {@code in[0, len)}, in a single left-to-right pass; returns the length of the
   * header to forward (0 = remove it, {@code len} = unchanged) and leaves in {@code m.result} the buffer that
   * holds it ({@code in} itself while nothing had to change, else the holder's second buffer).
   *
   * <p>HAProxy's {@code http_manage_client_side_cookies} edits the header in place and moves the whole rest of
   * it after every blank it strips and every cookie it deletes, which costs time quadratic in the header
   * length (a 64 KB header of {@code a = b;} cookies took ~100 ms). This produces the same bytes (checked
   * against a transliteration of that code, {@code CookieStripEquivalenceTest}) by reading every cookie from
   * {@code in} and appending what remains of it to the output: only a pending deletion reaches back into the
   * output, and only over what it deletes. Linear in {@code len}.
   */
  private int header(char[] in, int len, CookieTargets snap, long now, CookieMatch m) {
    char[] out = null; // created on the first change; until then the output is in[0, w)
    int w = 0;
    int delFrom = -1; // output index where a pending deletion (insert indirect) starts: the cookie's delimiter
    boolean preserveHdr = false;
    boolean first = true;
    int next;
    for (int prev = 0; prev < len; prev = next) {
      // one cookie: in[prev] is its delimiter (except for the first), then blanks, name, '=', value
      int attBeg = first ? prev : prev + 1;
      first = false;
      while (attBeg < len && spht(in[attBeg])) {
        attBeg++;
      }
      int equal = attBeg;
      int attEnd = attBeg;
      while (equal < len) {
        char c = in[equal];
        if (c == '=' || c == ',' || c == ';') {
          break;
        }
        if (spht(in[equal++])) {
          continue;
        }
        attEnd = equal;
      }
      int valBeg;
      int valEnd;
      if (equal < len && in[equal] == '=') {
        valBeg = equal + 1;
        while (valBeg < len && spht(in[valBeg])) {
          valBeg++;
        }
        next = Chars.valueEnd(in, valBeg, len, true);
        valEnd = next;
        while (valEnd > valBeg && spht(in[valEnd - 1])) {
          valEnd--;
        }
      } else {
        valBeg = equal;
        valEnd = equal;
        next = equal;
      }
      int from = prev; // the input this cookie contributes starts here (a deletion may consume its blanks)
      if (attBeg < len && in[attBeg] == '$') {
        // RFC 2109 attribute: kept as is; goes away with the cookie before it
      } else {
        boolean named = equal != next;
        boolean ours = named && attEnd - attBeg == nameChars.length && regionEquals(in, attBeg, nameChars);
        if (!ours) {
          // not ours (or no '='): keep it; a pending deletion ends before it
          preserveHdr = true;
          if (delFrom >= 0) {
            out = output(out, in, w, len, m);
            w = deletePending(out, w, delFrom, in[prev]);
            from = attBeg;
            delFrom = -1;
          }
        }
        if (named) {
          int delim = ours ? cookieValue(in, valBeg, valEnd, snap, now, m) : valEnd;
          int valueFrom = valBeg;
          if (ours && prefix && delim != valEnd) {
            valueFrom = delim + 1; // prefix: the "id~" goes
            delFrom = -1;
            preserveHdr = true;
          } else if (ours && delFrom < 0 && stripped) {
            delFrom = w;
          }
          // the cookie without the blanks around '=' (and without "id~" in prefix mode)
          if (out == null && (attEnd != equal || valueFrom != equal + 1 || from != w)) {
            out = output(out, in, w, len, m);
          }
          if (out != null) {
            w = append(in, from, attEnd, out, w);
            out[w++] = '=';
            w = append(in, valueFrom, next, out, w);
          } else {
            w = next;
          }
          continue;
        }
      }
      if (out != null) {
        w = append(in, from, next, out, w);
      } else {
        w = next;
      }
    }
    m.result = out != null ? out : in;
    if (delFrom >= 0) {
      return preserveHdr ? delFrom : 0;
    }
    return w;
  }

  /** The output buffer, created (holding the unchanged {@code in[0, w)}) on the first change. */
  private static char[] output(char[] out, char[] in, int w, int len, CookieMatch m) {
    if (out != null) {
      return out;
    }
    char[] o = m.work2(len);
    System.arraycopy(in, 0, o, 0, w);
    return o;
  }

  private static int append(char[] in, int from, int to, char[] out, int w) {
    int n = to - from;
    System.arraycopy(in, from, out, w, n);
    return w + n;
  }

  /**
   * HAProxy's {@code http_del_hdr_value} for the pending deletion {@code out[delFrom, w)}, which ends where the
   * current cookie starts with {@code delimiter}: from the header start, the deletion also takes that delimiter
   * (the caller then skips the blanks after it); otherwise the blanks before {@code delFrom} go too, and the
   * delimiter is written in their place followed by one space when there is room for it. Returns the new
   * output length.
   */
  private static int deletePending(char[] out, int w, int delFrom, char delimiter) {
    if (delFrom == 0) {
      return 0;
    }
    int p = delFrom;
    while (p > 0 && spht(out[p - 1])) {
      p--;
    }
    out[p] = delimiter;
    if (p + 1 < w) {
      out[p + 1] = ' ';
      return p + 2;
    }
    return p + 1;
  }

  /**
   * The persistence cookie's value {@code b[valBeg, valEnd)}: parses dates or the signature, validates, looks
   * the server up and records the outcome in {@code m}. Returns HAProxy's {@code delim} (end of the server id,
   * or in prefix mode the {@code ~}; {@code valEnd} when there is none).
   */
  private int cookieValue(char[] b, int valBeg, int valEnd, CookieTargets snap, long now, CookieMatch m) {
    int delim;
    int idEnd;
    if (prefix) {
      delim = valBeg;
      while (delim < valEnd && b[delim] != '~') {
        delim++;
      }
      idEnd = delim;
    } else if (signer != null) {
      delim = valEnd;
      idEnd = signedValue(b, valBeg, valEnd, now, m);
    } else {
      delim = valEnd;
      int vbar = indexOf(b, '|', valBeg, valEnd);
      if (vbar >= 0) {
        delim = vbar++;
        if (valEnd - vbar >= CookieDate.LENGTH) {
          int val = CookieDate.decode(b, vbar);
          if (val > 0) {
            m.lastDate = (val << 2) & 0xFFFFFFFFL;
          }
        }
        vbar = indexOf(b, '|', vbar, valEnd);
        if (vbar >= 0 && valEnd - vbar > CookieDate.LENGTH) {
          int val = CookieDate.decode(b, vbar + 1);
          if (val > 0) {
            m.firstDate = (val << 2) & 0xFFFFFFFFL;
          }
        }
      }
      if (m.firstDate != 0 && maxLife != 0
          && ((int) (now - m.firstDate) > (int) maxLife || (int) (m.firstDate - now) > FUTURE_TOLERANCE)) {
        m.flag = 'O';
        delim = valBeg;
        m.firstDate = 0;
        m.lastDate = 0;
      } else if (m.lastDate != 0 && maxIdle != 0
          && ((int) (now - m.lastDate) > (int) maxIdle || (int) (m.lastDate - now) > FUTURE_TOLERANCE)) {
        m.flag = 'E';
        delim = valBeg;
        m.firstDate = 0;
        m.lastDate = 0;
      }
      idEnd = delim;
    }
    boolean found = false;
    if (idEnd != valBeg && !m.direct) {
      int len = idEnd - valBeg;
      for (int i = 0; i < valueChars.length; i++) {
        char[] v = valueChars[i];
        if (v != null && v.length == len && regionEquals(b, valBeg, v)) {
          boolean running = snap.acceptsPersistent(i);
          if (running || persist) {
            m.flag = running ? 'V' : 'D';
            m.direct = true;
            m.server = i;
            found = true;
            break;
          }
          m.flag = 'D';
          m.downMatch = true;
        }
      }
    }
    if (!found && m.flag == 'N') {
      m.flag = m.direct ? 'U' : 'I';
    }
    return delim;
  }

  /**
   * Parses and checks a signed value {@code ID|EXPIRY|MAC}. Returns the end of the id when the value is
   * authentic, unexpired and its expiry is at most the lifetime plus HAProxy's 86400 s future tolerance ahead
   * (recording its expiry), else {@code valBeg} (treated as invalid or expired).
   */
  private int signedValue(char[] b, int valBeg, int valEnd, long now, CookieMatch m) {
    if (m.direct) {
      return valBeg; // a later occurrence is not used: skip the MAC
    }
    int bar1 = indexOf(b, '|', valBeg, valEnd);
    if (bar1 <= valBeg) {
      return valBeg;
    }
    int bar2 = indexOf(b, '|', bar1 + 1, valEnd);
    if (bar2 < 0 || bar2 - bar1 - 1 < 1 || bar2 - bar1 - 1 > 12 || valEnd - (bar2 + 1) != CookieSigner.MAC_CHARS) {
      return valBeg;
    }
    long exp = 0;
    for (int i = bar1 + 1; i < bar2; i++) {
      char c = b[i];
      if (c < '0' || c > '9') {
        return valBeg;
      }
      exp = exp * 10 + (c - '0');
    }
    int len = bar1 - valBeg;
    boolean known = false;
    for (char[] v : valueChars) {
      if (v != null && v.length == len && regionEquals(b, valBeg, v)) {
        known = true;
        break;
      }
    }
    if (!known) {
      return valBeg; // matches no server: invalid, no MAC needed
    }
    int check = signer.verify(b, valBeg, bar1, bar1 + 1, bar2, bar2 + 1, now);
    if (check == CookieSigner.BAD) {
      return valBeg; // forged or altered: invalid
    }
    if (exp <= now) {
      m.flag = 'E';
      return valBeg;
    }
    if (exp - now > signer.lifetimeSeconds() + FUTURE_TOLERANCE) {
      // Authentic but issued more than a day "in the future" (a clock far ahead, or a lifetime since
      // shortened): not honoured, as HAProxy ignores cookie dates beyond its 86400 s tolerance.
      m.flag = 'E';
      return valBeg;
    }
    m.signedExpiry = exp;
    m.signedPrevious = check == CookieSigner.PREVIOUS;
    return bar1;
  }
}
