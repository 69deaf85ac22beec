package org.stickyroute;

import org.stickyroute.http.RequestView;
import org.stickyroute.http.ResponseView;
import org.stickyroute.config.ServerConfig;
import org.stickyroute.persist.CookieMatch;
import org.stickyroute.persist.CookiePersistence;
import org.stickyroute.persist.CookieResponse;
import org.stickyroute.stick.StickPending;
import org.stickyroute.stick.StickRules;
import java.time.Clock;

/**
 * The routing decision for one request, filled by {@link Router#route}: the backend, the server (with a held
 * {@link Lease}), what to forward of the {@code Cookie} headers, and — once {@link Router#respond} has seen
 * the response — what becomes of the server's {@code Set-Cookie} headers, the {@code Set-Cookie} to add and
 * whether to add {@code Cache-Control: private}; or an error status when no server can take the request.
 *
 * <p>An adapter needs nothing else to apply cookie persistence: which cookie is the persistence cookie ({@link
 * #cookieName()}), whether to show the response to the router at all ({@link #watchesResponse()}) and which of
 * its headers ({@link #setsPersistenceCookie}, {@link #readsCacheHeaders()}), what the application sees of the
 * request's cookies ({@link #forwardedCookie}, {@link #forwardedCookieValue}) and what the client gets ({@link
 * #responseHeader}, {@link #setCookie()}, {@link #cacheControlPrivate()}). The cookie's value and attributes,
 * {@code Secure} included, are the router's, from the configuration: no request data reaches a {@code
 * Set-Cookie}.
 *
 * <p>A reusable holder, like {@link Lease}: keep one per worker, or create one per request. {@link #close()}
 * releases the lease exactly once; route the next request only after closing (routing a decision that still
 * holds a lease throws {@link IllegalStateException}). Views it returns (forwarded cookies, rewritten
 * headers) are valid until it is reused. Not thread-safe, except that {@link #close()} may run on another
 * thread once the request is over.
 *
 * <pre>{@code
 * try (Decision d = new Decision()) {
 *   router.route(frontend, request, d);
 *   if (!d.ok()) { send d.status(); return; }
 *   forward to d.serverConfig().address() with d.forwardedCookie(i) for each Cookie header (null = drop it)
 *   router.respond(d, response);
 *   send each server header i as d.responseHeader(i, its value) (null = drop it)
 *   if (d.setCookie() != null) response.addHeader("set-cookie", d.setCookie());
 *   if (d.cacheControlPrivate()) response.addHeader("cache-control", "private");
 * }
 * }</pre>
 */
public final class Decision implements AutoCloseable {
  final Lease lease = new Lease();
  final CookieMatch match = new CookieMatch();
  final CookieResponse response = new CookieResponse();
  final StickPending stick = new StickPending();
  final ExchangeRecord exchange = new ExchangeRecord(this);
  /** Whether routing counted sessions that {@link Accounting#settle} has not closed yet. */
  boolean accountPending;
  Frontend frontend;
  StickRules stickRules;
  Clock clock;
  Backend backend;
  BackendSnapshot snapshot;
  CookiePersistence persistence;
  RequestView request;
  CharSequence methodText;
  boolean secure;
  int server = BackendSnapshot.NO_SERVER;
  boolean direct;
  int status;
  boolean responded;
  boolean saturated;
  boolean stickyFailure;
  long routedAt;

  /** An empty decision. */
  public Decision() {}

  void begin(Backend b, RequestView request, long now, Frontend f) {
    if (lease.isHeld()) {
      throw new IllegalStateException("decision still holds a lease: close it before routing again");
    }
    Accounting.settle(this); // a failed decision routed again without close
    exchange.reset();
    frontend = f;
    finishStick(null);
    backend = b;
    snapshot = b == null ? null : b.snapshot();
    persistence = snapshot == null ? null : snapshot.persistence();
    this.request = request;
    methodText = request.method();
    secure = request.secure();
    server = BackendSnapshot.NO_SERVER;
    direct = false;
    status = 0;
    saturated = false;
    stickyFailure = false;
    responded = false;
    routedAt = now;
  }

  /** Whether a server was chosen (and a lease taken); otherwise {@link #status()} says what to answer. */
  public boolean ok() {
    return status == 0;
  }

  /**
   * 0 when a server was chosen; otherwise the status to answer: 503 when no backend or no usable server,
   * or the configured status of a {@link org.stickyroute.config.StickyFailure#STRICT} failure.
   */
  public int status() {
    return status;
  }

  /**
   * Whether the request failed because every usable server is at its {@code maxconn} ({@link
   * BackendSnapshot#SATURATED}): HAProxy would queue it; an adapter may queue and retry, or answer {@link
   * #status()} (503).
   */
  public boolean saturated() {
    return saturated;
  }

  /**
   * Whether the request failed under the {@link org.stickyroute.config.StickyFailure#STRICT} policy: its
   * persistence cookie names a server that is stopped, or that refused the connection ({@link
   * Router#failSticky}). {@link #status()} is then the configured strict status; an adapter should say that
   * the user's own server is unavailable rather than that no server is.
   */
  public boolean stickyFailure() {
    return stickyFailure;
  }

  /** The backend, or {@code null} when no rule matched and there is no default backend. */
  public Backend backend() {
    return backend;
  }

  /** The snapshot of the backend the decision was taken on. */
  public BackendSnapshot snapshot() {
    return snapshot;
  }

  /** The chosen server's index, or {@link BackendSnapshot#NO_SERVER}. */
  public int server() {
    return server;
  }

  /** The chosen server's configuration, or {@code null}. */
  public ServerConfig serverConfig() {
    return server < 0 ? null : snapshot.server(server);
  }

  /** The chosen server's name, or {@code null}. */
  public String serverName() {
    return server < 0 ? null : snapshot.server(server).name();
  }

  /** The lease on the chosen server, held until {@link #close()}. */
  public Lease lease() {
    return lease;
  }

  /** Whether the persistence cookie chose the server (HAProxy's {@code SF_DIRECT}); false after a redispatch. */
  public boolean direct() {
    return direct;
  }

  // ------------------------------------------------------------------------- cookie persistence: request

  /**
   * The name of the persistence cookie of the decision's backend ({@code cookie <name> ...}), or {@code null}
   * when the backend has none (or no backend was chosen).
   */
  public String cookieName() {
    return persistence == null ? null : persistence.name();
  }

  /**
   * HAProxy's request-cookie flag: {@code N} no persistence cookie, {@code I} invalid (matches no server,
   * empty, forged), {@code D} designates a stopped server, {@code V} valid, {@code E} expired (idle, or signed
   * expiry passed), {@code O} too old ({@code maxlife}).
   */
  public char cookieFlag() {
    return match.flag();
  }

  /** Number of {@code Cookie} headers the request had. */
  public int cookieHeaderCount() {
    return match.headerCount();
  }

  /**
   * The value to forward for {@code Cookie} header {@code i}: the original value, a rewritten one (a view
   * valid until this decision is reused), or {@code null} to drop that header.
   */
  public CharSequence forwardedCookie(int i) {
    return match.forwarded(i);
  }

  /** Whether any {@code Cookie} header must be changed or dropped before forwarding. */
  public boolean cookiesChanged() {
    return match.cookiesChanged();
  }

  /**
   * What the application sees of the request cookie {@code name=value}, for adapters that hand it parsed
   * cookies rather than the {@code Cookie} headers: {@code null} for the persistence cookie under {@code
   * insert indirect} (it is stripped), its value without the {@code id~} prefix under {@code prefix}, and
   * {@code value} for every other cookie. Consistent with {@link #forwardedCookie}.
   */
  public String forwardedCookieValue(String name, String value) {
    return persistence == null ? value : persistence.forwardedValue(name, value);
  }

  // ------------------------------------------------------------------------ cookie persistence: response

  /**
   * Whether the response must be shown to {@link Router#respond}: a server was chosen and its backend's
   * persistence cookie is in {@code insert}, {@code rewrite} or {@code prefix} mode (a passive cookie is only
   * read), or its {@code stick} rules store with the server that answers ({@code store-response} rules read
   * the response's headers: show them all). When false, the response passes unchanged.
   */
  public boolean watchesResponse() {
    return status == 0 && (persistence != null && persistence.watchesResponses() || learnsFromResponse());
  }

  /**
   * Whether the backend's {@code stick} rules learn from this request: {@link Router#respond} writes their
   * stores (before the response reaches the client, so that the client's next request sees them), and its
   * {@code store-response} rules read the response's headers by name, so it must see them all. False once
   * {@link Router#respond} has run.
   */
  public boolean learnsFromResponse() {
    return status == 0 && stickRules != null;
  }

  /**
   * The server never answered (the proxy's own 502/503/504, a refused connection without retry): the stores
   * the {@code stick} rules planned are dropped, as HAProxy drops them, and the table keeps no trace of the
   * request.
   */
  public void discardStickStores() {
    if (stickRules != null) {
      stickRules = null;
      stick.release();
    }
  }

  /**
   * Whether {@link Router#respond} reads the response's cacheability headers ({@code Cache-Control}, {@code
   * Pragma}, {@code Expires}, {@code ETag}, {@code Last-Modified}), for {@code nocache}; an adapter that shows
   * the router only some headers must include these.
   */
  public boolean readsCacheHeaders() {
    return persistence != null && persistence.readsCacheHeaders();
  }

  /**
   * Whether a {@code Set-Cookie} value the server sent sets the persistence cookie (its first cookie's name,
   * blanks trimmed, as HAProxy reads it): {@link Router#respond} may keep, delete or rewrite such headers, so
   * an adapter that streams headers holds them back until then.
   */
  public boolean setsPersistenceCookie(CharSequence setCookie) {
    return persistence != null && setCookie != null && persistence.setsPersistenceCookie(setCookie);
  }

  /**
   * After {@link Router#respond}: the value to send for header {@code i} of the response it was given, whose
   * value as the server sent it is {@code value} — {@code value} itself, a rewritten value (a view valid until
   * this decision is reused), or {@code null} to drop the header. Only the server's {@code Set-Cookie} headers
   * of the persistence cookie ever change.
   */
  public CharSequence responseHeader(int i, CharSequence value) {
    if (!responded || i < 0 || i >= response.headerCount()) {
      return value;
    }
    switch (response.action(i)) {
      case CookieMatch.REMOVE:
        return null;
      case CookieMatch.REWRITE:
        return response.rewritten(i);
      default:
        return value;
    }
  }

  /** After {@link Router#respond}: whether any of the server's headers must be changed or dropped. */
  public boolean responseHeadersChanged() {
    return responded && response.headersChanged();
  }

  /**
   * After {@link Router#respond}: HAProxy's response-cookie flag — {@code N} none, {@code I} inserted, {@code
   * U} updated (date or renewal), {@code P} provided by the server and kept, {@code R} rewritten, {@code D}
   * deleted.
   */
  public char responseCookieFlag() {
    return responded ? response.flag() : 'N';
  }

  /**
   * The {@code Set-Cookie} value to append to the response (after {@link Router#respond}), or {@code null}.
   * Before the response is known, {@link Router#wantsSetCookie} tells whether one is planned.
   */
  public String setCookie() {
    return responded ? response.setCookie() : null;
  }

  /** Whether to append {@code Cache-Control: private} (after {@link Router#respond}). */
  public boolean cacheControlPrivate() {
    return responded && response.cacheControlPrivate();
  }

  /**
   * What the adapter reports about this exchange for the stats (status, bytes, errors, times); settled into
   * the counters when the decision is closed.
   */
  public ExchangeRecord exchange() {
    return exchange;
  }

  /** The wall-clock second (UNIX) the request was routed at. */
  public long routedAt() {
    return routedAt;
  }

  /**
   * Writes the stores the request's stick rules planned, with the chosen server ({@code response}: the
   * server's response for {@code store-response} rules, or {@code null}), or gives their places back when no
   * server was chosen. Once per request: later calls find nothing pending.
   */
  void finishStick(ResponseView resp) {
    StickRules rules = stickRules;
    if (rules == null) {
      return;
    }
    stickRules = null;
    if (status != 0 || server < 0) {
      stick.release();
      return;
    }
    ServerConfig sc = snapshot.server(server);
    rules.onResponse(request, resp, sc.name(), snapshot.id(server), clock.millis(), stick);
  }

  /**
   * Releases the lease (exactly once) and forgets the request's references; stores the stick rules planned
   * and the response did not already write are written (without a response).
   */
  @Override
  public void close() {
    finishStick(null);
    Accounting.settle(this);
    lease.close();
    match.release();
    request = null;
    methodText = null;
  }
}
