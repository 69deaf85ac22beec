package org.stickyroute.servlet;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Collection;
import java.util.Enumeration;
import java.util.concurrent.atomic.AtomicLong;
import org.stickyroute.Decision;
import org.stickyroute.http.IpAddress;
import org.stickyroute.http.RequestView;
import org.stickyroute.http.ResponseView;

/**
 * One request's state inside the filter: the {@link Decision}, the request as core reads it ({@link
 * RequestView} over the servlet request, without copying), the response as core reads it at commit ({@link
 * ResponseView}), the server's own persistence {@code Set-Cookie} headers held back until then, and the
 * end of the request ({@link EndListener}). Pooled: {@link #finish} returns it to its pool exactly once.
 *
 * <p>Threads: routing and the chain run on the container thread; an async request may write, complete,
 * time out or fail on other threads, one at a time, as the Servlet API requires. The end-of-request
 * transition is a compare-and-set on the generation stamp, so the lease is released and the exchange
 * recycled exactly once, and nothing that belonged to an earlier use can touch a later one.
 */
final class Exchange implements RequestView, ResponseView {
  private static final System.Logger LOG = System.getLogger(StickyRouteFilter.class.getName());
  /** Header names are written lower-case, as HAProxy writes them on HTTP/1. */
  private static final String SET_COOKIE = "set-cookie";

  final Decision decision = new Decision();
  private final TargetView target = new TargetView();
  private final ExchangePool pool;
  /**
   * {@code generation << 1 | finished}: each use of this pooled object gets a new generation, so a late
   * callback of an earlier request (a container that reports {@code onComplete} twice, an application that
   * writes after the end) can never finish or change the request that uses it now.
   */
  private final AtomicLong stamp = new AtomicLong();
  /** The generation of the current use (read by the wrappers, which were created for it). */
  long generation;

  Engine engine;
  HttpServletRequest request;
  private String method;
  private String[] cookieHeaders = new String[2];
  private int cookieCount = -1;
  private final RequestHeaders headers = new RequestHeaders();
  private final IpAddress client = new IpAddress();
  private boolean clientKnown;
  /** The body's beginning, when an algorithm read it (the request wrapper then replays it). */
  final BodyPrefix body = new BodyPrefix();

  // behind a proxy (only filled when trusted proxies are configured)
  /** Trusted proxies are configured and the request carries forwarded headers: it is always wrapped. */
  boolean forwardedSeen;
  /** Hide X-Forwarded-* and Forwarded: they came from someone we do not trust. */
  boolean hideForwarded;
  /** The original scheme from a trusted X-Forwarded-Proto, or {@code null} for the container's. */
  String forwardedScheme;
  /** The client address from a trusted X-Forwarded-For, or {@code null} for the container's. */
  String forwardedFor;
  /** Whether the original request was HTTPS (container or trusted proxy). */
  boolean secure;

  // response
  /** Whether responses are watched (insert/rewrite/prefix cookie and a chosen server). */
  boolean watchResponse;
  private boolean applied;
  private String[] serverCookies = new String[2];
  private int serverCookieCount;
  private int viewStatus;
  private String[] viewNames = new String[8];
  private String[] viewValues = new String[8];
  private int viewCount;

  // proxying
  /** The response is generated here (no server answered): no persistence cookie goes on it. */
  private boolean noServerResponse;

  // end of request
  /** Set when this exchange listens to the request's AsyncContext: then only the listener finishes it. */
  volatile boolean listening;
  /** The container's response (its status and length are counted at the end); the proxy's timestamps. */
  HttpServletResponse response;
  final ExchangeTimes times = new ExchangeTimes();

  Exchange(ExchangePool pool) {
    this.pool = pool;
  }

  /** Starts a new use: a new generation, not finished. Returns the generation. */
  long open() {
    long g = (stamp.get() >>> 1) + 1;
    stamp.set(g << 1);
    generation = g;
    return g;
  }

  /** Whether generation {@code g} is the current, unfinished use. */
  boolean current(long g) {
    return stamp.get() == g << 1;
  }

  /** Prepares for a new request (the decision is routed by the caller); returns the generation. */
  long begin(Engine e, HttpServletRequest req) {
    long g = open();
    engine = e;
    request = req;
    method = req.getMethod();
    target.set(req.getRequestURI(), req.getQueryString());
    cookieCount = -1;
    headers.clear();
    clientKnown = false;
    body.clear();
    hideForwarded = false;
    forwardedSeen = false;
    forwardedScheme = null;
    forwardedFor = null;
    secure = req.isSecure();
    watchResponse = false;
    applied = false;
    serverCookieCount = 0;
    viewCount = 0;
    listening = false;
    noServerResponse = false;
    times.begin();
    return g;
  }

  // ------------------------------------------------------------------------------- RequestView (core)

  @Override
  public CharSequence method() {
    return method;
  }

  /**
   * The raw request-target: the container's {@code getRequestURI()} string itself when there is no query
   * (the common case; a plain {@code String} keeps the hashing loops' call sites simple), else a view over
   * the URI, {@code ?} and the query, without copying.
   */
  @Override
  public CharSequence target() {
    return target.value();
  }

  @Override
  public int cookieHeaderCount() {
    if (cookieCount < 0) {
      loadCookies();
    }
    return cookieCount;
  }

  @Override
  public CharSequence cookieHeader(int i) {
    return cookieHeaders[i];
  }

  /** Fields by name (the servlet API lists no fields by index): see {@link RequestHeaders}. */
  @Override
  public int headerCount(CharSequence name) {
    return HeaderValues.nameIs(name, "cookie") ? cookieHeaderCount() : headers.count(request, name);
  }

  @Override
  public CharSequence header(CharSequence name, int occurrence) {
    if (HeaderValues.nameIs(name, "cookie")) {
      return occurrence < cookieHeaderCount() ? cookieHeaders[occurrence] : null;
    }
    return headers.value(request, name, occurrence);
  }

  /**
   * The client: the address a trusted proxy reported in {@code X-Forwarded-For} (see {@link
   * StickyRouteFilter}), else the container's {@code getRemoteAddr()}; parsed on first use, without
   * allocating.
   */
  @Override
  public int clientAddressFamily() {
    if (!clientKnown) {
      clientKnown = true;
      client.setLenient(forwardedFor != null ? forwardedFor : request.getRemoteAddr());
    }
    return client.family();
  }

  @Override
  public long clientAddressHigh() {
    clientAddressFamily();
    return client.high();
  }

  @Override
  public long clientAddressLow() {
    clientAddressFamily();
    return client.low();
  }

  /** The body's first {@link BodyPrefix#BOUND} bytes, read on first use for a form body (see there). */
  @Override
  public CharSequence bodyPrefix() {
    return body.load(request);
  }

  /** Whether the original request was HTTPS: the container's {@code isSecure}, or a trusted proxy's word. */
  @Override
  public boolean secure() {
    return secure;
  }

  private void loadCookies() {
    if (request.getHeader("Cookie") == null) {
      cookieCount = 0;
      return;
    }
    int n = 0;
    Enumeration<String> e = request.getHeaders("Cookie");
    while (e.hasMoreElements()) {
      String v = e.nextElement();
      if (n == cookieHeaders.length) {
        String[] grown = new String[n * 2];
        System.arraycopy(cookieHeaders, 0, grown, 0, n);
        cookieHeaders = grown;
      }
      cookieHeaders[n++] = v;
    }
    cookieCount = n;
  }

  /** Whether the request's {@code Cookie} headers must look different downstream. */
  boolean cookiesChanged() {
    return decision.cookiesChanged();
  }

  // ----------------------------------------------------------------------------- ResponseView (core)

  @Override
  public int status() {
    return viewStatus;
  }

  @Override
  public int headerCount() {
    return viewCount;
  }

  @Override
  public CharSequence headerName(int i) {
    return viewNames[i];
  }

  @Override
  public CharSequence headerValue(int i) {
    return viewValues[i];
  }

  private void view(String name, String value) {
    if (viewCount == viewNames.length) {
      String[] n = new String[viewCount * 2];
      String[] v = new String[viewCount * 2];
      System.arraycopy(viewNames, 0, n, 0, viewCount);
      System.arraycopy(viewValues, 0, v, 0, viewCount);
      viewNames = n;
      viewValues = v;
    }
    viewNames[viewCount] = name;
    viewValues[viewCount] = value;
    viewCount++;
  }

  private void viewAll(HttpServletResponse out, String name) {
    if (out.getHeader(name) == null) {
      return;
    }
    Collection<String> values = out.getHeaders(name);
    for (String v : values) {
      view(name, v);
    }
  }

  // ---------------------------------------------------------------------------------- response side

  /** Whether {@code Set-Cookie} headers naming the persistence cookie must be held until commit. */
  boolean holdsServerCookies() {
    return watchResponse;
  }

  /** Holds back a server {@code Set-Cookie} of the persistence cookie until commit. */
  void holdServerCookie(String value) {
    if (serverCookieCount == serverCookies.length) {
      String[] grown = new String[serverCookieCount * 2];
      System.arraycopy(serverCookies, 0, grown, 0, serverCookieCount);
      serverCookies = grown;
    }
    serverCookies[serverCookieCount++] = value;
  }

  /** Forgets the held server cookies ({@code setHeader} replaced them, or {@code reset}). */
  void dropServerCookies() {
    for (int i = 0; i < serverCookieCount; i++) {
      serverCookies[i] = null;
    }
    serverCookieCount = 0;
  }

  /** The response was reset before commit: its headers are gone, so ours must be added again. */
  void responseReset() {
    dropServerCookies();
    applied = false;
  }

  /**
   * The response about to be sent was not produced by a server (the proxy's own 502/503/504): it must
   * carry no persistence cookie, as HAProxy's own error responses carry none.
   */
  void noServerResponse() {
    noServerResponse = true;
    decision.discardStickStores();
  }

  /**
   * Whether the response needs nothing from the filter: no cookie to insert or refresh, no server {@code
   * Set-Cookie} of the persistence cookie to change and no stick rule to learn from it (the usual direct
   * request).
   */
  boolean nothingToAdd() {
    return serverCookieCount == 0 && !noServerResponse && !engine.router.wantsSetCookie(decision)
        && !decision.learnsFromResponse();
  }

  /** Marks the response as handled without adding anything. */
  void skipResponse() {
    applied = true;
  }

  /** Whether the response headers were already computed and added. */
  boolean applied() {
    return applied;
  }

  /**
   * Adds the persistence headers to {@code out} (the container's response), once, before it commits:
   * {@link org.stickyroute.Router#respond} over the status ({@code status}, or {@code out}'s when 0) and
   * the headers set so far, then the server's held-back cookies (kept, rewritten or removed), core's {@code
   * Set-Cookie} ({@code Secure} as the filter's {@code secure-cookie} option and the request's scheme say) and
   * {@code Cache-Control: private}.
   */
  void beforeCommit(HttpServletResponse out, int status) {
    if (applied) {
      return;
    }
    applied = true;
    if (!watchResponse) {
      return;
    }
    if (noServerResponse) {
      dropServerCookies();
      return;
    }
    boolean learn = decision.learnsFromResponse();
    if (nothingToAdd() && !learn) {
      return;
    }
    try {
      viewCount = 0;
      viewStatus = status > 0 ? status : out.getStatus();
      for (int i = 0; i < serverCookieCount; i++) {
        view(SET_COOKIE, serverCookies[i]);
      }
      if (learn) {
        // stick store-response rules read any header: show them all (the held cookies first, as indexed)
        for (String name : out.getHeaderNames()) {
          viewAll(out, name);
        }
      } else if (decision.readsCacheHeaders()) {
        viewAll(out, "Cache-Control");
        viewAll(out, "Pragma");
        viewAll(out, "Expires");
        viewAll(out, "ETag");
        viewAll(out, "Last-Modified");
      }
      engine.router.respond(decision, this, engine.options.secureCookie());
      for (int i = 0; i < serverCookieCount; i++) {
        CharSequence v = decision.responseHeader(i, serverCookies[i]);
        if (v != null) {
          emit(out, v.toString());
        }
      }
      String setCookie = decision.setCookie();
      if (setCookie != null) {
        emit(out, setCookie);
      }
      if (decision.cacheControlPrivate()) {
        out.addHeader("cache-control", "private");
      }
    } finally {
      for (int i = 0; i < viewCount; i++) {
        viewValues[i] = null;
      }
      viewCount = 0;
      dropServerCookies();
    }
  }

  private static void emit(HttpServletResponse out, String value) {
    if (HeaderValues.safe(value)) {
      out.addHeader(SET_COOKIE, value);
    } else {
      LOG.log(System.Logger.Level.WARNING, "dropped a Set-Cookie header with a control character");
    }
  }

  // ------------------------------------------------------------------------------------- end of request

  /**
   * Use {@code g} of this exchange is over: releases the lease, forgets the request and returns to the pool,
   * exactly once. A call for an older generation, or a second call, does nothing.
   */
  void finish(long g) {
    if (!stamp.compareAndSet(g << 1, g << 1 | 1)) {
      return;
    }
    ExchangeCounters.settle(this, noServerResponse);
    decision.close();
    request = null;
    response = null;
    engine = null;
    for (int i = 0; i < Math.max(cookieCount, 0); i++) {
      cookieHeaders[i] = null;
    }
    dropServerCookies();
    headers.clear();
    body.clear();
    target.clear();
    method = null;
    forwardedFor = null;
    forwardedScheme = null;
    pool.give(this);
  }

  /**
   * Releases the lease of use {@code g} now (async error or timeout), keeping the decision readable for the
   * error dispatch that follows; {@link #finish} comes with {@code onComplete}.
   */
  void releaseLease(long g) {
    if (current(g)) {
      decision.lease().close();
    }
  }

  /**
   * Ends one use of an exchange when its async request ends: {@code onComplete} finishes it, {@code
   * onTimeout} and {@code onError} release the lease at once. One small object per async request, bound to
   * the generation it was created for, so duplicate or late events are harmless.
   */
  static final class EndListener implements AsyncListener {
    private final Exchange ex;
    private final long generation;

    EndListener(Exchange ex, long generation) {
      this.ex = ex;
      this.generation = generation;
    }

    @Override
    public void onComplete(AsyncEvent event) {
      ex.finish(generation);
    }

    @Override
    public void onTimeout(AsyncEvent event) {
      ex.releaseLease(generation);
    }

    @Override
    public void onError(AsyncEvent event) {
      ex.releaseLease(generation);
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
      // A new async cycle drops the listeners of the previous one: stay registered.
      event.getAsyncContext().addListener(this);
    }
  }

  /** A listener for the current use. */
  EndListener endListener() {
    return new EndListener(this, generation);
  }
}
