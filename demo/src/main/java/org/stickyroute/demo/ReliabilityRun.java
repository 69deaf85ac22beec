package org.stickyroute.demo;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.jetty.client.BufferingResponseListener;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.stickyroute.Backend;
import org.stickyroute.BackendSnapshot;
import org.stickyroute.BackendStats;
import org.stickyroute.ServerStatusWord;
import org.stickyroute.ServerStatsRow;
import org.stickyroute.config.ServerConfig;
import org.stickyroute.config.StickyFailure;

/**
 * Sustained load and a failing instance, against the demo proxy, with the figures the README's
 * "Reliability" section reports. It starts the {@link Demo} in this JVM, drives it over real HTTP with many
 * concurrent closed-loop clients (Jetty's HTTP client, one connection each), kills one instance (its port
 * closes: connections are refused, open ones are cut), waits until the health checks mark it DOWN, brings
 * it back, waits until they mark it UP, and keeps the load on to the end. Then it checks:
 *
 * <ul>
 *   <li>every failed request is explained by what the proxy recorded about it ({@link AttemptLog}: each server
 *       it tried, when, and how the attempt ended), never by when it was sent: an attempt running on the
 *       instance while it was being killed failed (the only losses the kill may cause, so never more than the
 *       requests in flight there at that moment); a {@code /project/} request whose every attempt went to the
 *       dead instance (map-based hashing recomputes the same server until the checks notice, so HAProxy answers
 *       503 there too); or, under {@code strict}, the clear error for a user whose cookie names the dead
 *       instance. A status a server answered itself is never explained, nor is anything else;
 *   <li>browser-like clients keep their {@code SERVERID} cookie's instance while it runs, and every move
 *       comes with a new cookie for the new instance; instances never see the cookie ({@code indirect});
 *   <li>projects stay on their instance whenever all three are up;
 *   <li>detection within {@code fall × inter} and {@code rise × inter} (plus the checker's ±5 % jitter);
 *   <li>every in-flight counter is 0 at the end and none was ever seen below 0; the heap after a full GC
 *       does not grow.
 * </ul>
 *
 * <pre>
 * java -cp demo/target/stickyroute-demo.jar org.stickyroute.demo.ReliabilityRun [--seconds 120] [--clients 300]
 *     [--inter TIME] [--sticky-failure redispatch|strict] [--seed N]
 * </pre>
 *
 * Exit status 0 when every check holds, 1 otherwise, 64 on bad arguments.
 */
public final class ReliabilityRun {
  /** The instance that is killed and brought back. */
  public static final String VICTIM = "docker-1";
  static final String PROJECT_BACKEND = "sharelatex_project";
  static final String COOKIE_BACKEND_NAME = Demo.COOKIE_BACKEND;
  static final String[] PAGES = {"/", "/login", "/user/settings", "/learn"};
  static final String STRICT_MARK = "sticky-failure strict";

  /**
   * What to run.
   *
   * @param seconds the load's length (at least the timeline needs: warm-up, steady, outage, recovery)
   * @param clients concurrent clients, each with its own connection; a third request projects
   * @param interMillis the health-check interval (0: the configuration's, 10 s)
   * @param policy the sticky-failure policy of the cookie backend
   * @param seed the seed of the project ids and pages
   */
  public record Settings(int seconds, int clients, long interMillis, StickyFailure policy, long seed) {}

  // ---------------------------------------------------------------------------------------- the run

  private final Settings settings;
  private final PrintStream log;
  private Demo demo;
  private HttpClient http;
  private String base;
  private volatile boolean running = true;
  private final long t0 = System.nanoTime();

  // timeline, System.nanoTime(); Long.MAX_VALUE until it happened
  private volatile long killStart = Long.MAX_VALUE;
  private volatile long killDone = Long.MAX_VALUE;
  private volatile long restoreStart = Long.MAX_VALUE;
  private volatile long recovered = Long.MAX_VALUE;
  private volatile long projectDown = Long.MAX_VALUE;
  private final Map<String, Long> downAt = new ConcurrentHashMap<>();
  private final Map<String, Long> upAt = new ConcurrentHashMap<>();

  private final LongAdder requests = new LongAdder();
  private final LongAdder ok = new LongAdder();
  private final LongAdder steady = new LongAdder();
  private final LongAdder steadyFailed = new LongAdder();
  private final Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
  private final LongAdder cookieMoves = new LongAdder();
  private final LatencyHistogram latency = new LatencyHistogram();
  private final ConcurrentLinkedQueue<Failure> failures = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
  private final AtomicInteger violationCount = new AtomicInteger();
  private final Map<String, String> projectHome = new ConcurrentHashMap<>();
  private final AtomicLong minInFlight = new AtomicLong(Long.MAX_VALUE);
  private final AtomicLong longestProbe = new AtomicLong();
  private final AttemptLog attempts = new AttemptLog();
  private final AtomicLong requestIds = new AtomicLong();
  private final List<Client> clients = new ArrayList<>();

  private ReliabilityRun(Settings settings, PrintStream log) {
    this.settings = settings;
    this.log = log;
  }

  /**
   * One failed request; {@code strictPage} when the answer was the strict sticky-failure page. Kept small
   * (the detail only for failures that are not the expected pages), so that tens of thousands of expected
   * failures do not show up as heap growth in the run's own figures.
   */
  record Failure(Client client, long id, String path, String sentCookie, long sent, long done, int status,
      boolean strictPage, boolean haproxy503, String servedBy, String detail) {}

  /** One closed-loop client: a browser with a cookie jar of one SERVERID cookie, or a project's compiles. */
  static final class Client {
    final int id;
    final boolean project;
    final String[] paths;
    int next;
    volatile String cookie;
    volatile String cookieAtKill;
    volatile boolean movedAfterKill;

    Client(int id, boolean project, String[] paths) {
      this.id = id;
      this.project = project;
      this.paths = paths;
    }
  }

  /** Runs the load and the failure, and checks everything; never throws for a failed check. */
  public static ReliabilityReport run(Settings settings, PrintStream log) throws Exception {
    ReliabilityRun r = new ReliabilityRun(settings, log);
    try {
      return r.go();
    } finally {
      r.stop();
    }
  }

  private void stop() {
    running = false;
    try {
      if (http != null) {
        http.stop();
      }
    } catch (Exception e) {
      log.println("reliability: stopping the client: " + e);
    }
    if (demo != null) {
      demo.close();
    }
  }

  private ReliabilityReport go() throws Exception {
    demo = Demo.start(0, settings.interMillis(), settings.policy(), attempts);
    base = "http://127.0.0.1:" + demo.port();
    long inter = demo.interMillis();
    int rise = 0;
    int fall = 0;
    for (Backend b : victimBackends()) {
      ServerConfig s = b.config().server(VICTIM);
      rise = Math.max(rise, s.rise());
      fall = Math.max(fall, s.fall());
      String name = b.name();
      b.addListener(t -> {
        if (t.server().equals(VICTIM)) {
          long now = System.nanoTime();
          if (t.to() == ServerStatusWord.DOWN && killStart != Long.MAX_VALUE) {
            downAt.putIfAbsent(name, now);
            if (name.equals(PROJECT_BACKEND)) {
              projectDown = Math.min(projectDown, now);
            }
          } else if (t.to() == ServerStatusWord.UP && restoreStart != Long.MAX_VALUE) {
            upAt.putIfAbsent(name, now);
          }
        }
      });
    }
    // Bounds: the last good check was at most one (jittered) interval before the kill, then fall (rise) more
    // checks, each starting inter (± 5 %) after the previous one ended: so the probes' own time adds up too
    // (a few ms when idle; far more when the instance is saturated by the load). Computed at the checks.
    final int riseN = rise;
    final int fallN = fall;
    java.util.function.LongUnaryOperator downBoundOf = probe -> Math.round(fallN * inter * 1.05) + fallN * probe + 250;
    java.util.function.LongUnaryOperator upBoundOf = probe -> Math.round(riseN * inter * 1.05) + riseN * probe + 250;
    long downBound = downBoundOf.applyAsLong(0);
    long upBound = upBoundOf.applyAsLong(0);

    QueuedThreadPool pool = new QueuedThreadPool(64, 4);
    pool.setName("reliability-client");
    http = new HttpClient();
    http.setExecutor(pool);
    http.setHttpCookieStore(new HttpCookieStore.Empty());
    http.setFollowRedirects(false);
    http.setMaxConnectionsPerDestination(settings.clients());
    http.setMaxRequestsQueuedPerDestination(settings.clients() * 2);
    http.setConnectTimeout(5000);
    http.setIdleTimeout(60000);
    http.start();

    SplittableRandom random = new SplittableRandom(settings.seed());
    for (int i = 0; i < settings.clients(); i++) {
      boolean project = i % 3 == 0;
      String[] paths = new String[project ? 4 : PAGES.length];
      for (int k = 0; k < paths.length; k++) {
        paths[k] = project ? "/project/" + Long.toHexString(random.nextLong() & 0xffffffffffffL) + "/compile"
            : PAGES[random.nextInt(PAGES.length)];
      }
      clients.add(new Client(i, project, paths));
    }
    // Each project's home: the server the map-based table picks while every instance is up (checked below
    // against where its requests really go).
    BackendSnapshot projects = demo.router().backend(PROJECT_BACKEND).snapshot();
    for (Client c : clients) {
      if (c.project) {
        for (String p : c.paths) {
          projectHome.put(p, projects.server(projects.select(p)).name());
        }
      }
    }
    CountDownLatch finished = new CountDownLatch(clients.size());
    Thread sampler = new Thread(this::sampleCounters, "reliability-sampler");
    sampler.setDaemon(true);
    sampler.start();

    // Start the load once every checked server has passed a check: a checked server starts UP with its
    // health at `rise`, so HAProxy (and stickyroute) mark it DOWN at its first failed check, and a first probe
    // that times out under a cold-start burst of load would take an instance out before the run begins.
    long healthyBy = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(3 * inter + 5000);
    while (!everyCheckedServerPassed() && System.nanoTime() < healthyBy) {
      Thread.sleep(20);
    }
    long start = System.nanoTime();
    long end = start + TimeUnit.SECONDS.toNanos(settings.seconds());
    for (Client c : clients) {
      http.getExecutor().execute(() -> fire(c, finished));
    }
    List<Double> heap = new ArrayList<>();
    long warmUp = Math.min(10, Math.max(2, settings.seconds() / 10));
    sleepUntil(start + TimeUnit.SECONDS.toNanos(warmUp));
    heap.add(heapAfterGc());
    log.printf(Locale.ROOT, "reliability: %d clients on %s, warm-up done, %,d requests so far%n", clients.size(), base,
        requests.sum());

    // steady load, then the kill
    sleepUntil(start + (end - start) / 4);
    heap.add(heapAfterGc());
    for (Client c : clients) {
      c.cookieAtKill = c.cookie;
    }
    killStart = System.nanoTime();
    demo.instance(VICTIM).setState(DemoInstance.State.DOWN);
    killDone = System.nanoTime();
    // measured at the proxy: the requests with an attempt running on the victim while it was being killed
    Set<Long> inFlightAtKill = new HashSet<>(attempts.runningOn(VICTIM, killStart, killDone));
    log.printf(Locale.ROOT, "reliability: t=%.1fs killed %s (%d in flight on it)%n", secondsSince(start), VICTIM,
        inFlightAtKill.size());

    long deadline = killStart + TimeUnit.MILLISECONDS.toNanos(downBound * 4 + 5000);
    while (downAt.size() < victimBackends().size() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    log.printf(Locale.ROOT, "reliability: t=%.1fs health checks: %s DOWN in %s%n", secondsSince(start), VICTIM, downAt.keySet());
    // keep it down a little longer: the retries of requests sent before the checks noticed end meanwhile
    long retryWindow = TimeUnit.MILLISECONDS.toNanos(3200);
    sleepUntil(Math.max(System.nanoTime() + retryWindow, start + (end - start) / 2 - TimeUnit.MILLISECONDS.toNanos(upBound)));
    restoreStart = System.nanoTime();
    demo.instance(VICTIM).setState(DemoInstance.State.UP);
    log.printf(Locale.ROOT, "reliability: t=%.1fs restored %s%n", secondsSince(start), VICTIM);
    deadline = restoreStart + TimeUnit.MILLISECONDS.toNanos(upBound * 4 + 5000);
    while (upAt.size() < victimBackends().size() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    // strict clients' requests sent before UP may still be in their retries: settle for one retry window
    recovered = System.nanoTime() + retryWindow;
    log.printf(Locale.ROOT, "reliability: t=%.1fs health checks: %s UP in %s%n", secondsSince(start), VICTIM, upAt.keySet());
    sleepUntil(recovered);
    heap.add(heapAfterGc());
    sleepUntil(Math.max(end, recovered + TimeUnit.SECONDS.toNanos(3)));

    running = false;
    long stopAt = System.nanoTime();
    if (!finished.await(90, TimeUnit.SECONDS)) {
      violation("clients still waiting for answers 90 s after the load stopped: " + finished.getCount());
    }
    double seconds = (stopAt - start) / 1e9;
    sampler.interrupt();
    long inFlightAtEnd = 0;
    for (int i = 0; i < 100; i++) { // the lease is released when the proxy's request ends, just after the answer
      inFlightAtEnd = totalInFlight();
      if (inFlightAtEnd == 0) {
        break;
      }
      Thread.sleep(50);
    }
    if (inFlightAtEnd != 0) {
      violation("in-flight counters not back to 0 at the end: " + inFlightAtEnd + " " + inFlightByServer());
    }
    long minSeen = Math.min(minInFlight.get(), totalInFlightMin());
    if (minSeen < 0) {
      violation("an in-flight counter was seen below 0: " + minSeen);
    }
    heap.add(heapAfterGc());
    // The baseline is the heap before the kill, a quarter into the run: by then the connection and buffer
    // pools have grown to the load. Short runs do not reach that steady state, so they only report the heap.
    double baseline = heap.get(1);
    if (settings.seconds() >= 60 && heap.get(heap.size() - 1) > baseline * 1.15 + 8) {
      violation("heap after GC grew from " + baseline + " MB before the kill to " + heap.get(heap.size() - 1) + " MB");
    }

    long probe = longestProbe.get();
    downBound = downBoundOf.applyAsLong(probe);
    upBound = upBoundOf.applyAsLong(probe);
    Map<String, Long> downMillis = new LinkedHashMap<>();
    Map<String, Long> upMillis = new LinkedHashMap<>();
    for (Backend b : victimBackends()) {
      Long d = downAt.get(b.name());
      Long u = upAt.get(b.name());
      downMillis.put(b.name(), d == null ? -1 : TimeUnit.NANOSECONDS.toMillis(d - killStart));
      upMillis.put(b.name(), u == null ? -1 : TimeUnit.NANOSECONDS.toMillis(u - restoreStart));
      if (d == null || d - killStart > TimeUnit.MILLISECONDS.toNanos(downBound)) {
        violation(b.name() + ": " + VICTIM + " not marked DOWN within fall x inter: " + downMillis.get(b.name()) + " ms");
      }
      if (u == null || u - restoreStart > TimeUnit.MILLISECONDS.toNanos(upBound)) {
        violation(b.name() + ": " + VICTIM + " not marked UP within rise x inter: " + upMillis.get(b.name()) + " ms");
      }
    }

    // every failure explained, by what the proxy recorded about it
    long lost = 0;
    List<String> lostDetails = new ArrayList<>();
    long project503 = 0;
    long strict = 0;
    for (Failure f : failures) {
      List<AttemptLog.Attempt> tried = attempts.of(f.id());
      switch (cause(f, tried, inFlightAtKill)) {
        case PROJECT_HASHED_TO_DEAD -> project503++;
        case STRICT_PAGE -> strict++;
        case CUT_BY_THE_KILL -> {
          lost++;
          if (lostDetails.size() < 10) {
            lostDetails.add(describe(f, tried, start));
          }
        }
        default -> violation("unexplained failure: " + describe(f, tried, start) + traces(tried));
      }
    }
    if (lost > inFlightAtKill.size()) { // cannot happen: each loss is one of them
      violation("lost " + lost + " requests, but only " + inFlightAtKill.size() + " were in flight on " + VICTIM);
    }
    if (steadyFailed.sum() != 0) {
      violation(steadyFailed.sum() + " non-2xx answers while every instance was up");
    }
    int victimClients = 0;
    int victimMoved = 0;
    for (Client c : clients) {
      if (!c.project && VICTIM.equals(c.cookieAtKill)) {
        victimClients++;
        if (c.movedAfterKill) {
          victimMoved++;
        }
      }
    }
    if (settings.policy() == StickyFailure.REDISPATCH && victimMoved != victimClients) {
      violation(victimClients - victimMoved + " of " + victimClients + " clients of " + VICTIM + " were not redispatched with a new cookie");
    }
    if (settings.policy() == StickyFailure.STRICT && victimMoved != 0) {
      violation(victimMoved + " clients of " + VICTIM + " were moved to another instance under strict");
    }
    if (victimClients == 0) {
      violation("no client had a cookie for " + VICTIM + " when it died: the failure was not exercised");
    }

    Map<Integer, Long> other = new java.util.TreeMap<>();
    statuses.forEach((k, v) -> other.put(k, v.sum()));
    List<String> v = new ArrayList<>(violations);
    if (violationCount.get() > v.size()) {
      v.add("... " + (violationCount.get() - v.size()) + " more violations not kept");
    }
    Settings ran = new Settings(settings.seconds(), settings.clients(), inter, settings.policy(), settings.seed());
    return new ReliabilityReport(ran, requests.sum(), ok.sum(), Collections.unmodifiableMap(other), seconds,
        latency.percentile(0.50), latency.percentile(0.99), latency.max(), inFlightAtKill.size(), lost, List.copyOf(lostDetails), steady.sum(),
        steadyFailed.sum(), project503, strict,
        cookieMoves.sum(), victimClients, victimMoved, downMillis, upMillis, downBound, upBound, probe, inFlightAtEnd,
        minSeen, List.copyOf(heap), List.copyOf(v));
  }

  /** Why a request failed, by the facts the proxy recorded. */
  enum Cause {
    /** It had an attempt running on the victim while it was killed, and that attempt failed. */
    CUT_BY_THE_KILL,
    /**
     * A {@code /project/} request answered HAProxy's 503 after every attempt went to the dead victim (map-based
     * hashing before the checks noticed).
     */
    PROJECT_HASHED_TO_DEAD,
    /**
     * Under {@code strict}, the strict page for a cookie naming the victim: every attempt went to the dead victim,
     * or none was made because the router had it DOWN.
     */
    STRICT_PAGE,
    /** None of the above: a violation. */
    UNEXPLAINED
  }

  /** Classifies one failed request by its attempts; a status any server answered itself is never explained. */
  Cause cause(Failure f, List<AttemptLog.Attempt> tried, Set<Long> inFlightAtKill) {
    if (!tried.isEmpty()) {
      AttemptLog.Attempt last = tried.get(tried.size() - 1);
      if (last.failure() == null && last.status() == f.status()) {
        return Cause.UNEXPLAINED; // a server answered this status itself (a dying instance must not answer at all)
      }
    }
    boolean cut = tried.stream().anyMatch(a -> VICTIM.equals(a.server()) && a.failure() != null
        && a.begin() <= killDone && a.end() >= killStart);
    if (cut && inFlightAtKill.contains(f.id())) {
      return Cause.CUT_BY_THE_KILL;
    }
    // Every attempt went to the victim while it was dead: refused, or sent on a kept-alive connection the kill had
    // reset, before any answer began. With no attempt at all, a strict page is explained when the router had the
    // victim DOWN while the request was routed (the filter then answers without calling the proxy).
    boolean onlyTheDeadVictim = tried.isEmpty()
        ? f.strictPage() && f.sent() <= upAt.getOrDefault(COOKIE_BACKEND_NAME, Long.MAX_VALUE)
            && f.done() >= downAt.getOrDefault(COOKIE_BACKEND_NAME, Long.MAX_VALUE)
        : tried.stream().allMatch(a -> VICTIM.equals(a.server()) && a.failure() != null && a.status() == 0
            && (a.refused() || a.begin() >= killStart && a.begin() < restoreStart));
    if (onlyTheDeadVictim && f.client().project && f.status() == 503 && f.haproxy503()) {
      return Cause.PROJECT_HASHED_TO_DEAD;
    }
    if (onlyTheDeadVictim && settings.policy() == StickyFailure.STRICT && !f.client().project
        && VICTIM.equals(f.sentCookie()) && f.strictPage()) {
      return Cause.STRICT_PAGE;
    }
    return Cause.UNEXPLAINED;
  }

  /** The stack traces of the failed attempts, so an unexplained failure says where it was thrown. */
  private static String traces(List<AttemptLog.Attempt> tried) {
    StringBuilder b = new StringBuilder();
    for (AttemptLog.Attempt a : tried) {
      if (a.thrown() != null) {
        b.append("\n      attempt on ").append(a.server()).append(" failed with ").append(a.trace());
      }
    }
    return b.toString();
  }

  private String describe(Failure f, List<AttemptLog.Attempt> tried, long start) {
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "t=%.3fs %s %s (cookie %s) -> %s%s", (f.sent() - start) / 1e9,
        f.client().project ? "project" : "page", f.path(), f.sentCookie(), f.status() == 0 ? "transport failure" : f.status(),
        f.servedBy() == null ? "" : " from " + f.servedBy()));
    b.append("; attempts:");
    for (AttemptLog.Attempt a : tried) {
      b.append(String.format(Locale.ROOT, " [%s, %.3f-%s]", a, (a.begin() - start) / 1e9,
          a.end() == Long.MAX_VALUE ? "" : String.format(Locale.ROOT, "%.3fs", (a.end() - start) / 1e9)));
    }
    if (!f.detail().isEmpty()) {
      b.append("; answer: ").append(f.detail());
    }
    return b.toString();
  }

  // ------------------------------------------------------------------------------------- one request

  private void fire(Client c, CountDownLatch finished) {
    if (!running) {
      finished.countDown();
      return;
    }
    String path = c.paths[c.next++ % c.paths.length];
    String cookie = c.project ? null : c.cookie;
    long id = requestIds.incrementAndGet();
    Request request = http.newRequest(URI.create(base + path)).timeout(60, TimeUnit.SECONDS);
    request.headers(h -> h.put(HttpHeader.COOKIE, cookie == null ? "lang=en" : "SERVERID=" + cookie + "; lang=en")
        .put(AttemptLog.ID_HEADER, Long.toString(id)));
    long sent = System.nanoTime();
    request.send(new BufferingResponseListener(64 * 1024) {
      @Override
      public void onComplete(Result result) {
        try {
          record(c, id, path, cookie, sent, result, result.isFailed() ? null : getContentAsString());
        } catch (RuntimeException e) {
          violation("checking an answer threw: " + e);
        }
        http.getExecutor().execute(() -> fire(c, finished));
      }
    });
  }

  private void record(Client c, long id, String path, String sentCookie, long sent, Result result, String body) {
    long done = System.nanoTime();
    requests.increment();
    latency.record(done - sent);
    boolean inSteady = done < killStart || sent > recovered;
    if (inSteady) {
      steady.increment();
      if (result.isFailed() || result.getResponse().getStatus() / 100 != 2) {
        steadyFailed.increment();
      }
    }
    if (result.isFailed()) {
      statuses.computeIfAbsent(0, k -> new LongAdder()).increment();
      failures.add(new Failure(c, id, path, sentCookie, sent, done, 0, false, false, null,
          String.valueOf(result.getFailure())));
      return;
    }
    var response = result.getResponse();
    int status = response.getStatus();
    if (status / 100 != 2) {
      statuses.computeIfAbsent(status, k -> new LongAdder()).increment();
      boolean strictPage = body != null && body.contains(STRICT_MARK);
      boolean haproxy503 = status == 503 && body != null && body.contains("No server is available to handle this request.");
      String detail = strictPage ? "strict page" : haproxy503 ? "HAProxy's 503 page" : body == null ? "" : body.replace('\n', ' ');
      failures.add(new Failure(c, id, path, sentCookie, sent, done, status, strictPage, haproxy503,
          response.getHeaders().get("X-Served-By"), detail.length() > 1200 ? detail.substring(0, 1200) : detail));
      if (strictPage && hasSetCookie(response.getHeaders().getFields(HttpHeader.SET_COOKIE))) {
        violation("a strict error page carried a Set-Cookie");
      }
      return;
    }
    ok.increment();
    attempts.forget(id); // a 2xx needs no explaining
    String servedBy = response.getHeaders().get("X-Served-By");
    if (servedBy == null) {
      violation("2xx without X-Served-By for " + path);
      return;
    }
    if (body != null && body.contains("SERVERID")) {
      violation(servedBy + " received the SERVERID cookie (indirect must strip it): " + path);
    }
    String newCookie = serverIdCookie(response.getHeaders().getFields(HttpHeader.SET_COOKIE));
    if (c.project) {
      if (newCookie != null) {
        violation("a /project/ answer set a SERVERID cookie");
      }
      String home = projectHome.get(path);
      boolean allUp = done < killStart || sent > recovered;
      if (home != null && allUp && !home.equals(servedBy)) {
        violation(String.format(Locale.ROOT, "project %s moved from %s to %s while every instance was up", path, home, servedBy));
      }
      return;
    }
    if (sentCookie == null) {
      if (!servedBy.equals(newCookie)) {
        violation("a new visitor served by " + servedBy + " got cookie " + newCookie);
      }
    } else if (!sentCookie.equals(servedBy)) {
      if (!servedBy.equals(newCookie)) {
        violation("moved from " + sentCookie + " to " + servedBy + " without a new cookie (got " + newCookie + ")");
      } else {
        cookieMoves.increment();
        if (done >= killStart && VICTIM.equals(sentCookie)) {
          c.movedAfterKill = true;
        }
      }
      if (settings.policy() == StickyFailure.STRICT) {
        violation("strict: a client of " + sentCookie + " was served by " + servedBy);
      }
      if (!sentCookie.equals(VICTIM) || done < killStart) { // a request in flight at the kill may be retried elsewhere
        violation("a client of " + sentCookie + " (running) was moved to " + servedBy);
      }
    } else if (newCookie != null) {
      violation("a direct request to " + servedBy + " got a Set-Cookie again");
    }
    if (newCookie != null) {
      c.cookie = newCookie;
    }
  }

  private static boolean hasSetCookie(List<HttpField> fields) {
    return fields != null && !fields.isEmpty();
  }

  /** The SERVERID value of the answer's Set-Cookie fields, or null. */
  static String serverIdCookie(List<HttpField> fields) {
    if (fields == null) {
      return null;
    }
    for (HttpField f : fields) {
      String v = f.getValue();
      if (v.startsWith("SERVERID=")) {
        int semi = v.indexOf(';');
        return v.substring("SERVERID=".length(), semi < 0 ? v.length() : semi);
      }
    }
    return null;
  }

  // ------------------------------------------------------------------------------------- measurements

  private void violation(String v) {
    if (violationCount.incrementAndGet() <= 200) {
      violations.add(v);
    }
  }

  private boolean everyCheckedServerPassed() {
    for (Backend b : demo.router().backends()) {
      for (ServerStatsRow st : b.stats().servers()) {
        if (st.checked() && (st.lastCheck() == null || !st.lastCheck().success())) {
          return false;
        }
      }
    }
    return true;
  }

  /** The backends that have the victim among their servers. */
  private List<Backend> victimBackends() {
    List<Backend> list = new ArrayList<>();
    for (Backend b : demo.router().backends()) {
      if (b.config().server(VICTIM) != null) {
        list.add(b);
      }
    }
    return list;
  }

  /** Every server's stats, in every backend. */
  private List<ServerStatsRow> allServerStats() {
    List<ServerStatsRow> all = new ArrayList<>();
    for (Backend b : demo.router().backends()) {
      all.addAll(b.stats().servers());
    }
    return all;
  }

  private long totalInFlight() {
    return allServerStats().stream().mapToLong(ServerStatsRow::inFlight).sum();
  }

  private long totalInFlightMin() {
    return allServerStats().stream().mapToLong(ServerStatsRow::inFlight).min().orElse(0);
  }

  private String inFlightByServer() {
    StringBuilder sb = new StringBuilder();
    for (Backend b : demo.router().backends()) {
      BackendStats st = b.stats();
      for (ServerStatsRow s : st.servers()) {
        sb.append(st.name()).append('/').append(s.name()).append('=').append(s.inFlight()).append(' ');
      }
    }
    return sb.toString().trim();
  }

  private void sampleCounters() {
    while (!Thread.currentThread().isInterrupted()) {
      minInFlight.accumulateAndGet(totalInFlightMin(), Math::min);
      for (Backend b : victimBackends()) {
        for (ServerStatsRow st : b.stats().servers()) {
          if (st.name().equals(VICTIM) && st.lastCheck() != null) {
            longestProbe.accumulateAndGet(st.lastCheck().durationMillis(), Math::max);
          }
        }
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private static double heapAfterGc() {
    System.gc();
    System.gc();
    long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    return Math.round(used / 1048576.0 * 10) / 10.0;
  }

  private static void sleepUntil(long nanos) throws InterruptedException {
    long left;
    while ((left = nanos - System.nanoTime()) > 0) {
      TimeUnit.NANOSECONDS.sleep(Math.min(left, 100_000_000L));
    }
  }

  private double secondsSince(long start) {
    return (System.nanoTime() - start) / 1e9;
  }

  // --------------------------------------------------------------------------------------------- main

  static final String USAGE = """
      usage: java -cp stickyroute-demo.jar org.stickyroute.demo.ReliabilityRun [options]

        --seconds N              length of the load (default 120)
        --clients N              concurrent clients, one connection each (default 300)
        --inter TIME             health-check interval (default: the configuration's, 10000 ms)
        --sticky-failure POLICY  redispatch (default) or strict
        --seed N                 seed of the project ids and pages (default: random, printed)
      """;

  /** Runs with the command line's settings, prints the report; exits 0 if it passed, 1 if not, 64 on usage. */
  public static void main(String[] args) throws Exception {
    int seconds = 120;
    int clientCount = 300;
    long inter = 0;
    StickyFailure policy = StickyFailure.REDISPATCH;
    long seed = System.nanoTime();
    try {
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        if (a.equals("--help") || a.equals("-h")) {
          System.out.print(USAGE);
          return;
        }
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(a + " needs a value");
        }
        String v = args[++i];
        switch (a) {
          case "--seconds" -> seconds = Integer.parseInt(v);
          case "--clients" -> clientCount = Integer.parseInt(v);
          case "--inter" -> inter = org.stickyroute.config.TimeUnits.parseMillis(v);
          case "--seed" -> seed = Long.parseLong(v);
          case "--sticky-failure" -> policy = switch (v) {
            case "redispatch" -> StickyFailure.REDISPATCH;
            case "strict" -> StickyFailure.STRICT;
            default -> throw new IllegalArgumentException("'" + v + "': --sticky-failure expects redispatch or strict");
          };
          default -> throw new IllegalArgumentException("'" + a + "': unknown argument");
        }
      }
      if (seconds < 10 || clientCount < 3 || (inter != 0 && inter < 100)) {
        throw new IllegalArgumentException("--seconds >= 10, --clients >= 3, --inter >= 100ms");
      }
    } catch (RuntimeException e) {
      System.err.println("reliability: " + e.getMessage());
      System.err.print(USAGE);
      System.exit(Demo.EXIT_USAGE);
      return;
    }
    ReliabilityReport r = run(new Settings(seconds, clientCount, inter, policy, seed), System.out);
    System.out.print(r.text());
    System.exit(r.passed() ? 0 : 1);
  }
}
