package org.stickyroute.demo;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
 *   <li>every failed request is explained: in flight on the instance when it died; a {@code /project/}
 *       request hashed to the dead instance before the checks noticed (map-based hashing recomputes the same
 *       server, so HAProxy answers 503 there too); or, under {@code strict}, the clear error for a user whose
 *       cookie names the dead instance. Anything else is a violation;
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

  /**
   * The figures of one run.
   *
   * @param settings what ran
   * @param requests answers received (and transport failures)
   * @param ok 2xx answers
   * @param statuses the other answers by status, and {@code 0} for transport failures
   * @param seconds the measured length of the load
   * @param p50Millis median latency
   * @param p99Millis 99th percentile latency
   * @param maxMillis largest latency
   * @param inFlightAtKill requests the proxy had in flight on the instance when it was killed (both
   *     backends, sampled just before and just after)
   * @param lostInFlight failed requests sent before the kill completed and still running when it began
   * @param lostDetails up to ten of those, as text
   * @param steadyRequests requests sent while every instance was up (before the kill, after recovery)
   * @param steadyFailures of those, the ones that failed (other than those in flight at the kill): must be 0
   * @param projectHashed503 {@code /project/} requests to the dead instance before the checks noticed, answered
   *     503 after the retries (HAProxy's behaviour for map-based hashing)
   * @param strictErrors the clear error pages under {@code strict}
   * @param cookieMoves responses that moved a client to another instance, each with a new cookie
   * @param victimClients clients whose cookie named the victim when it died
   * @param victimClientsMoved of those, the clients that got a new cookie for another instance
   * @param downMillis per backend, kill to DOWN
   * @param upMillis per backend, restore to UP
   * @param downBoundMillis {@code fall × inter} with the jitter, plus {@code fall} times the longest probe
   *     (the checker waits {@code inter} after each probe ends)
   * @param upBoundMillis {@code rise × inter} with the jitter, plus {@code rise} times the longest probe
   * @param longestProbeMillis the longest health-check probe of the victim seen during the run
   * @param inFlightAtEnd every server's in-flight count at the end, summed
   * @param minInFlightSeen the smallest in-flight count sampled during the run
   * @param heapMb the used heap after a full GC: after warm-up, before the kill, after recovery, at the end
   * @param violations what did not hold (empty when the run passed)
   */
  public record Report(
      Settings settings,
      long requests,
      long ok,
      Map<Integer, Long> statuses,
      double seconds,
      double p50Millis,
      double p99Millis,
      double maxMillis,
      int inFlightAtKill,
      long lostInFlight,
      List<String> lostDetails,
      long steadyRequests,
      long steadyFailures,
      long projectHashed503,
      long strictErrors,
      long cookieMoves,
      int victimClients,
      int victimClientsMoved,
      Map<String, Long> downMillis,
      Map<String, Long> upMillis,
      long downBoundMillis,
      long upBoundMillis,
      long longestProbeMillis,
      long inFlightAtEnd,
      long minInFlightSeen,
      List<Double> heapMb,
      List<String> violations) {

    /** Whether every check held. */
    public boolean passed() {
      return violations.isEmpty();
    }

    /** The report as text, one figure per line. */
    public String text() {
      StringBuilder b = new StringBuilder();
      b.append(String.format(Locale.ROOT, "reliability: %d clients, %.0f s, inter %d ms, sticky-failure %s, seed %d%n",
          settings.clients(), seconds, settings.interMillis(), settings.policy().name().toLowerCase(Locale.ROOT),
          settings.seed()));
      b.append(String.format(Locale.ROOT, "  requests        %,d (%,.0f/s), 2xx %,d, other %s%n", requests, requests / seconds, ok,
          statuses.isEmpty() ? "none" : statuses));
      b.append(String.format(Locale.ROOT, "  steady load     %,d requests while every instance was up (before the kill, after recovery): %d non-2xx%n",
          steadyRequests, steadyFailures));
      b.append(String.format(Locale.ROOT, "  latency         p50 %.2f ms, p99 %.2f ms, max %.0f ms%n", p50Millis, p99Millis, maxMillis));
      b.append(String.format(Locale.ROOT, "  kill %s       %d request(s) in flight on it; %d failed (in flight when it died)%n",
          VICTIM, inFlightAtKill, lostInFlight));
      for (String l : lostDetails) {
        b.append("                    ").append(l).append('\n');
      }
      b.append(String.format(Locale.ROOT, "  project 503s    %d (/project/ hashed to %s before the checks noticed: HAProxy's map-based behaviour)%n",
          projectHashed503, VICTIM));
      if (settings.policy() == StickyFailure.STRICT) {
        b.append(String.format(Locale.ROOT, "  strict errors   %d (clear error page for users whose cookie names %s)%n", strictErrors, VICTIM));
      }
      b.append(String.format(Locale.ROOT, "  sticky clients  %d had a cookie for %s when it died; %d moved with a new cookie; %d moves in all, each with a new cookie%n",
          victimClients, VICTIM, victimClientsMoved, cookieMoves));
      b.append(String.format(Locale.ROOT, "  detection       DOWN after %s ms (bound %d), UP after %s ms (bound %d)%n",
          downMillis, downBoundMillis, upMillis, upBoundMillis));
      b.append(String.format(Locale.ROOT, "                  (bounds: fall or rise x inter x 1.05 + that many of the longest probe, %d ms, + 250 ms)%n",
          longestProbeMillis));
      b.append(String.format(Locale.ROOT, "  counters        in flight at the end %d, lowest seen %d%n", inFlightAtEnd, minInFlightSeen));
      b.append(String.format(Locale.ROOT, "  heap after GC   %s MB (after warm-up, before the kill, after recovery, at the end)%n", heapMb));
      b.append(violations.isEmpty() ? "  PASSED: every check held\n" : "  FAILED:\n");
      int shown = 0;
      for (String v : violations) {
        if (shown++ == 20) {
          b.append("    ... ").append(violations.size() - 20).append(" more\n");
          break;
        }
        b.append("    ").append(v).append('\n');
      }
      return b.toString();
    }
  }

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
  private final Histogram latency = new Histogram();
  private final ConcurrentLinkedQueue<Failure> failures = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
  private final AtomicInteger violationCount = new AtomicInteger();
  private final Map<String, String> projectHome = new ConcurrentHashMap<>();
  private final AtomicLong minInFlight = new AtomicLong(Long.MAX_VALUE);
  private final AtomicLong longestProbe = new AtomicLong();
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
  record Failure(Client client, String path, String sentCookie, long sent, long done, int status, boolean strictPage,
      String servedBy, String detail) {}

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
  public static Report run(Settings settings, PrintStream log) throws Exception {
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

  private Report go() throws Exception {
    demo = Demo.start(0, settings.interMillis(), settings.policy());
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
    int inFlightAtKill = inFlightOn(VICTIM);
    killStart = System.nanoTime();
    demo.instance(VICTIM).setState(DemoInstance.State.DOWN);
    killDone = System.nanoTime();
    inFlightAtKill = Math.max(inFlightAtKill, inFlightOn(VICTIM));
    log.printf(Locale.ROOT, "reliability: t=%.1fs killed %s (%d in flight on it)%n", secondsSince(start), VICTIM, inFlightAtKill);

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

    // every failure explained
    long lost = 0;
    List<String> lostDetails = new ArrayList<>();
    long project503 = 0;
    long strict = 0;
    for (Failure f : failures) {
      if (f.client().project && f.status() == 503 && VICTIM.equals(projectHome.get(f.path()))
          && f.sent() >= killStart && f.sent() < projectDown) {
        project503++;
      } else if (settings.policy() == StickyFailure.STRICT && !f.client().project && VICTIM.equals(f.sentCookie())
          && f.strictPage() && f.done() >= killStart && f.sent() < recovered) {
        strict++;
      } else if (f.sent() < killDone && f.done() >= killStart && (f.status() != 500 || VICTIM.equals(f.servedBy()))) {
        // in flight when the instance died: retried where allowed, else its last answer (an instance that is
        // stopping may itself answer 500 to what it was serving) or the proxy's 502/503
        lost++;
        if (lostDetails.size() < 10) {
          lostDetails.add(String.format(Locale.ROOT, "%s %s (cookie %s) -> %s %s%s", f.client().project ? "project" : "page",
              f.path(), f.sentCookie(), f.status() == 0 ? "transport failure" : f.status(),
              f.servedBy() == null ? "" : "from " + f.servedBy() + ": ", f.detail()));
        }
      } else {
        violation(String.format(Locale.ROOT, "unexplained failure at t=%.3fs: %s %s (cookie %s) -> %s %s%s",
            (f.sent() - start) / 1e9, f.client().project ? "project" : "page", f.path(), f.sentCookie(),
            f.status() == 0 ? "transport failure" : f.status(), f.servedBy() == null ? "" : "from " + f.servedBy() + ": ",
            f.detail()));
      }
    }
    if (lost > inFlightAtKill + 2L) { // the samples bracket the kill; allow the two requests between them
      violation("lost " + lost + " requests sent before the kill, but only " + inFlightAtKill + " were in flight on " + VICTIM);
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
    return new Report(ran, requests.sum(), ok.sum(), Collections.unmodifiableMap(other), seconds,
        latency.percentile(0.50), latency.percentile(0.99), latency.max(), inFlightAtKill, lost, List.copyOf(lostDetails), steady.sum(),
        steadyFailed.sum(), project503, strict,
        cookieMoves.sum(), victimClients, victimMoved, downMillis, upMillis, downBound, upBound, probe, inFlightAtEnd,
        minSeen, List.copyOf(heap), List.copyOf(v));
  }

  // ------------------------------------------------------------------------------------- one request

  private void fire(Client c, CountDownLatch finished) {
    if (!running) {
      finished.countDown();
      return;
    }
    String path = c.paths[c.next++ % c.paths.length];
    String cookie = c.project ? null : c.cookie;
    Request request = http.newRequest(URI.create(base + path)).timeout(60, TimeUnit.SECONDS);
    request.headers(h -> h.put(HttpHeader.COOKIE, cookie == null ? "lang=en" : "SERVERID=" + cookie + "; lang=en"));
    long sent = System.nanoTime();
    request.send(new BufferingResponseListener(64 * 1024) {
      @Override
      public void onComplete(Result result) {
        try {
          record(c, path, cookie, sent, result, result.isFailed() ? null : getContentAsString());
        } catch (RuntimeException e) {
          violation("checking an answer threw: " + e);
        }
        http.getExecutor().execute(() -> fire(c, finished));
      }
    });
  }

  private void record(Client c, String path, String sentCookie, long sent, Result result, String body) {
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
      failures.add(new Failure(c, path, sentCookie, sent, done, 0, false, null, String.valueOf(result.getFailure())));
      return;
    }
    var response = result.getResponse();
    int status = response.getStatus();
    if (status / 100 != 2) {
      statuses.computeIfAbsent(status, k -> new LongAdder()).increment();
      boolean strictPage = body != null && body.contains(STRICT_MARK);
      boolean haproxy503 = status == 503 && body != null && body.contains("No server is available to handle this request.");
      String detail = strictPage ? "strict page" : haproxy503 ? "HAProxy's 503 page" : body == null ? "" : body.replace('\n', ' ');
      failures.add(new Failure(c, path, sentCookie, sent, done, status, strictPage, response.getHeaders().get("X-Served-By"),
          detail.length() > 1200 ? detail.substring(0, 1200) : detail));
      if (strictPage && hasSetCookie(response.getHeaders().getFields(HttpHeader.SET_COOKIE))) {
        violation("a strict error page carried a Set-Cookie");
      }
      return;
    }
    ok.increment();
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

  private int inFlightOn(String server) {
    return allServerStats().stream().filter(s -> s.name().equals(server)).mapToInt(ServerStatsRow::inFlight).sum();
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

  /** Latencies: 10 µs buckets to 100 ms, then 1 ms buckets to 120 s. */
  static final class Histogram {
    private static final int FINE = 10_000;
    private final AtomicLongArray counts = new AtomicLongArray(FINE + 120_000);
    private final AtomicLong max = new AtomicLong();

    void record(long nanos) {
      long micros = Math.max(0, nanos / 1000);
      int i = micros < 100_000 ? (int) (micros / 10) : (int) Math.min(FINE + micros / 1000 - 100, counts.length() - 1);
      counts.incrementAndGet(i);
      max.accumulateAndGet(nanos, Math::max);
    }

    /** The upper edge of the bucket holding the {@code q} quantile, in milliseconds. */
    double percentile(double q) {
      long total = 0;
      for (int i = 0; i < counts.length(); i++) {
        total += counts.get(i);
      }
      long rank = (long) Math.ceil(q * total);
      long seen = 0;
      for (int i = 0; i < counts.length(); i++) {
        seen += counts.get(i);
        if (seen >= rank && seen > 0) {
          return i < FINE ? (i + 1) / 100.0 : (i - FINE + 101);
        }
      }
      return 0;
    }

    double max() {
      return max.get() / 1e6;
    }
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
    Report r = run(new Settings(seconds, clientCount, inter, policy, seed), System.out);
    System.out.print(r.text());
    System.exit(r.passed() ? 0 : 1);
  }
}
