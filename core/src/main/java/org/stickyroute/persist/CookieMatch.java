package org.stickyroute.persist;

/**
 * The request half of cookie persistence for one request, filled by {@link
 * CookiePersistence#analyse(org.stickyroute.http.RequestView, CookieTargets, long, CookieMatch)}: the server
 * the persistence cookie designates (if any) with HAProxy's log flag, the dates it carried, and what to
 * forward of every {@code Cookie} header.
 *
 * <p>A reusable holder: keep one per worker (a routing decision holds one); {@code analyse}
 * resets it. After warm-up it allocates nothing, and the forwarded values it returns are views into its own
 * buffers, valid until it is reused. Not thread-safe.
 */
public final class CookieMatch {
  /** Forward the header unchanged. */
  public static final int KEEP = 0;
  /** Remove the header (every cookie in it was stripped). */
  public static final int REMOVE = 1;
  /** Forward {@link #forwarded(int)} instead of the original value. */
  public static final int REWRITE = 2;
  /** {@link #server()} when the cookie designates no server that takes the request. */
  public static final int NONE = -1;

  int server = NONE;
  char flag = 'N';
  boolean direct;
  long lastDate;
  long firstDate;
  long signedExpiry;
  boolean signedPrevious;
  boolean downMatch;

  int headers;
  CharSequence[] originals = new CharSequence[4];
  final HeaderEdits edits = new HeaderEdits(4, 512);
  char[] work = new char[512];
  char[] work2 = new char[512];
  char[] result;

  /** An empty holder. */
  public CookieMatch() {}

  /**
   * Fills the holder for a backend without a persistence cookie: no server, flag {@code N}, every {@code
   * Cookie} header of {@code request} forwarded unchanged.
   */
  public void unchanged(org.stickyroute.http.RequestView request) {
    int n = Math.max(request.cookieHeaderCount(), 0);
    reset(n);
    for (int i = 0; i < n; i++) {
      originals[i] = request.cookieHeader(i);
    }
  }

  /** Empties the holder (no header, no server). */
  public void clear() {
    reset(0);
  }

  void reset(int headerCount) {
    server = NONE;
    flag = 'N';
    direct = false;
    lastDate = 0;
    firstDate = 0;
    signedExpiry = 0;
    signedPrevious = false;
    downMatch = false;
    headers = headerCount;
    if (originals.length < headerCount) {
      originals = new CharSequence[Math.max(headerCount, originals.length * 2)];
    }
    edits.reset(headerCount);
  }

  char[] work(int len) {
    if (work.length < len) {
      work = new char[Math.max(len, work.length * 2)];
    }
    return work;
  }

  /** The second work buffer: the rewritten header while the first holds the original. */
  char[] work2(int len) {
    if (work2.length < len) {
      work2 = new char[Math.max(len, work2.length * 2)];
    }
    return work2;
  }

  /**
   * The index of the server the cookie designates and that takes the request ({@code V}, or {@code D} under
   * {@code persist}), or {@link #NONE} when the request must be load-balanced.
   */
  public int server() {
    return server;
  }

  /**
   * Whether the request is "direct" (HAProxy's {@code SF_DIRECT}): a persistence cookie assigned its server.
   */
  public boolean direct() {
    return direct;
  }

  /**
   * HAProxy's request-cookie log flag: {@code N} no persistence cookie, {@code I} invalid (matches no server,
   * empty, forged), {@code D} designates a stopped server, {@code V} valid, {@code E} expired (idle, or signed
   * expiry passed), {@code O} too old ({@code maxlife}).
   */
  public char flag() {
    return flag;
  }

  /**
   * Whether the cookie named a server that exists but does not accept persistent traffic (DOWN or in
   * maintenance) and no other server with that value did — the case the sticky-failure policy governs.
   */
  public boolean designatedStoppedServer() {
    return downMatch && !direct;
  }

  /** The "last seen" date the cookie carried (UNIX seconds, 4-second resolution), 0 when none. */
  public long lastDate() {
    return lastDate;
  }

  /** The "first seen" date the cookie carried (UNIX seconds, 4-second resolution), 0 when none. */
  public long firstDate() {
    return firstDate;
  }

  /** The expiry of a valid signed cookie (UNIX seconds), 0 when none. */
  public long signedExpiry() {
    return signedExpiry;
  }

  /** Number of {@code Cookie} headers the request had. */
  public int headerCount() {
    return headers;
  }

  /** What to do with {@code Cookie} header {@code i}: {@link #KEEP}, {@link #REMOVE} or {@link #REWRITE}. */
  public int action(int i) {
    return edits.action(i);
  }

  /** Whether any {@code Cookie} header must be changed or removed before forwarding. */
  public boolean cookiesChanged() {
    return edits.anyChanged(headers);
  }

  /**
   * The value to forward for {@code Cookie} header {@code i}: the original value, a rewritten value (a view
   * valid until this holder is reused), or {@code null} when the header must be removed.
   */
  public CharSequence forwarded(int i) {
    switch (edits.action(i)) {
      case REMOVE:
        return null;
      case REWRITE:
        return edits.rewritten(i);
      default:
        return originals[i];
    }
  }

  /** Forgets the references to the request's header values (the holder keeps its buffers). */
  public void release() {
    for (int i = 0; i < headers; i++) {
      originals[i] = null;
    }
  }
}
