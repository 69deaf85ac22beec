package org.stickyroute.persist;

import java.util.List;
import org.stickyroute.config.BackendConfig;
import org.stickyroute.config.CookieConfig;
import org.stickyroute.config.SecureCookie;
import org.stickyroute.config.ServerConfig;
import org.stickyroute.config.StickyFailure;
import org.stickyroute.http.RequestView;
import org.stickyroute.http.ResponseView;

/**
 * Cookie persistence of one backend, compiled from its {@code cookie} line, its servers' {@code cookie} values
 * (or {@code dynamic} ones) and its {@link org.stickyroute.config.StickyOptions}: HAProxy 2.6's {@code
 * http_manage_client_side_cookies} (request: {@code RequestAnalysis}), {@code http_manage_server_side_cookies}
 * and the insertion and {@code nocache} rules of {@code http_process_res_common} (response:
 * {@code ResponseWriting}), as pure functions. This class is the facade the router calls; the parts hold the
 * algorithms.
 *
 * <p>Immutable and thread-safe. The request and response functions never throw on request or response
 * input, allocate nothing when nothing must change, and otherwise allocate only their results (after the
 * holders' buffers have grown to the largest header seen).
 */
public final class CookiePersistence {
  private final String name;
  private final CookieConfig cookie;
  private final StickyFailure failure;
  private final int strictStatus;
  private final SecureCookie secureCookie;
  private final String[] values;
  private final CookieSigner signer;
  private final RequestAnalysis request;
  private final ServerSetCookie serverCookies;
  private final ResponseWriting response;

  private CookiePersistence(BackendConfig b) {
    CookieConfig c = b.cookie();
    this.cookie = c;
    this.name = c.name();
    this.failure = b.stickyFailure();
    this.strictStatus = b.sticky().strictStatus();
    this.secureCookie = b.sticky().secureCookie();
    List<ServerConfig> servers = b.servers();
    this.values = new String[servers.size()];
    for (int i = 0; i < values.length; i++) {
      ServerConfig s = servers.get(i);
      values[i] = s.cookie() != null ? s.cookie() : DynamicCookie.of(b, s);
    }
    this.signer = b.sticky().signing() == null ? null : new CookieSigner(b.sticky().signing(), name);
    boolean insert = c.mode() == CookieConfig.Mode.INSERT;
    boolean prefix = c.mode() == CookieConfig.Mode.PREFIX;
    boolean rewrite = c.mode() == CookieConfig.Mode.REWRITE;
    this.request = new RequestAnalysis(name, prefix, insert && c.indirect(), failure == StickyFailure.PERSIST,
        c.maxIdleSeconds(), c.maxLifeSeconds(), values, signer);
    this.serverCookies = new ServerSetCookie(name, insert, c.indirect(), rewrite, prefix, c.preserve(), values);
    this.response = new ResponseWriting(insert, c.preserve(), c.postonly(), c.nocache(), c.maxIdleSeconds(),
        c.maxLifeSeconds(), signer, values, serverCookies, new InsertedCookie(c, values, signer));
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

  /** Whether cookies are signed (see {@link org.stickyroute.config.CookieSigning}). */
  public boolean signed() {
    return signer != null;
  }

  /** Whether this backend inserts cookies ({@code insert} mode). */
  public boolean inserts() {
    return cookie.mode() == CookieConfig.Mode.INSERT;
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
    return signer.sign(v, now + signer.lifetimeSeconds());
  }

  // ------------------------------------------------------------------------ what an adapter must know

  /**
   * Whether {@link #respond} may change a response: the cookie is in {@code insert}, {@code rewrite} or {@code
   * prefix} mode (a passive cookie is only read from requests).
   */
  public boolean watchesResponses() {
    return cookie.mode() != CookieConfig.Mode.PASSIVE;
  }

  /**
   * Whether {@link #respond} reads the cacheability headers ({@code Cache-Control}, {@code Pragma}, {@code
   * Expires}, {@code ETag}, {@code Last-Modified}): {@code nocache}.
   */
  public boolean readsCacheHeaders() {
    return cookie.nocache();
  }

  /**
   * Whether a server's {@code Set-Cookie} value sets the persistence cookie, as {@link #respond} reads it
   * (its first cookie's exact name).
   */
  public boolean setsPersistenceCookie(CharSequence setCookie) {
    return serverCookies.setsPersistenceCookie(setCookie);
  }

  /**
   * What the application behind the load balancer sees of a cookie {@code name=value} of the request, for
   * adapters that hand over parsed cookies rather than the {@code Cookie} headers: the persistence cookie is
   * hidden ({@code null}) under {@code insert indirect}, loses its {@code id~} prefix under {@code prefix}
   * (when it has a {@code ~}); every other cookie, and every cookie in other modes, is {@code value}.
   */
  public String forwardedValue(String cookieName, String value) {
    if (!name.equals(cookieName) || value == null) {
      return value;
    }
    if (cookie.mode() == CookieConfig.Mode.INSERT && cookie.indirect()) {
      return null;
    }
    if (cookie.mode() == CookieConfig.Mode.PREFIX) {
      int tilde = value.indexOf('~');
      return tilde < 0 ? value : value.substring(tilde + 1);
    }
    return value;
  }

  /**
   * Whether an inserted cookie carries {@code Secure}: the backend's policy ({@link
   * org.stickyroute.config.StickyOptions#secureCookie()}) unless {@code override} says otherwise, applied to
   * the {@code cookie} line's {@code secure} and the request's scheme.
   */
  public boolean secure(SecureCookie override, boolean httpsRequest) {
    return secureCookie.overriddenBy(override).secure(cookie.secure(), httpsRequest);
  }

  // ------------------------------------------------------------------------------------------ request

  /**
   * Analyses the request's {@code Cookie} headers against the backend's servers, at {@code now} ({@code
   * RequestAnalysis}).
   *
   * @param request the request (only its {@code Cookie} headers are read)
   * @param servers the backend's servers now (which accept persistent traffic)
   * @param now the wall-clock time in UNIX seconds (dates and signed expiries are checked against it)
   * @param out the holder to fill (reset first)
   */
  public void analyse(RequestView request, CookieTargets servers, long now, CookieMatch out) {
    this.request.analyse(request, servers, now, out);
  }

  // ----------------------------------------------------------------------------------------- response

  /**
   * Whether a request with this method, analysed into {@code match} and sent to a server ({@code direct} as
   * HAProxy's {@code SF_DIRECT}), will get a {@code Set-Cookie} — before the response is known ({@code
   * preserve} may still cancel it when the server sets the cookie itself).
   */
  public boolean wantsSetCookie(CookieMatch match, boolean direct, CharSequence method, long now) {
    return response.insertDue(match, direct, RequestMethod.code(method), now);
  }

  /**
   * The response half ({@code ResponseWriting}): what to do with the server's {@code Set-Cookie} headers, the
   * {@code Set-Cookie} to add and whether to add {@code Cache-Control: private}.
   *
   * @param match the request's analysis (its dates and signed expiry)
   * @param server the index of the server that answered
   * @param direct whether the request went to the server its cookie designated (false after a redispatch)
   * @param method the request method (case-sensitive)
   * @param response the server's response
   * @param now the wall-clock time in UNIX seconds (dates emitted are {@code (now + 3) >> 2})
   * @param secure whether an inserted cookie carries {@code Secure} (see {@link #secure})
   * @param out the holder to fill (reset first)
   */
  public void respond(CookieMatch match, int server, boolean direct, CharSequence method, ResponseView response,
      long now, boolean secure, CookieResponse out) {
    this.response.respond(match, server, direct, RequestMethod.code(method), response, now, secure, out);
  }
}
