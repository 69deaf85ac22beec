package org.stickyroute;

import org.stickyroute.http.ResponseView;
import org.stickyroute.http.RequestView;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.stickyroute.config.BackendConfig;
import org.stickyroute.config.FrontendConfig;
import org.stickyroute.config.RoutingConfig;
import org.stickyroute.config.SecureCookie;
import org.stickyroute.config.StickyFailure;
import org.stickyroute.persist.CookiePersistence;
import org.stickyroute.share.SharedTables;
import org.stickyroute.stick.StickShare;
import org.stickyroute.stick.StickRules;
import org.stickyroute.stick.StickTable;

/**
 * The routing decisions of one configuration: frontends pick a backend, backends pick a server. Create one
 * with {@link #create(RoutingConfig)}; it lives as long as the configuration. Thread-safe: every request
 * method reads immutable state and the current snapshot of each backend.
 *
 * <pre>{@code
 * Router router = Router.create(ConfigLoader.load(Path.of("haproxy.cfg")));
 * Backend projects = router.backend("sharelatex_project");
 * BackendSnapshot snap = projects.snapshot();
 * int s = snap.select(RequestView.of("GET", "/project/5f3c/compile"));
 * String name = s < 0 ? null : snap.server(s).name();
 * }</pre>
 *
 * <p>The whole decision, persistence included, is {@link #route(Frontend, RequestView, Decision)}: frontend
 * rules pick the backend, a valid persistence cookie for a usable server wins, otherwise the algorithm picks;
 * {@link #respond(Decision, ResponseView)} then computes the response's cookie headers, and {@link
 * #redispatch(Decision)} serves proxies that retry after a refused connection.
 */
public final class Router {
  private final RoutingConfig config;
  private final List<Backend> backends;
  private final Map<String, Backend> backendsByName;
  private final Map<String, Integer> backendIndex;
  private final List<Frontend> frontends;
  private final Map<String, Frontend> frontendsByName;
  private final Clock clock;
  private final Map<String, StickTable> stickTables;
  private final StickRules[] stickRules;
  private final Map<String, SharedTables> shared = new HashMap<>();

  private Router(RoutingConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
    Map<String, StickTable> tables = new HashMap<>();
    for (BackendConfig bc : config.backends()) {
      if (bc.stick().table() != null) {
        tables.put(bc.name(), new StickTable(bc.stick().table()));
      }
    }
    this.stickTables = Map.copyOf(tables);
    this.stickRules = new StickRules[config.backends().size()];
    for (int i = 0; i < stickRules.length; i++) {
      stickRules[i] = StickRules.of(config.backends().get(i), stickTables);
    }
    List<Backend> bs = new ArrayList<>();
    Map<String, Backend> byName = new HashMap<>();
    Map<String, Integer> index = new HashMap<>();
    for (BackendConfig bc : config.backends()) {
      Backend b = new Backend(bc);
      index.put(bc.name(), bs.size());
      bs.add(b);
      byName.put(bc.name(), b);
    }
    this.backends = Collections.unmodifiableList(bs);
    this.backendsByName = Collections.unmodifiableMap(byName);
    this.backendIndex = Map.copyOf(index);
    List<Frontend> fs = new ArrayList<>();
    Map<String, Frontend> fByName = new HashMap<>();
    for (FrontendConfig fc : config.frontends()) {
      Frontend f = new Frontend(fc, index);
      fs.add(f);
      fByName.put(fc.name(), f);
    }
    this.frontends = Collections.unmodifiableList(fs);
    this.frontendsByName = Collections.unmodifiableMap(fByName);
  }

  /** A router for this configuration, with every server in its configured initial state. */
  public static Router create(RoutingConfig config) {
    return new Router(config, Clock.systemUTC());
  }

  /**
   * A router reading the wall clock from {@code clock} (cookie dates, signed expiries); for tests and for
   * hosts whose clock is managed.
   */
  public static Router create(RoutingConfig config, Clock clock) {
    return new Router(config, clock);
  }

  private int indexOfBackend(Backend backend) {
    Integer i = backendIndex.get(backend.name());
    return i != null && backends.get(i) == backend ? i : -1;
  }

  /** The router's clock, epoch milliseconds. */
  long millis() {
    return clock.millis();
  }

  private long now() {
    return Math.floorDiv(clock.millis(), 1000L);
  }

  // -------------------------------------------------------------------------------------- decisions

  /**
   * Routes a request arriving on {@code frontend}: {@code use_backend}/{@code default_backend} pick the
   * backend (none → status 503), then {@link #route(Backend, RequestView, Decision)}.
   *
   * @param frontend the frontend the request arrived on
   * @param request the request
   * @param decision the holder to fill; must not hold a lease
   */
  public void route(Frontend frontend, RequestView request, Decision decision) {
    CharSequence target = request.target();
    int b = frontend.backendIndex(target, 0, target.length());
    if (b < 0) {
      long nowMillis = clock.millis();
      decision.begin(null, request, Math.floorDiv(nowMillis, 1000L), frontend);
      decision.match.unchanged(request);
      decision.status = 503;
      Accounting.routed(decision, nowMillis);
      return;
    }
    route(b, request, decision, frontend);
  }

  /**
   * Routes a request in {@code backend} (HAProxy's order: persistence cookie, then the algorithm): a valid
   * cookie for a server that accepts persistent traffic (or, under the {@code persist} policy, that exists)
   * wins; a cookie for a stopped server fails the request under the {@code strict} policy; otherwise the
   * backend's algorithm picks among the usable servers. On success the decision holds a lease on the server;
   * the caller closes the decision when the request is over.
   *
   * <p>Allocation-free when the request's cookies need no change (after the holder's buffers have grown),
   * lock-free, and never throws on request input.
   */
  public void route(Backend backend, RequestView request, Decision decision) {
    int i = indexOfBackend(backend);
    if (i < 0) {
      throw new IllegalArgumentException("backend '" + backend.name() + "' is not one of this router's");
    }
    route(i, request, decision, null);
  }

  private void route(int index, RequestView request, Decision d, Frontend frontend) {
    long nowMillis = clock.millis();
    choose(index, request, d, frontend, nowMillis);
    Accounting.routed(d, nowMillis);
  }

  private void choose(int index, RequestView request, Decision d, Frontend frontend, long nowMillis) {
    Backend backend = backends.get(index);
    long now = Math.floorDiv(nowMillis, 1000L);
    d.begin(backend, request, now, frontend);
    BackendSnapshot snap = d.snapshot;
    // The persistence of the same snapshot: its server indexes are the snapshot's, even across a reconfigure.
    CookiePersistence p = d.persistence;
    if (p != null) {
      p.analyse(request, snap.cookieTargets, now, d.match);
    } else {
      d.match.unchanged(request);
    }
    int s = d.match.server();
    StickRules rules = stickRules[index];
    if (rules != null) {
      // HAProxy's process_sticking_rules, after the cookie: a match assigns only what the cookie did not
      d.stickRules = rules;
      d.clock = clock;
      int m = rules.onRequest(request, snap.stickServers, s >= 0, nowMillis, d.stick);
      if (s < 0) {
        s = m;
      }
    }
    if (s >= 0) {
      d.server = s;
      d.direct = true;
      snap.acquireServer(s, d.lease);
      return;
    }
    if (p != null && p.failure() == StickyFailure.STRICT && d.match.designatedStoppedServer()) {
      d.status = p.strictStatus();
      d.stickyFailure = true;
      return;
    }
    s = snap.acquire(request, BackendSnapshot.NO_SERVER, d.lease);
    if (s < 0) {
      d.status = 503;
      d.saturated = s == BackendSnapshot.SATURATED;
      return;
    }
    d.server = s;
  }

  /**
   * Whether the response to this decision's request will get a {@code Set-Cookie} (known before the response,
   * except that {@code preserve} cancels it when the server sets the cookie itself).
   */
  public boolean wantsSetCookie(Decision d) {
    return d.persistence != null && d.status == 0
        && d.persistence.wantsSetCookie(d.match, d.direct, d.methodText, now());
  }

  /**
   * Computes the response half with the wall clock: see {@link #respond(Decision, ResponseView, long)}.
   */
  public void respond(Decision decision, ResponseView response) {
    respond(decision, response, now(), SecureCookie.CONFIG);
  }

  /**
   * Computes the response half with the wall clock, the {@code Secure} attribute of an inserted cookie decided
   * by {@code secureCookie} instead of the backend's policy ({@link SecureCookie#CONFIG} keeps the backend's:
   * {@link org.stickyroute.config.StickyOptions#secureCookie()}). For adapters with their own setting (the
   * servlet filter's {@code secure-cookie}); {@link SecureCookie#AUTO} reads the request's {@link
   * RequestView#secure()}.
   */
  public void respond(Decision decision, ResponseView response, SecureCookie secureCookie) {
    respond(decision, response, now(), secureCookie);
  }

  /**
   * Computes what the response needs, at {@code now} (UNIX seconds): what becomes of the server's {@code
   * Set-Cookie} headers ({@link Decision#responseHeader}), the {@code Set-Cookie} to append ({@link
   * Decision#setCookie()}) and {@code Cache-Control: private} ({@link Decision#cacheControlPrivate()}).
   * Nothing for a failed decision or a backend without a cookie.
   */
  public void respond(Decision d, ResponseView response, long now) {
    respond(d, response, now, SecureCookie.CONFIG);
  }

  private void respond(Decision d, ResponseView response, long now, SecureCookie secureCookie) {
    d.finishStick(response);
    d.responded = true;
    CookiePersistence p = d.persistence;
    if (p == null || d.status != 0) {
      d.response.clear();
      return;
    }
    p.respond(d.match, d.server, d.direct, d.methodText, response, now, p.secure(secureCookie, d.secure), d.response);
  }

  /**
   * Picks another server after the chosen one refused the connection (HAProxy's redispatch, done when {@code
   * option redispatch} is set; see {@link BackendConfig#redispatch()}): releases the lease, clears "direct"
   * (so the response gets a cookie for the new server) and asks the algorithm again avoiding the failed
   * server — consistent hashing, leastconn and round robin honour that, map-based hashing ignores it and may
   * return the same server, exactly as HAProxy. Returns the new server index, or {@link
   * BackendSnapshot#NO_SERVER} with {@link Decision#status()} 503 — or, for a request its cookie binds to
   * its server under the {@link StickyFailure#STRICT} policy (see {@link #mayRedispatch}), the strict status
   * with {@link Decision#stickyFailure()} set.
   */
  public int redispatch(Decision d) {
    if (d.backend == null || d.status != 0) {
      return BackendSnapshot.NO_SERVER;
    }
    if (failSticky(d)) {
      return BackendSnapshot.NO_SERVER;
    }
    int failed = d.server;
    d.lease.close();
    d.direct = false;
    d.responded = false;
    BackendSnapshot snap = d.backend.snapshot();
    d.snapshot = snap;
    // The response cookie is computed for a server of this snapshot: use its persistence (a reconfigure may
    // have happened since the request was routed).
    d.persistence = snap.persistence();
    int s = snap.acquire(d.request, failed, d.lease);
    d.server = s;
    if (s < 0) {
      d.status = 503;
      d.saturated = s == BackendSnapshot.SATURATED;
    }
    return s;
  }

  /**
   * Whether a retry of this decision may move the request to another server: false when its persistence
   * cookie chose the server under the {@link StickyFailure#STRICT} policy (such a request stays on its
   * server or fails, never silently moves). Adapters that retry refused connections ask this before {@link
   * #redispatch}.
   */
  public boolean mayRedispatch(Decision d) {
    return !(d.direct && d.persistence != null && d.persistence.failure() == StickyFailure.STRICT);
  }

  /**
   * Fails a decision whose server could not be reached, when {@link #mayRedispatch} forbids moving it: the
   * lease is released, {@link Decision#status()} becomes the configured strict status and {@link
   * Decision#stickyFailure()} true. Returns false (and changes nothing) for any other decision.
   */
  public boolean failSticky(Decision d) {
    if (d.status != 0 || mayRedispatch(d)) {
      return false;
    }
    d.lease.close();
    d.status = d.persistence.strictStatus();
    d.stickyFailure = true;
    return true;
  }

  /** The configuration. */
  public RoutingConfig config() {
    return config;
  }

  /** Every backend, in declaration order (the order of {@link Frontend#backendIndex} results). */
  public List<Backend> backends() {
    return backends;
  }

  /** The backend with this name, or {@code null}. */
  public Backend backend(String name) {
    return backendsByName.get(name);
  }

  /** Every frontend (and listen section with frontend rules), in declaration order. */
  public List<Frontend> frontends() {
    return frontends;
  }

  /** The frontend with this name, or {@code null}. */
  public Frontend frontend(String name) {
    return frontendsByName.get(name);
  }

  /**
   * Every frontend and backend's stats now, in configuration order, stats-only sections marked ({@link
   * RouterStats#visible()} leaves them out). Allocates; monitoring, not per request.
   */
  public RouterStats stats() {
    return StatsReader.router(frontends, backends, clock.millis());
  }

  /**
   * The stick tables of the {@code peers} section {@code peers} (the tables whose {@code stick-table} line says
   * {@code peers NAME}), for a sharing layer such as {@code stickyroute-redis}. The first call starts handing
   * their local stores over (through a bounded queue of 16,384 entries; see {@link SharedTables}); later calls
   * return the same object. Control plane.
   *
   * @throws IllegalArgumentException when no table of this configuration names {@code peers}
   */
  public synchronized SharedTables sharedTables(String peers) {
    SharedTables s = shared.get(peers);
    if (s == null) {
      List<StickTable> ts = new ArrayList<>();
      for (BackendConfig bc : config.backends()) {
        StickTable t = stickTables.get(bc.name());
        if (t != null && peers.equals(t.config().peers())) {
          ts.add(t);
        }
      }
      if (ts.isEmpty()) {
        throw new IllegalArgumentException("no stick-table says 'peers " + peers + "'");
      }
      s = new StickShare(peers, ts, 16_384, clock::millis);
      shared.put(peers, s);
    }
    return s;
  }

  /**
   * The backend {@code frontend} sends {@code target} to, or {@code null} when no rule matches and there is
   * no default backend.
   */
  public Backend backendFor(Frontend frontend, CharSequence target) {
    int b = frontend.backendIndex(target, 0, target.length());
    return b < 0 ? null : backends.get(b);
  }
}
