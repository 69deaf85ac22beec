package org.stickyroute.servlet;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Objects;
import java.util.ArrayList;
import java.util.List;
import org.stickyroute.Backend;
import org.stickyroute.Decision;
import org.stickyroute.Router;
import org.stickyroute.config.ServerConfig;
import org.stickyroute.health.HttpHealthChecker;
import org.stickyroute.config.RoutingConfig;
import org.stickyroute.config.SecureCookie;
import org.stickyroute.config.StickyProperties;

/**
 * A {@code jakarta.servlet} filter (Servlet 6.0 and 6.1: Jetty 12 ee10, Tomcat 11) that takes HAProxy 2.6's
 * routing decision for every request and applies its cookie rules: the frontend's {@code use_backend} rules
 * pick the backend, a valid persistence cookie wins, otherwise the backend's algorithm picks the server.
 *
 * <p><b>Per request</b> the router runs once (on the {@code REQUEST} dispatch; later {@code ASYNC}, {@code
 * ERROR}, {@code FORWARD} and {@code INCLUDE} dispatches of the same request reuse the decision) and the
 * {@link Decision} is exposed as the request attribute {@link #DECISION_ATTRIBUTE}, or typed through {@link
 * #decision(ServletRequest)}, on the request the filter passes down the chain (a wrapper that answers the
 * attribute without storing it in the container's request, which would cost Jetty an attribute map per
 * request; the container's request holds it once the request goes async). It is valid until the request
 * ends; do not keep it (decisions are pooled).
 *
 * <ul>
 *   <li>Under {@code cookie ... insert indirect}, everything downstream sees the request without the
 *       persistence cookie ({@code getHeader}, {@code getHeaders}, {@code getHeaderNames}, {@code getCookies});
 *       under {@code prefix}, without its {@code id~} prefix.
 *   <li>{@code Set-Cookie} and {@code Cache-Control: private} ({@code nocache}) are added before the response
 *       commits — at the first body write or flush (also for streamed bodies), {@code flushBuffer}, {@code
 *       sendError}, {@code sendRedirect}, async {@code complete()}, or at the end of the request — computed
 *       with {@link Router#respond} from the status and headers at that moment. <b>Headers set after the
 *       first body byte are not seen.</b> The application's own {@code Set-Cookie} of the persistence cookie
 *       is deleted or rewritten as HAProxy does. Header names are written lower-case ({@code set-cookie},
 *       {@code cache-control}), as HAProxy writes them on HTTP/1; HTTP/1 is case-insensitive and HTTP/2
 *       lower-cases anyway.
 *   <li>The decision's lease (the in-flight count {@code leastconn}, {@code maxconn} and bounded loads read)
 *       is held until the request really ends: the end of the filter chain for a synchronous request
 *       (exceptions included); {@code onComplete} for an async one, or earlier on {@code onTimeout} / {@code
 *       onError}. Exactly once.
 *   <li>When no server can take the request the filter answers the decision's status (503, or a strict
 *       sticky-failure status) unless {@link Unavailable#PASS} lets the request through with the failed
 *       decision.
 * </ul>
 *
 * <p><b>Behind a proxy</b> ({@link Options.Builder#trustedProxies}): {@code X-Forwarded-Proto} and {@code
 * X-Forwarded-For} are believed only from the configured proxies; downstream then sees the original scheme
 * ({@code getScheme}, {@code isSecure}) and client address ({@code getRemoteAddr}), and forwarded headers
 * sent by anyone else are hidden. {@link SecureCookie#AUTO} marks the cookie {@code Secure} exactly when
 * the original request was HTTPS. The cookie's value and attributes are core's, from the configuration;
 * no request data reaches a {@code Set-Cookie}.
 *
 * <p><b>Configuration.</b> From {@code web.xml} (or any {@code FilterRegistration}) with init-params:
 *
 * <table>
 *   <caption>init-params</caption>
 *   <tr><th>name</th><th>meaning</th></tr>
 *   <tr><td>{@code config}</td><td>path of an HAProxy-syntax configuration file</td></tr>
 *   <tr><td>{@code config-resource}</td><td>or a classpath resource (e.g. {@code haproxy.cfg})</td></tr>
 *   <tr><td>{@code frontend}</td><td>the frontend (or listen section) whose rules pick the backend; default:
 *       the first with {@code use_backend}/{@code default_backend}</td></tr>
 *   <tr><td>{@code backend}</td><td>or send every request to this backend</td></tr>
 *   <tr><td>{@code strict}</td><td>{@code true}: configuration warnings are errors</td></tr>
 *   <tr><td>{@code sticky-properties}</td><td>a {@code .properties} file of stickyroute-only settings
 *       ({@link StickyProperties}); init-params named {@code backend.*} are applied the same way</td></tr>
 *   <tr><td>{@code trusted-proxies}</td><td>addresses/CIDR blocks whose forwarded headers are believed</td></tr>
 *   <tr><td>{@code secure-cookie}</td><td>{@code config} (default: as the {@code cookie} line says), {@code
 *       auto}, {@code always}, {@code never}</td></tr>
 *   <tr><td>{@code unavailable}</td><td>{@code respond} (default) or {@code pass}</td></tr>
 *   <tr><td>{@code health-checks}</td><td>{@code true} (default): check the servers that have {@code check},
 *       as HAProxy does, for as long as the filter lives; {@code false}: leave health to someone else</td></tr>
 *   <tr><td>{@code peers.NAME.redis.*}</td><td>share the stick tables of {@code peers NAME} through Redis
 *       (needs stickyroute-redis; {@code RedisPeers}); also read from {@code sticky-properties}</td></tr>
 *   <tr><td>{@code router-attribute}</td><td>the {@code ServletContext} attribute the router is published
 *       under (default {@link #ROUTER_ATTRIBUTE}), for {@link StickyStatsServlet}</td></tr>
 * </table>
 *
 * <p>or programmatically with {@link #StickyRouteFilter(Router, Options)} (the caller owns the router, and
 * its health checks) or {@link #StickyRouteFilter(RoutingConfig, Options)} (the filter owns both). A filter
 * that builds its router starts an {@link HttpHealthChecker} per backend with checked servers at {@code init}
 * and stops them at {@code destroy}. Map it for the {@code REQUEST}, {@code ASYNC} and
 * {@code ERROR} dispatcher types, and set {@code async-supported}. Thread-safe.
 */
public class StickyRouteFilter implements Filter {
  /** Request attribute holding the request's {@link Decision}. */
  public static final String DECISION_ATTRIBUTE = "org.stickyroute.decision";
  /** Default {@code ServletContext} attribute holding the filter's {@link Router}. */
  public static final String ROUTER_ATTRIBUTE = "org.stickyroute.router";

  private static final System.Logger LOG = System.getLogger(StickyRouteFilter.class.getName());

  /** What to do when the decision has no server (503, or a strict sticky failure). */
  public enum Unavailable {
    /** Answer the decision's status with a short HTML body, as HAProxy does. */
    RESPOND,
    /** Let the request through with the failed decision attached ({@link Decision#ok()} false). */
    PASS
  }

  /**
   * The filter's options (everything but the routing configuration). Immutable; build with {@link
   * #builder()}.
   */
  public static final class Options {
    private final String frontend;
    private final String backend;
    private final SecureCookie secureCookie;
    private final TrustedProxies trustedProxies;
    private final Unavailable unavailable;
    private final String routerAttribute;
    private final boolean healthChecks;

    private Options(Builder b) {
      this.healthChecks = b.healthChecks;
      this.frontend = b.frontend;
      this.backend = b.backend;
      this.secureCookie = b.secureCookie;
      this.trustedProxies = b.trustedProxies;
      this.unavailable = b.unavailable;
      this.routerAttribute = b.routerAttribute;
    }

    /** Defaults: the first frontend with rules, {@link SecureCookie#CONFIG}, nobody trusted, {@link Unavailable#RESPOND}. */
    public static Options defaults() {
      return builder().build();
    }

    /** A builder with the defaults. */
    public static Builder builder() {
      return new Builder();
    }

    /** The frontend whose rules pick the backend, or {@code null}. */
    public String frontend() {
      return frontend;
    }

    /** The backend every request goes to, or {@code null}. */
    public String backend() {
      return backend;
    }

    /**
     * When the persistence cookie is {@code Secure}: {@link SecureCookie#CONFIG} (the default) as the
     * configuration says (the {@code cookie} line's {@code secure}, or the backend's {@code secure-cookie}
     * setting), else this policy for every backend.
     */
    public SecureCookie secureCookie() {
      return secureCookie;
    }

    /** The proxies whose forwarded headers are believed. */
    public TrustedProxies trustedProxies() {
      return trustedProxies;
    }

    /** What to do without a server. */
    public Unavailable unavailable() {
      return unavailable;
    }

    /** The {@code ServletContext} attribute the router is published under. */
    public String routerAttribute() {
      return routerAttribute;
    }

    /** Whether a filter that builds its own router health-checks its servers. */
    public boolean healthChecks() {
      return healthChecks;
    }

    /** Builds {@link Options}; not thread-safe. */
    public static final class Builder {
      private String frontend;
      private String backend;
      private SecureCookie secureCookie = SecureCookie.CONFIG;
      private TrustedProxies trustedProxies = TrustedProxies.none();
      private Unavailable unavailable = Unavailable.RESPOND;
      private String routerAttribute = ROUTER_ATTRIBUTE;
      private boolean healthChecks = true;

      private Builder() {}

      /** Requests enter through this frontend (or listen section). Clears {@link #backend}. */
      public Builder frontend(String name) {
        this.frontend = name;
        this.backend = null;
        return this;
      }

      /** Every request goes to this backend (no frontend rules). Clears {@link #frontend}. */
      public Builder backend(String name) {
        this.backend = name;
        this.frontend = null;
        return this;
      }

      /** When the persistence cookie is {@code Secure} (default {@link SecureCookie#CONFIG}). */
      public Builder secureCookie(SecureCookie policy) {
        this.secureCookie = Objects.requireNonNull(policy);
        return this;
      }

      /** The proxies whose {@code X-Forwarded-*} headers are believed (default: nobody). */
      public Builder trustedProxies(TrustedProxies proxies) {
        this.trustedProxies = Objects.requireNonNull(proxies);
        return this;
      }

      /** What to do without a server (default {@link Unavailable#RESPOND}). */
      public Builder unavailable(Unavailable policy) {
        this.unavailable = Objects.requireNonNull(policy);
        return this;
      }

      /** The {@code ServletContext} attribute to publish the router under ({@code null}: do not publish). */
      public Builder routerAttribute(String name) {
        this.routerAttribute = name;
        return this;
      }

      /**
       * Whether a filter that builds its own router starts HAProxy-style health checks for the servers
       * with {@code check} (default true). Ignored when the filter is given a {@link Router}.
       */
      public Builder healthChecks(boolean on) {
        this.healthChecks = on;
        return this;
      }

      /** Builds the options. */
      public Options build() {
        return new Options(this);
      }
    }
  }

  private final ExchangePool pool = ExchangePool.forThisMachine();
  private Router router;
  private RoutingConfig ownedConfig;
  private Options options;
  private volatile Engine engine;
  private ServletContext context;
  private final List<HttpHealthChecker> checkers = new ArrayList<>();
  private AutoCloseable peers; // sharing through Redis, when the init-params ask for it

  /** A filter configured from its init-params (see the class comment). */
  public StickyRouteFilter() {}

  /**
   * A filter deciding with {@code router}, which the caller owns (and may share with other filters, a stats
   * servlet, health checks). Init-params are ignored.
   */
  public StickyRouteFilter(Router router, Options options) {
    this.router = Objects.requireNonNull(router, "router");
    this.options = Objects.requireNonNull(options, "options");
    this.engine = new Engine(router, options);
  }

  /** A filter that creates its own router from {@code config} at {@code init}. Init-params are ignored. */
  public StickyRouteFilter(RoutingConfig config, Options options) {
    this.ownedConfig = Objects.requireNonNull(config, "config");
    this.options = Objects.requireNonNull(options, "options");
  }

  /** The decision of {@code request}, or {@code null} when the filter did not route it. */
  public static Decision decision(ServletRequest request) {
    Object d = request.getAttribute(DECISION_ATTRIBUTE);
    return d instanceof Decision ? (Decision) d : null;
  }

  /**
   * The filter's state of {@code request} when the filter wrapped it (found through the wrapper chain), or
   * {@code null}: an unwrapped request has no cookie to strip, no forwarded header, and no watched response.
   */
  static Exchange exchange(ServletRequest request) {
    for (ServletRequest r = request; r != null; ) {
      if (r instanceof StickyRequest s) {
        return s.exchange();
      }
      r = r instanceof jakarta.servlet.ServletRequestWrapper w ? w.getRequest() : null;
    }
    return null;
  }

  private static Exchange exchange(ServletResponse response) {
    for (ServletResponse r = response; r != null; ) {
      if (r instanceof StickyResponse s) {
        return s.exchange();
      }
      r = r instanceof jakarta.servlet.ServletResponseWrapper w ? w.getResponse() : null;
    }
    return null;
  }

  /** The router a filter published in {@code context} under {@link #ROUTER_ATTRIBUTE}, or {@code null}. */
  public static Router router(ServletContext context) {
    Object r = context.getAttribute(ROUTER_ATTRIBUTE);
    return r instanceof Router ? (Router) r : null;
  }

  /** This filter's router (after {@code init}). */
  public Router router() {
    return router;
  }

  @Override
  public void init(FilterConfig config) throws ServletException {
    context = config.getServletContext();
    try {
      boolean owned = router == null;
      if (router == null && ownedConfig != null) {
        router = Router.create(ownedConfig);
      } else if (router == null) {
        options = FilterInitParams.options(config);
        router = Router.create(FilterInitParams.routingConfig(config));
        peers = PeersSharing.start(router, FilterInitParams.peers(config), "init-params", PeersSharing.BRIDGE);
      }
      engine = new Engine(router, options);
      if (owned) {
        for (var w : router.config().warnings()) {
          LOG.log(System.Logger.Level.WARNING, w.toString());
        }
      }
      if (owned && options.healthChecks()) {
        startChecks();
      }
    } catch (IOException | RuntimeException e) {
      stopChecks();
      PeersSharing.close(peers);
      throw new ServletException("stickyroute filter '" + config.getFilterName() + "': " + e.getMessage(), e);
    }
    if (options.routerAttribute() != null) {
      context.setAttribute(options.routerAttribute(), router);
    }
    LOG.log(System.Logger.Level.DEBUG, "stickyroute: routing through " + engine.entryPoint());
  }

  private void startChecks() {
    for (Backend b : router.backends()) {
      boolean any = false;
      for (ServerConfig s : b.config().servers()) {
        any |= s.check();
      }
      if (any) {
        checkers.add(HttpHealthChecker.start(b));
        LOG.log(System.Logger.Level.DEBUG, "stickyroute: health checks started for backend " + b.name());
      }
    }
  }

  private void stopChecks() {
    for (HttpHealthChecker c : checkers) {
      c.close();
    }
    checkers.clear();
  }

  // ------------------------------------------------------------------------------------- request path

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    if (!(request instanceof HttpServletRequest req) || !(response instanceof HttpServletResponse resp)) {
      chain.doFilter(request, response);
      return;
    }
    if (req.getAttribute(DECISION_ATTRIBUTE) != null) {
      Exchange ex = exchange(req);
      if (ex == null) {
        ex = exchange(resp);
      }
      if (ex != null) {
        redispatch(ex, req, resp, chain);
      } else {
        chain.doFilter(req, resp); // routed, nothing to wrap: the REQUEST dispatch's listener ends it
      }
      return;
    }
    Engine e = engine;
    if (e == null || req.getDispatcherType() != DispatcherType.REQUEST) {
      chain.doFilter(request, response);
      return;
    }
    Exchange ex = pool.take();
    long generation = ex.begin(e, req);
    ex.response = resp;
    if (!e.options.trustedProxies().isEmpty()) {
      ForwardedHeaders.read(ex, req, e.options.trustedProxies());
    }
    Decision d = ex.decision;
    try {
      if (e.frontend != null) {
        e.router.route(e.frontend, ex, d);
      } else {
        e.router.route(e.backend, ex, d);
      }
    } catch (RuntimeException x) {
      ex.finish(generation);
      throw x;
    }
    // The decision is the attribute DECISION_ATTRIBUTE of the request wrapper handed downstream, which every
    // routed request gets: setting a real attribute would make Jetty build an attribute map per request (a
    // ConcurrentHashMap and its table, the largest cost of the filter on a fast path). The container's own
    // request gets the attribute only when the request goes async, for the dispatches that follow (end).
    Boolean async = null;
    try {
      if (!d.ok() && e.options.unavailable() == Unavailable.RESPOND) {
        UnavailablePage.send(resp, d.status(), d.stickyFailure());
        return;
      }
      ex.watchResponse = d.watchesResponse();
      HttpServletResponse out = ex.watchResponse ? new StickyResponse(resp, ex) : resp;
      HttpServletRequest in = new StickyRequest(req, out, ex);
      chain.doFilter(in, out);
      async = req.isAsyncStarted();
      if (!ex.listening && !async && out instanceof StickyResponse s) {
        s.beforeCommit(0);
      }
    } finally {
      end(ex, generation, req, async == null ? req.isAsyncStarted() : async);
    }
  }

  private static boolean needsRequestWrapper(Exchange ex) {
    return ex.watchResponse || ex.cookiesChanged() || ex.forwardedSeen;
  }

  /** The end of the REQUEST dispatch: finish now, or when the async request ends. */
  private static void end(Exchange ex, long generation, HttpServletRequest req, boolean asyncStarted) {
    if (ex.listening) {
      return;
    }
    if (asyncStarted) {
      try {
        req.getAsyncContext().addListener(ex.endListener());
        // ASYNC and ERROR dispatches may get the container's request rather than the wrapper
        req.setAttribute(DECISION_ATTRIBUTE, ex.decision);
        ex.listening = true;
        return;
      } catch (IllegalStateException alreadyOver) {
        // the async cycle already ended: nothing will call the listener
      }
    }
    ex.finish(generation);
  }

  /** A later dispatch of a routed request: same decision, same views, no new lease. */
  private static void redispatch(Exchange ex, HttpServletRequest req, HttpServletResponse resp, FilterChain chain)
      throws IOException, ServletException {
    HttpServletResponse out = resp;
    if (ex.watchResponse && !(resp instanceof StickyResponse)) {
      out = new StickyResponse(resp, ex);
    }
    HttpServletRequest in = req;
    if (!(req instanceof StickyRequest) && needsRequestWrapper(ex)) {
      in = new StickyRequest(req, out, ex);
    }
    chain.doFilter(in, out);
    DispatcherType type = req.getDispatcherType();
    if (type != DispatcherType.INCLUDE && !req.isAsyncStarted() && out instanceof StickyResponse s) {
      s.beforeCommit(0);
    }
    if (!ex.listening && req.isAsyncStarted()) {
      try {
        req.getAsyncContext().addListener(ex.endListener());
        ex.listening = true;
      } catch (IllegalStateException ignored) {
        // the async cycle already ended
      }
    }
  }

  @Override
  public void destroy() {
    stopChecks();
    PeersSharing.close(peers);
    if (context != null && options != null && options.routerAttribute() != null
        && context.getAttribute(options.routerAttribute()) == router) {
      context.removeAttribute(options.routerAttribute());
    }
  }

}
