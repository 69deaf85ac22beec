package org.stickyroute.persist;

import java.util.List;
import org.stickyroute.http.RequestView;
import org.stickyroute.http.ResponseView;
import org.stickyroute.config.BackendConfig;
import org.stickyroute.config.CookieConfig;
import org.stickyroute.config.CookieSigning;
import org.stickyroute.config.ServerConfig;
import org.stickyroute.config.StickyFailure;

/**
 * Cookie persistence of one backend, compiled from its {@code cookie} line, its servers' {@code cookie} values
 * (or {@code dynamic} ones) and its {@link org.stickyroute.config.StickyOptions}: HAProxy 2.6's {@code
 * http_manage_client_side_cookies} (request), {@code http_manage_server_side_cookies} and the insertion and
 * {@code nocache} rules of {@code http_process_res_common} (response), as pure functions.
 *
 * <p><b>Request</b> ({@link #analyse}): every {@code Cookie} header is tokenised as HAProxy does ({@code ;}
 * and {@code ,} separate cookies; spaces and tabs around names, {@code =} and values are stripped from the
 * forwarded header; double-quoted values are honoured; {@code $}-attributes are skipped and go away with the
 * cookie before them; a token without {@code =} is kept). The persistence cookie (exact, case-sensitive
 * name) selects the first server in declaration order with that value that is not stopped (DRAIN and weight
 * 0 accept), or under {@code persist} the first with that value whatever its state; the first occurrence that
 * matches wins and later ones are still stripped. In {@code insert indirect} mode the cookie is removed with
 * HAProxy's exact delimiter and spacing rewrite; in {@code prefix} mode the {@code id~} prefix is removed.
 * Dates ({@code maxidle}/{@code maxlife}) are parsed and validated with the 86400 s future tolerance.
 *
 * <p><b>Response</b> ({@link #respond}): the server's {@code Set-Cookie} of the persistence cookie is
 * deleted (insert mode, or indirect and direct), rewritten ({@code rewrite}), prefixed ({@code prefix}) or
 * kept ({@code preserve}); a cookie is inserted when the request was not direct or a date refresh (or a
 * signed renewal) is due, honouring {@code postonly} and {@code preserve}, in HAProxy's exact format; and
 * {@code nocache} adds {@code Cache-Control: private} to responses 2.6.12 deems cacheable.
 *
 * <p>Immutable and thread-safe. The request and response functions never throw on request or response
 * input, allocate nothing when nothing must change, and otherwise allocate only their results (after the
 * holders' buffers have grown to the largest header seen).
 */
public final class CookiePersistence {
  /** Method classes that matter: cacheability and {@code postonly}. */
  static final int M_OTHER = 0;
  static final int M_GET = 1;
  static final int M_HEAD = 2;
  static final int M_POST = 3;
  static final int M_OPTIONS = 4;
  static final int M_TRACE = 5;

  private static final String DELETE_SUFFIX = "=; Expires=Thu, 01-Jan-1970 00:00:01 GMT; path=/";
  private static final int FUTURE_TOLERANCE = 86400;

  private final String name;
  private final char[] nameChars;
  private final boolean insert;
  private final boolean indirect;
  private final boolean prefix;
  private final boolean rewrite;
  private final boolean preserve;
  private final boolean postonly;
  private final boolean nocache;
  private final long maxIdle;
  private final long maxLife;
  private final boolean persist;
  private final StickyFailure failure;
  private final int strictStatus;
  private final String[] values;
  private final char[][] valueChars;
  private final String suffix;
  private final String[] plainInsert;
  private final CookieSigner signer;

  private CookiePersistence(BackendConfig b) {
    CookieConfig c = b.cookie();
    this.name = c.name();
    this.nameChars = c.name().toCharArray();
    this.insert = c.mode() == CookieConfig.Mode.INSERT;
    this.indirect = c.indirect();
    this.prefix = c.mode() == CookieConfig.Mode.PREFIX;
    this.rewrite = c.mode() == CookieConfig.Mode.REWRITE;
    this.preserve = c.preserve();
    this.postonly = c.postonly();
    this.nocache = c.nocache();
    this.maxIdle = c.maxIdleSeconds();
    this.maxLife = c.maxLifeSeconds();
    this.failure = b.stickyFailure();
    this.persist = failure == StickyFailure.PERSIST;
    this.strictStatus = b.sticky().strictStatus();
    List<ServerConfig> servers = b.servers();
    this.values = new String[servers.size()];
    this.valueChars = new char[servers.size()][];
    for (int i = 0; i < values.length; i++) {
      values[i] = serverValue(b, servers.get(i));
      valueChars[i] = values[i] == null ? null : values[i].toCharArray();
    }
    StringBuilder sfx = new StringBuilder();
    for (String d : c.domains()) {
      sfx.append("; domain=").append(d);
    }
    if (c.httpOnly()) {
      sfx.append("; HttpOnly");
    }
    if (c.secure()) {
      sfx.append("; Secure");
    }
    for (String a : c.attrs()) {
      sfx.append("; ").append(a);
    }
    this.suffix = sfx.toString();
    this.signer = b.sticky().signing() == null ? null : new CookieSigner(b.sticky().signing(), name);
    this.plainInsert = new String[values.length];
    for (int i = 0; i < values.length; i++) {
      plainInsert[i] = values[i] == null ? name + DELETE_SUFFIX + suffix : name + "=" + values[i] + "; path=/" + suffix;
    }
  }

  /**
   * The persistence of a backend, or {@code null} when it has no {@code cookie} line.
   *
   * @param backend the backend configuration
   * @return the compiled persistence, or {@code null}
   */
  public static CookiePersistence of(BackendConfig backend) {
    return backend.cookie() == null ? null : new CookiePersistence(backend);
  }

  /**
   * The cookie value server {@code server} of {@code backend} carries: its {@code cookie} value, else its
   * dynamic value ({@code cookie ... dynamic} with a {@code dynamic-cookie-key} and an IP literal address),
   * else {@code null}. The plain value, before any signing.
   */
  public static String serverValue(BackendConfig backend, ServerConfig server) {
    return server.cookie() != null ? server.cookie() : DynamicCookie.of(backend, server);
  }

  /** The cookie name. */
  public String name() {
    return name;
  }

  /** The plain cookie value of server {@code i} (configured or dynamic), or {@code null}. */
  public String value(int server) {
    return values[server];
  }

  /** The sticky-failure policy in force. */
  public StickyFailure failure() {
    return failure;
  }

  /** The status of a strict sticky failure. */
  public int strictStatus() {
    return strictStatus;
  }

  /** Whether cookies are signed (see {@link CookieSigning}). */
  public boolean signed() {
    return signer != null;
  }

  /** Whether this backend inserts cookies ({@code insert} mode). */
  public boolean inserts() {
    return insert;
  }

  /**
   * The value a client must send to be routed to server {@code server} at {@code now} (UNIX seconds): the
   * server's value, signed when signing is on (valid for the configured lifetime), or {@code null} when the
   * server has no value. For tests and tools ("which cookie pins me to s2?").
   */
  public String clientValue(int server, long now) {
    String v = values[server];
    if (v == null || signer == null) {
      return v;
    }
    return signer.sign(v, now + signer.signing().lifetimeSeconds());
  }

  static int methodCode(CharSequence m) {
    if (m == null) {
      return M_OTHER;
    }
    switch (m.length()) {
      case 3:
        return is(m, "GET") ? M_GET : M_OTHER;
      case 4:
        return is(m, "HEAD") ? M_HEAD : is(m, "POST") ? M_POST : M_OTHER;
      case 5:
        return is(m, "TRACE") ? M_TRACE : M_OTHER;
      case 7:
        return is(m, "OPTIONS") ? M_OPTIONS : M_OTHER;
      default:
        return M_OTHER;
    }
  }

  private static boolean is(CharSequence m, String s) {
    for (int i = 0; i < s.length(); i++) {
      if (m.charAt(i) != s.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static boolean spht(char c) {
    return c == ' ' || c == '\t';
  }

  // =============================================================================================== request

  /**
   * Analyses the request's {@code Cookie} headers against the backend's servers, at {@code now}.
   *
   * @param request the request (only its {@code Cookie} headers are read)
   * @param snapshot the backend's servers now (which accept persistent traffic)
   * @param now the wall-clock time in UNIX seconds (dates and signed expiries are checked against it)
   * @param out the holder to fill (reset first)
   */
  public void analyse(RequestView request, CookieTargets snapshot, long now, CookieMatch out) {
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
      copy(v, len, b);
      int end = header(b, len, snapshot, now, out);
      if (end != len) {
        if (end == 0) {
          out.action[h] = CookieMatch.REMOVE;
        } else {
          out.store(h, out.result, end);
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
        next = valueEnd(in, valBeg, len, true);
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
      } else if (equal == next) {
        // no '=': not ours, keep it; a pending deletion ends before it
        preserveHdr = true;
        if (delFrom >= 0) {
          out = output(out, in, w, len, m);
          w = deletePending(out, w, delFrom, in[prev]);
          from = attBeg;
          delFrom = -1;
        }
      } else {
        boolean ours = attEnd - attBeg == nameChars.length && regionEquals(in, attBeg, nameChars);
        int delim = ours ? cookieValue(in, valBeg, valEnd, snap, now, m) : valEnd;
        int valueFrom = valBeg;
        if (!ours) {
          preserveHdr = true;
          if (delFrom >= 0) {
            out = output(out, in, w, len, m);
            w = deletePending(out, w, delFrom, in[prev]);
            from = attBeg;
            delFrom = -1;
          }
        } else if (prefix && delim != valEnd) {
          valueFrom = delim + 1; // prefix: the "id~" goes
          delFrom = -1;
          preserveHdr = true;
        } else if (delFrom < 0 && insert && indirect) {
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
    if (exp - now > signer.signing().lifetimeSeconds() + FUTURE_TOLERANCE) {
      // Authentic but issued more than a day "in the future" (a clock far ahead, or a lifetime since
      // shortened): not honoured, as HAProxy ignores cookie dates beyond its 86400 s tolerance.
      m.flag = 'E';
      return valBeg;
    }
    m.signedExpiry = exp;
    m.signedPrevious = check == CookieSigner.PREVIOUS;
    return bar1;
  }

  // ============================================================================================== response

  /**
   * Whether a request with this method, analysed into {@code match} and sent to {@code server} ({@code
   * direct} as HAProxy's {@code SF_DIRECT}), will get a {@code Set-Cookie} — before the response is known
   * ({@code preserve} may still cancel it when the server sets the cookie itself).
   */
  public boolean wantsSetCookie(CookieMatch match, boolean direct, CharSequence method, long now) {
    return insert && insertDue(match, direct, methodCode(method), now);
  }

  private boolean insertDue(CookieMatch m, boolean direct, int method, long now) {
    if (postonly && method != M_POST) {
      return false;
    }
    if (!direct) {
      return true;
    }
    if (signer != null) {
      return m.signedPrevious || m.signedExpiry - now < signer.signing().lifetimeSeconds() / 2;
    }
    return ((maxIdle != 0 || m.lastDate != 0) && (m.lastDate == 0 || m.lastDate < now))
        || (maxLife != 0 && m.firstDate == 0)
        || (maxLife == 0 && m.firstDate != 0);
  }

  /**
   * The response half: what to do with the server's {@code Set-Cookie} headers, the {@code Set-Cookie} to
   * add and whether to add {@code Cache-Control: private}.
   *
   * @param match the request's analysis (its dates and signed expiry)
   * @param server the index of the server that answered
   * @param direct whether the request went to the server its cookie designated (false after a redispatch)
   * @param method the request method (case-sensitive)
   * @param response the server's response
   * @param now the wall-clock time in UNIX seconds (dates emitted are {@code (now + 3) >> 2})
   * @param out the holder to fill (reset first)
   */
  public void respond(
      CookieMatch match, int server, boolean direct, CharSequence method, ResponseView response, long now,
      CookieResponse out) {
    respond(match, server, direct, methodCode(method), response, now, out);
  }

  void respond(
      CookieMatch match, int server, boolean direct, int method, ResponseView response, long now,
      CookieResponse out) {
    int n = response.headerCount();
    out.reset(Math.max(n, 0));
    int status = response.status();
    if (status < 200 || server < 0 || server >= values.length) {
      return; // interim responses are not processed; no server, no cookie
    }
    for (int h = 0; h < n; h++) {
      CharSequence hn = response.headerName(h);
      CharSequence hv = response.headerValue(h);
      if (hn != null && hv != null && equalsIgnoreCase(hn, "set-cookie")) {
        serverCookie(h, hv, server, direct, out);
      }
    }
    if (!insert || (preserve && out.serverSetOurCookie) || !insertDue(match, direct, method, now)) {
      return;
    }
    out.setCookie = insertValue(match, server, now, out);
    out.flag = values[server] != null && direct ? 'U' : 'I';
    if (nocache && cacheable(method, response)) {
      out.cacheControlPrivate = true;
    }
  }

  private String insertValue(CookieMatch m, int server, long now, CookieResponse out) {
    String v = values[server];
    if (v == null) {
      return plainInsert[server];
    }
    if (signer != null) {
      return name + "=" + signer.sign(v, now + signer.signing().lifetimeSeconds()) + "; path=/" + suffix;
    }
    if (maxIdle == 0 && maxLife == 0) {
      return plainInsert[server];
    }
    int len = name.length() + 1 + v.length() + 12 + 8 + suffix.length();
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
    "; path=/".getChars(0, 8, b, p);
    p += 8;
    suffix.getChars(0, suffix.length(), b, p);
    p += suffix.length();
    return new String(b, 0, p);
  }

  /** One server {@code Set-Cookie} header (only its first cookie is examined, as HAProxy does). */
  private void serverCookie(int h, CharSequence v, int server, boolean direct, CookieResponse out) {
    int len = v.length();
    char[] b = out.work(len);
    copy(v, len, b);
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
      valEnd = valueEnd(b, valBeg, hdrEnd, false);
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
        out.action[h] = CookieMatch.REMOVE;
        out.flag = 'D';
        return;
      } else if (values[server] != null && (rewrite || prefix)) {
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
      out.store(h, b, hdrEnd);
    }
  }

  /**
   * HAProxy 2.6.12's cacheability of a response, as {@code nocache} reads it: a GET, HEAD, OPTIONS or TRACE
   * request; status 200, 203, 204, 206, 300, 301, 404, 405, 410, 414 or 501; no {@code Pragma: no-cache} (the
   * first Pragma header, whole value); the {@code Cache-Control} values in order ({@code public} makes it
   * cacheable again — even for other methods and statuses —, {@code private}, {@code no-cache}, {@code
   * no-store}, {@code max-age=0}, {@code s-maxage=0} make it not cacheable, the last one wins); and freshness
   * ({@code max-age}/{@code s-maxage} prefix, or {@code Expires}) or a validator ({@code ETag}, {@code
   * Last-Modified}).
   */
  static boolean cacheable(int method, ResponseView r) {
    boolean cacheable = method == M_GET || method == M_HEAD || method == M_OPTIONS || method == M_TRACE;
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

  static boolean equalsIgnoreCase(CharSequence s, String lower) {
    return equalsIgnoreCase(s, 0, s.length(), lower);
  }

  private static boolean equalsIgnoreCase(CharSequence s, int from, int to, String lower) {
    return to - from == lower.length() && startsWithIgnoreCase(s, from, to, lower);
  }

  private static boolean startsWithIgnoreCase(CharSequence s, int from, int to, String lower) {
    if (to - from < lower.length()) {
      return false;
    }
    for (int i = 0; i < lower.length(); i++) {
      char c = s.charAt(from + i);
      if (c >= 'A' && c <= 'Z') {
        c += 32;
      }
      if (c != lower.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** HAProxy's {@code http_find_cookie_value_end}: quotes respected, {@code ;} (and {@code ,}) end a value. */
  private static int valueEnd(char[] b, int s, int e, boolean commaEnds) {
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
      } else if (c == ';' || (commaEnds && c == ',')) {
        return s;
      }
    }
    return s;
  }

  /** Copies a header value into a work buffer (a bulk copy for the usual String). */
  private static void copy(CharSequence v, int len, char[] b) {
    if (v instanceof String str) {
      str.getChars(0, len, b, 0);
    } else {
      for (int i = 0; i < len; i++) {
        b[i] = v.charAt(i);
      }
    }
  }

  private static int indexOf(char[] b, char c, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] == c) {
        return i;
      }
    }
    return -1;
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
