package org.stickyroute.persist;

/**
 * The response half of cookie persistence for one response, filled by {@link CookiePersistence#respond} (the
 * work of {@code ResponseWriting}): what
 * to do with each {@code Set-Cookie} header the server sent, the {@code Set-Cookie} to append, and whether to
 * append {@code Cache-Control: private}.
 *
 * <p>Apply in this order, as HAProxy does: change or remove the server's {@code Set-Cookie} headers in place,
 * append {@link #setCookie()} after every other header, then append {@code cache-control: private} when
 * {@link #cacheControlPrivate()}. A reusable holder (views are valid until it is reused); not thread-safe.
 */
public final class CookieResponse {
  /** Name of the header to add, lower-case as HAProxy writes it on HTTP/1. */
  public static final String SET_COOKIE = "set-cookie";
  /** Name of the cache header, lower-case as HAProxy writes it on HTTP/1. */
  public static final String CACHE_CONTROL = "cache-control";
  /** Value of the cache header added by {@code nocache}. */
  public static final String PRIVATE = "private";

  int headers;
  final HeaderEdits edits = new HeaderEdits(8, 256);
  char[] work = new char[256];
  String setCookie;
  boolean cacheControlPrivate;
  char flag = 'N';
  boolean serverSetOurCookie;

  /** An empty holder. */
  public CookieResponse() {}

  /** Empties the holder (no header, no server). */
  public void clear() {
    reset(0);
  }

  void reset(int headerCount) {
    headers = headerCount;
    setCookie = null;
    cacheControlPrivate = false;
    flag = 'N';
    serverSetOurCookie = false;
    edits.reset(headerCount);
  }

  char[] work(int len) {
    if (work.length < len) {
      work = new char[Math.max(len, work.length * 2)];
    }
    return work;
  }

  /**
   * What to do with response header {@code i}: {@link CookieMatch#KEEP}, {@link CookieMatch#REMOVE} or {@link
   * CookieMatch#REWRITE} (only {@code Set-Cookie} headers are ever changed).
   */
  public int action(int i) {
    return edits.action(i);
  }

  /** Number of headers of the response this holder was filled for. */
  public int headerCount() {
    return headers;
  }

  /** The new value of header {@code i} when {@link #action(int)} is {@code REWRITE}, else {@code null}. */
  public CharSequence rewritten(int i) {
    return edits.rewritten(i);
  }

  /** Whether any of the server's headers must be changed or removed. */
  public boolean headersChanged() {
    return edits.anyChanged(headers);
  }

  /** The value of the {@code Set-Cookie} header to append, or {@code null} for none. */
  public String setCookie() {
    return setCookie;
  }

  /** Whether to append {@code Cache-Control: private} ({@code nocache} and a cacheable response). */
  public boolean cacheControlPrivate() {
    return cacheControlPrivate;
  }

  /**
   * HAProxy's response-cookie log flag: {@code N} none, {@code I} inserted, {@code U} updated (date or
   * renewal), {@code P} provided by the server and kept, {@code R} rewritten, {@code D} deleted.
   */
  public char flag() {
    return flag;
  }
}
