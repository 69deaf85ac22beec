package org.stickyroute.servlet;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.ee10.proxy.ProxyServlet;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.ClientConnector;
import org.stickyroute.Backend;
import org.stickyroute.ConnectRetry;
import org.stickyroute.Decision;
import org.stickyroute.Router;

/**
 * Jetty 12's {@link ProxyServlet} (ee10) behind {@link StickyRouteFilter}: each request is forwarded to the
 * server the filter chose, as HAProxy would forward it. Needs {@code org.eclipse.jetty.ee10:jetty-ee10-proxy}
 * on the classpath (an optional dependency of this module); the filter alone never needs Jetty.
 *
 * <ul>
 *   <li><b>Target</b>: {@code http://} + the decision's server address + the raw request-target ({@code
 *       getRequestURI()} and the query, undecoded). The client's {@code Host} is kept, as HAProxy keeps it
 *       (init-param {@code preserveHost=false} to send the server's address instead).
 *   <li><b>Request headers</b>: as the filter shows them, so the persistence cookie is already stripped
 *       under {@code indirect}. {@code X-Forwarded-For} gets the peer's address appended to the chain a
 *       trusted proxy sent, or replaces whatever an untrusted client sent; {@code X-Forwarded-Proto} is set to
 *       the original scheme (the seed's {@code http-request set-header X-Forwarded-Proto}); {@code
 *       X-Forwarded-Host}, {@code X-Forwarded-Port} and {@code Forwarded} go through only from a trusted
 *       proxy. No {@code Via}.
 *   <li><b>Response headers</b> are copied one by one, values unsplit (Jetty's default copy joins
 *       multi-valued fields with commas, which would damage {@code Set-Cookie} dates). The server's {@code
 *       Set-Cookie} of the persistence cookie then goes through {@link Router#respond} in the filter: deleted,
 *       rewritten or prefixed as HAProxy does, and the filter's own cookie is added before the body.
 *   <li><b>Refused connections</b> follow HAProxy 2.6 (§8): up to {@code retries} re-attempts after the
 *       first, with a turn-around pause of {@code min(timeout connect, 1 s)} between attempts on the same
 *       server; with {@code option redispatch} a retry is redispatched ({@link Router#redispatch}: the lease
 *       moves to the new server, the old one is released exactly once, and the response gets a cookie for
 *       the new server) when the server is no longer running, on the last retry (or every {@code
 *       option redispatch <n>}-th), or at once for a non-persistent request to a non-hash backend with more
 *       than one active server. Map-based hashing ignores the failed server and recomputes it, as HAProxy
 *       does. When every attempt fails the client gets HAProxy's 503 page, without a cookie. Under the
 *       {@code strict} sticky-failure policy a request its cookie chose is never redispatched: after its
 *       retries it gets the strict status and a page saying that the session's server is unavailable.
 *   <li><b>Closed kept-alive connections</b>: an idempotent request without a body that fails on a
 *       connection the server closed before answering anything is retried like a refused connection (see
 *       {@link #emptyResponse}).
 *   <li>Other failures keep Jetty's answers (502, 504 on timeout), without a cookie. {@code timeout server}
 *       becomes the proxy request's idle timeout; {@code timeout connect} (the largest of the backends, 5 s
 *       when none is set) the client's connect timeout.
 * </ul>
 *
 * <p>Register it with {@code async-supported} and map the filter to it (by servlet name, so other servlets
 * are not routed). On containers other than Jetty, set the init-param {@code maxThreads} (Jetty's proxy
 * otherwise borrows Jetty's server thread pool); this class defaults it to 16 when no Jetty pool is found.
 */
public class StickyProxyServlet extends ProxyServlet {
  private static final long serialVersionUID = 1L;
  private static final long DEFAULT_CONNECT_TIMEOUT = 5000;

  private static final String RETRIES_ATTRIBUTE = "org.stickyroute.proxy.retries";
  private static final String ATTEMPT_SERVER_ATTRIBUTE = "org.stickyroute.proxy.attempt-server";
  private transient ServletConfig withDefaults;
  private transient volatile Router router;

  /** A proxy servlet for the decisions of a {@link StickyRouteFilter} mapped in front of it. */
  public StickyProxyServlet() {}

  /**
   * The servlet's configuration with this class's defaults: {@code preserveHost=true}, and {@code
   * maxThreads=16} when the container offers no Jetty thread pool.
   */
  @Override
  public ServletConfig getServletConfig() {
    ServletConfig c = super.getServletConfig();
    if (c == null) {
      return null;
    }
    if (withDefaults == null) {
      withDefaults = new ProxyServletDefaults(c);
    }
    return withDefaults;
  }

  @Override
  public String getInitParameter(String name) {
    return getServletConfig().getInitParameter(name);
  }

  /**
   * The proxy's HTTP client, with a {@link ByteBufferPool.NonPooling} buffer pool unless init-param {@code
   * pooledBuffers} is {@code true}. Under load with server connections cut (a killed instance), Jetty 12.1.14's
   * client parsed a live server's response from a buffer whose limit had been reset to 0 under the parser, as a
   * buffer going through the pool is ({@code IllegalArgumentException: newPosition > limit (13 > 0)} inside {@code
   * HttpParser.parseFields}, a 502), and lost another response's body (stuck until the server's idle timeout, a 502
   * after 30 s). Buffers that are never recycled cannot be cleared or refilled for another exchange; the cost is one
   * buffer allocation per read. Measured under load: 1 failing kill-storm run in 12 with the pool, 0 in 25
   * without it — consistent with the cause, not proof at that rate (docs/reliability.md, "Jetty's recycled
   * response buffers").
   */
  @Override
  protected HttpClient newHttpClient(ClientConnector connector) {
    HttpClient client = super.newHttpClient(connector);
    if (!Boolean.parseBoolean(getInitParameter("pooledBuffers"))) {
      client.setByteBufferPool(new ByteBufferPool.NonPooling());
    }
    return client;
  }

  @Override
  protected HttpClient createHttpClient() throws jakarta.servlet.ServletException {
    HttpClient client = super.createHttpClient();
    long connect = 0;
    Router router = router();
    if (router != null) {
      for (Backend b : router.backends()) {
        connect = Math.max(connect, b.config().connectTimeoutMillis());
      }
    }
    client.setConnectTimeout(connect > 0 ? connect : DEFAULT_CONNECT_TIMEOUT);
    return client;
  }

  /**
   * The filter's router, from the {@code ServletContext} attribute named by init-param {@code
   * router-attribute} (default {@link StickyRouteFilter#ROUTER_ATTRIBUTE}); redispatch needs it.
   */
  private Router router() {
    Router r = router;
    if (r == null) {
      ServletContext ctx = getServletContext();
      String name = getInitParameter("router-attribute");
      Object o = ctx == null ? null : ctx.getAttribute(name == null ? StickyRouteFilter.ROUTER_ATTRIBUTE : name);
      if (o instanceof Router found) {
        router = r = found;
      }
    }
    return r;
  }

  // -------------------------------------------------------------------------------------------- target

  /** {@code http://host:port} of the decision's server and the raw request-target; {@code null} without a server. */
  @Override
  protected String rewriteTarget(HttpServletRequest request) {
    Decision d = StickyRouteFilter.decision(request);
    if (d == null || !d.ok()) {
      return null;
    }
    String uri = request.getRequestURI();
    String query = request.getQueryString();
    StringBuilder b = new StringBuilder(16 + uri.length() + (query == null ? 0 : query.length() + 1));
    b.append("http://").append(d.serverConfig().address()).append(uri);
    if (query != null) {
      b.append('?').append(query);
    }
    return b.toString();
  }

  /** No server: the decision's status with HAProxy's page (or 502 when the filter is missing). */
  @Override
  protected void onProxyRewriteFailed(HttpServletRequest request, HttpServletResponse response) {
    Decision d = StickyRouteFilter.decision(request);
    try {
      if (d == null) {
        log("stickyroute proxy: no decision on " + request.getRequestURI() + ": is StickyRouteFilter mapped in front?");
        response.sendError(502);
      } else {
        UnavailablePage.send(response, d.status() == 0 ? 503 : d.status(), d.stickyFailure());
      }
    } catch (IOException e) {
      log("stickyroute proxy: cannot answer", e);
    }
  }

  // ------------------------------------------------------------------------------------- request headers

  private static boolean trustedChain(HttpServletRequest request) {
    Exchange ex = StickyRouteFilter.exchange(request);
    return ex != null && !ex.engine.options.trustedProxies().isEmpty() && !ex.hideForwarded;
  }

  private static String peer(HttpServletRequest request) {
    ServletRequest r = request;
    while (r instanceof ServletRequestWrapper w) {
      r = w.getRequest();
    }
    return r.getRemoteAddr();
  }

  @Override
  protected void copyRequestHeaders(HttpServletRequest clientRequest, Request proxyRequest) {
    super.copyRequestHeaders(clientRequest, proxyRequest);
    if (!trustedChain(clientRequest)) {
      proxyRequest.headers(h -> {
        h.remove(HttpHeader.X_FORWARDED_FOR);
        h.remove(HttpHeader.X_FORWARDED_HOST);
        h.remove(HttpHeader.X_FORWARDED_PORT);
        h.remove(HttpHeader.X_FORWARDED_PROTO);
        h.remove(HttpHeader.FORWARDED);
      });
    }
  }

  /** {@code X-Forwarded-For} and {@code X-Forwarded-Proto} as HAProxy's {@code forwardfor}/{@code set-header}. */
  @Override
  protected void addProxyHeaders(HttpServletRequest clientRequest, Request proxyRequest) {
    String peer = peer(clientRequest);
    String scheme = clientRequest.getScheme();
    boolean trusted = trustedChain(clientRequest);
    proxyRequest.headers(h -> {
      String chain = trusted ? h.get(HttpHeader.X_FORWARDED_FOR) : null;
      if (HeaderValues.safe(peer)) {
        h.put(HttpHeader.X_FORWARDED_FOR, chain == null || chain.isBlank() ? peer : chain + ", " + peer);
      }
      h.put(HttpHeader.X_FORWARDED_PROTO, "https".equalsIgnoreCase(scheme) ? "https" : "http");
    });
    Decision d = StickyRouteFilter.decision(clientRequest);
    if (d != null && d.backend() != null && d.backend().config().serverTimeoutMillis() > 0) {
      proxyRequest.idleTimeout(d.backend().config().serverTimeoutMillis(), TimeUnit.MILLISECONDS);
    }
  }

  // ------------------------------------------------------------------------------------ response headers

  /** Copies the server's headers one field at a time, values as received, hop-by-hop ones left out. */
  @Override
  protected void onServerResponseHeaders(
      HttpServletRequest clientRequest, HttpServletResponse proxyResponse, Response serverResponse) {
    ProxyCounters.headers(clientRequest, serverResponse);
    Set<String> connection = Set.of();
    for (HttpField f : serverResponse.getHeaders()) {
      if (f.getHeader() == HttpHeader.CONNECTION) {
        if (connection.isEmpty()) {
          connection = new HashSet<>();
        }
        for (String token : f.getValueList()) {
          connection.add(token.trim().toLowerCase(Locale.ROOT));
        }
      }
    }
    Set<String> seen = new HashSet<>();
    for (HttpField f : serverResponse.getHeaders()) {
      String name = f.getName();
      String lower = name.toLowerCase(Locale.ROOT);
      if (HOP_HEADERS.contains(lower) || connection.contains(lower)) {
        continue;
      }
      String value = filterServerResponseHeader(clientRequest, serverResponse, name, f.getValue());
      if (value == null || !HeaderValues.safe(value)) {
        continue;
      }
      if (seen.add(lower)) {
        proxyResponse.setHeader(name, value);
      } else {
        proxyResponse.addHeader(name, value);
      }
    }
  }

  // ------------------------------------------------------------------------------------------- attempts

  /** Reports the attempt (see {@link #onAttemptBegin}), then sends it. */
  @Override
  protected void sendProxyRequest(HttpServletRequest clientRequest, HttpServletResponse proxyResponse, Request proxyRequest) {
    Decision d = StickyRouteFilter.decision(clientRequest);
    String server = d == null || !d.ok() ? null : d.serverName();
    clientRequest.setAttribute(ATTEMPT_SERVER_ATTRIBUTE, server);
    onAttemptBegin(clientRequest, attempt(clientRequest), server);
    ProxyCounters.attempt(clientRequest, proxyRequest);
    super.sendProxyRequest(clientRequest, proxyResponse, proxyRequest);
  }

  /** Counts the response body bytes relayed ({@code bout}). */
  @Override
  protected void onResponseContent(HttpServletRequest request, HttpServletResponse response, Response proxyResponse,
      byte[] buffer, int offset, int length, org.eclipse.jetty.util.Callback callback) {
    ProxyCounters.bytesOut(request, length);
    super.onResponseContent(request, response, proxyResponse, buffer, offset, length, callback);
  }

  /**
   * Called as each attempt to forward a request begins: the first one, then every retry or redispatch after a
   * refused connection or an empty response. Does nothing; override it to log or count the attempts (the
   * reliability run and the tests do). Runs on the request's thread or the proxy client's; must not block.
   *
   * @param clientRequest the client's request
   * @param attempt 1 for the first attempt, 2 for the first retry, ...
   * @param server the server the attempt goes to (its name in the configuration)
   */
  protected void onAttemptBegin(HttpServletRequest clientRequest, int attempt, String server) {}

  /**
   * Called when an attempt ends: the server's whole answer was relayed ({@code failure} is null), or the attempt
   * failed ({@code failure} says how: refused, cut, timed out; {@code status} is the server's status when its
   * answer had begun, else 0). A retry, if any, is reported next by {@link #onAttemptBegin}. Does nothing by
   * default; must not block.
   *
   * @param clientRequest the client's request
   * @param attempt the attempt's number, as in {@link #onAttemptBegin}
   * @param server the server the attempt went to
   * @param status the server's status, 0 if it never answered
   * @param failure why the attempt failed, or null
   */
  protected void onAttemptEnd(HttpServletRequest clientRequest, int attempt, String server, int status, Throwable failure) {}

  private static int attempt(HttpServletRequest clientRequest) {
    return (clientRequest.getAttribute(RETRIES_ATTRIBUTE) instanceof Integer n ? n : 0) + 1;
  }

  private void attemptEnded(HttpServletRequest clientRequest, Response serverResponse, Throwable failure) {
    onAttemptEnd(clientRequest, attempt(clientRequest), (String) clientRequest.getAttribute(ATTEMPT_SERVER_ATTRIBUTE),
        serverResponse == null ? 0 : serverResponse.getStatus(), failure);
  }

  @Override
  protected void onProxyResponseSuccess(
      HttpServletRequest clientRequest, HttpServletResponse proxyResponse, Response serverResponse) {
    attemptEnded(clientRequest, serverResponse, null);
    ProxyCounters.success(clientRequest);
    super.onProxyResponseSuccess(clientRequest, proxyResponse, serverResponse);
  }

  // ------------------------------------------------------------------------------ retries and redispatch

  /**
   * The client's body for one attempt. A failed attempt closes its content source, and closing Tomcat's
   * servlet input stream makes it unreadable: each attempt gets a view whose {@code close()} is a no-op, so
   * a retry after a refused connection (which read nothing) still has the whole body.
   */
  @Override
  protected Request.Content proxyRequestContent(
      HttpServletRequest request, HttpServletResponse response, Request proxyRequest) throws IOException {
    InputStream in = new FilterInputStream(request.getInputStream()) {
      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        ProxyCounters.bytesIn(request, n); // bin
        return n;
      }

      @Override
      public void close() {
        // the container closes the servlet input stream when the request ends
      }
    };
    return new ProxyInputStreamRequestContent(request, response, proxyRequest, in) { };
  }

  @Override
  protected void onProxyResponseFailure(
      HttpServletRequest clientRequest, HttpServletResponse proxyResponse, Response serverResponse, Throwable failure) {
    attemptEnded(clientRequest, serverResponse, failure);
    Exchange ex = StickyRouteFilter.exchange(clientRequest);
    Decision d = StickyRouteFilter.decision(clientRequest);
    boolean refused = ProxyRetries.connectFailure(failure);
    ProxyCounters.failure(clientRequest, refused, proxyResponse.isCommitted());
    if (d != null && (refused || emptyResponse(clientRequest, serverResponse, failure)) && !proxyResponse.isCommitted()) {
      if (retry(clientRequest, proxyResponse, d)) {
        return;
      }
      if (ex != null) {
        ex.noServerResponse();
      }
      Router r = router();
      boolean sticky = r != null && r.failSticky(d);
      try {
        UnavailablePage.send(proxyResponse, sticky ? d.status() : 503, sticky);
      } catch (IOException e) {
        log("stickyroute proxy: cannot answer 503", e);
      }
      AsyncContext async = clientRequest.getAsyncContext();
      if (async != null) {
        async.complete();
      }
      return;
    }
    if (ex != null) {
      ex.noServerResponse();
    }
    super.onProxyResponseFailure(clientRequest, proxyResponse, serverResponse, failure);
  }

  /**
   * Whether an idempotent request without a body failed on a connection the server closed before it answered
   * anything (HAProxy's {@code empty-response}): typically a kept-alive connection the server closed — it
   * died, restarted or timed out the idle connection — just as the request was written to it. HAProxy
   * meets this case less often: under the seed's {@code option http-server-close} it never reuses a server
   * connection, and {@code http-reuse safe} never sends a first request over one, so a dead server shows up
   * as a refused new connection. This proxy keeps server connections alive, so it retries such requests as
   * it retries a refused connection (RFC 9110 §9.2.2 allows it for idempotent methods). Timeouts are not
   * retried.
   */
  boolean emptyResponse(HttpServletRequest clientRequest, Response serverResponse, Throwable failure) {
    // a status means the server's answer had begun (Jetty's client response holds 0 until its status line)
    if ((serverResponse != null && serverResponse.getStatus() > 0) || !ProxyRetries.idempotent(clientRequest.getMethod())
        || hasContent(clientRequest)) {
      return false;
    }
    boolean io = false;
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof java.util.concurrent.TimeoutException || t instanceof SocketTimeoutException) {
        return false;
      }
      io |= t instanceof IOException;
      if (t.getCause() == t) {
        break;
      }
    }
    return io;
  }

  /**
   * One more connection attempt, as HAProxy's {@code back_handle_st_cer} ({@link ConnectRetry}): returns false
   * when {@code retries} are exhausted or a redispatch found no server.
   */
  private boolean retry(HttpServletRequest clientRequest, HttpServletResponse proxyResponse, Decision d) {
    Object done = clientRequest.getAttribute(RETRIES_ATTRIBUTE);
    int retry = (done instanceof Integer n ? n : 0) + 1;
    clientRequest.setAttribute(RETRIES_ATTRIBUTE, retry);
    Router r = router();
    if (r == null) {
      log("stickyroute proxy: no router in the ServletContext: cannot retry");
      return false;
    }
    long pause = ConnectRetry.next(r, d, retry);
    if (pause == ConnectRetry.GIVE_UP) {
      return false;
    }
    Runnable send = () -> resend(clientRequest, proxyResponse);
    if (pause == 0) {
      getHttpClient().getExecutor().execute(send);
    } else {
      getHttpClient().getScheduler().schedule(send, pause, TimeUnit.MILLISECONDS);
    }
    return true;
  }

  /** Sends the request again, to the decision's (possibly new) server. */
  private void resend(HttpServletRequest clientRequest, HttpServletResponse proxyResponse) {
    String target = rewriteTarget(clientRequest);
    if (target == null) {
      onProxyRewriteFailed(clientRequest, proxyResponse);
      AsyncContext async = clientRequest.getAsyncContext();
      if (async != null) {
        async.complete();
      }
      return;
    }
    try {
      Request proxyRequest = newProxyRequest(clientRequest, target);
      copyRequestHeaders(clientRequest, proxyRequest);
      addProxyHeaders(clientRequest, proxyRequest);
      proxyRequest.timeout(getTimeout(), TimeUnit.MILLISECONDS);
      if (hasContent(clientRequest)) {
        // A refused connection sent nothing, so the client's body is still unread.
        proxyRequest.body(proxyRequestContent(clientRequest, proxyResponse, proxyRequest));
      }
      sendProxyRequest(clientRequest, proxyResponse, proxyRequest);
    } catch (IOException | RuntimeException e) {
      onProxyResponseFailure(clientRequest, proxyResponse, null, e);
    }
  }
}
