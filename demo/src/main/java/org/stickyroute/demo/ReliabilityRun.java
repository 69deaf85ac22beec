package org.stickyroute.demo;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongUnaryOperator;
import org.eclipse.jetty.http.HttpField;
import org.stickyroute.Backend;
import org.stickyroute.ServerStatsRow;
import org.stickyroute.ServerStatusWord;
import org.stickyroute.config.ServerConfig;
import org.stickyroute.config.StickyFailure;

/**
 * Sustained load and a failing instance, against the demo proxy, with the figures the README's
 * "Reliability" section reports. It starts the {@link Demo} in this JVM, drives it over real HTTP with many
 * concurrent closed-loop clients ({@link LoadClients}), kills one instance as a crash would (open connections
 * reset, new ones refused, nothing more answered), waits until the health checks mark it DOWN and every request
 * sent before that has its answer, brings it back, waits until the checks mark it UP and every request sent
 * before that has its answer, and keeps the load on to the end. Each phase waits for events (answers, check
 * results), never for a time that a busy machine could overrun. Then it checks:
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
 *   <li>detection by the checks: DOWN at the {@code fall}-th failed check after the kill, UP at the {@code
 *       rise}-th good check after the restart (one more for a probe that spanned the kill or the restart); the
 *       times are reported beside {@code fall × inter} and {@code rise × inter};
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
  /** How long the run waits for an event (an answer, a client's turn) before it reports a violation. */
  private static final long EVENT_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(90);

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

  private final Settings settings;
  private final PrintStream log;
  private final Timeline timeline = new Timeline();
  private final Violations violations = new Violations();
  private final AttemptLog attempts = new AttemptLog();
  /** Per backend: health checks of the victim completed at the kill, at DOWN, at the restart, at UP. */
  private final Map<String, long[]> checks = new ConcurrentHashMap<>();
  private Demo demo;
  private LoadClients load;
  private CounterWatch counters;

  private ReliabilityRun(Settings settings, PrintStream log) {
    this.settings = settings;
    this.log = log;
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
    if (counters != null) {
      counters.close();
    }
    try {
      if (load != null) {
        load.close();
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
    String base = "http://127.0.0.1:" + demo.port();
    long inter = demo.interMillis();
    int rise = 0;
    int fall = 0;
    List<Backend> victimBackends = victimBackends();
    for (Backend b : victimBackends) {
      ServerConfig s = b.config().server(VICTIM);
      rise = Math.max(rise, s.rise());
      fall = Math.max(fall, s.fall());
      String name = b.name();
      long[] c = checks.computeIfAbsent(name, k -> new long[4]);
      // Called on the checker's thread, before it schedules its next probe: the count includes the transition's
      // check and no later one. One listener call at a time per backend.
      b.addListener(t -> {
        if (t.server().equals(VICTIM)) {
          long now = System.nanoTime();
          if (t.to() == ServerStatusWord.DOWN && timeline.killStart != Timeline.NOT_YET
              && !timeline.downAt.containsKey(name)) {
            c[1] = demo.checksCompleted(name, VICTIM); // written before the mark that publishes it
            timeline.downAt.put(name, now);
          } else if (t.to() == ServerStatusWord.UP && timeline.restoreStart != Timeline.NOT_YET
              && !timeline.upAt.containsKey(name)) {
            c[3] = demo.checksCompleted(name, VICTIM);
            timeline.upAt.put(name, now);
          }
        }
      });
    }
    // Time bounds, reported: the last good check was at most one (jittered) interval before the kill, then fall
    // (rise) more checks, each starting inter (± 5 %) after the previous one ended, so the probes' own time adds up.
    final int riseN = rise;
    final int fallN = fall;
    LongUnaryOperator downBoundOf = probe -> Math.round(fallN * inter * 1.05) + fallN * probe + 250;
    LongUnaryOperator upBoundOf = probe -> Math.round(riseN * inter * 1.05) + riseN * probe + 250;

    load = new LoadClients(settings, timeline, violations, attempts, base,
        demo.router().backend(PROJECT_BACKEND).snapshot());
    counters = new CounterWatch(demo.router());

    // Start the load once every checked server has passed a check: a checked server starts UP with its
    // health at `rise`, so HAProxy (and stickyroute) mark it DOWN at its first failed check, and a first probe
    // that times out under a cold-start burst of load would take an instance out before the run begins.
    awaitEvent("every checked server passed a health check", this::everyCheckedServerPassed);
    long start = System.nanoTime();
    long end = start + TimeUnit.SECONDS.toNanos(settings.seconds());
    load.start();
    List<Double> heap = new ArrayList<>();
    long warmUp = Math.min(10, Math.max(2, settings.seconds() / 10));
    sleepUntil(start + TimeUnit.SECONDS.toNanos(warmUp));
    heap.add(heapAfterGc());
    log.printf(Locale.ROOT, "reliability: %d clients on %s, warm-up done, %,d requests so far%n",
        load.clients().size(), base, load.requests.sum());

    // steady load (every client answered twice since the warm-up, however slow the machine), then the kill
    long warmedUp = System.nanoTime();
    sleepUntil(start + (end - start) / 4);
    awaitEvent("every client answered twice before the kill", () -> load.everyClientAnsweredTwiceAfter(warmedUp));
    heap.add(heapAfterGc());
    for (LoadClients.Client c : load.clients()) {
      c.cookieAtKill = c.cookie;
    }
    for (Backend b : victimBackends) {
      checks.get(b.name())[0] = demo.checksCompleted(b.name(), VICTIM);
    }
    timeline.killStart = System.nanoTime();
    demo.instance(VICTIM).setState(DemoInstance.State.DOWN);
    timeline.killDone = System.nanoTime();
    // measured at the proxy: the requests with an attempt running on the victim while it was being killed
    Set<Long> inFlightAtKill = new HashSet<>(attempts.runningOn(VICTIM, timeline.killStart, timeline.killDone));
    log.printf(Locale.ROOT, "reliability: t=%.1fs killed %s (%d in flight on it)%n", secondsSince(start), VICTIM,
        inFlightAtKill.size());

    awaitEvent("the checks marked " + VICTIM + " DOWN in every backend",
        () -> timeline.downAt.size() == victimBackends.size());
    log.printf(Locale.ROOT, "reliability: t=%.1fs health checks: %s DOWN in %s%n", secondsSince(start), VICTIM,
        timeline.downAt.keySet());
    // keep it down until every request sent before the checks noticed has its answer (their retries on the dead
    // instance, or their redispatch), and at least to the middle of the run
    long down = Timeline.last(timeline.downAt, victimBackends.size());
    awaitEvent("every request sent before DOWN answered", () -> load.answeredAllSentBefore(down));
    long upBound0 = upBoundOf.applyAsLong(0);
    sleepUntil(start + (end - start) / 2 - TimeUnit.MILLISECONDS.toNanos(upBound0));
    for (Backend b : victimBackends) {
      checks.get(b.name())[2] = demo.checksCompleted(b.name(), VICTIM);
    }
    timeline.restoreStart = System.nanoTime();
    demo.instance(VICTIM).setState(DemoInstance.State.UP);
    log.printf(Locale.ROOT, "reliability: t=%.1fs restored %s%n", secondsSince(start), VICTIM);
    awaitEvent("the checks marked " + VICTIM + " UP in every backend",
        () -> timeline.upAt.size() == victimBackends.size());
    log.printf(Locale.ROOT, "reliability: t=%.1fs health checks: %s UP in %s%n", secondsSince(start), VICTIM,
        timeline.upAt.keySet());
    // recovered once every request sent before UP has its answer (a strict client's retries, say)
    long up = Timeline.last(timeline.upAt, victimBackends.size());
    awaitEvent("every request sent before UP answered", () -> load.answeredAllSentBefore(up));
    long recovered = System.nanoTime();
    timeline.recovered = recovered;
    heap.add(heapAfterGc());
    sleepUntil(Math.max(end, recovered + TimeUnit.SECONDS.toNanos(3)));
    awaitEvent("every client answered twice after recovery", () -> load.everyClientAnsweredTwiceAfter(recovered));

    long stopAt = System.nanoTime();
    if (!load.stop(90, TimeUnit.SECONDS)) {
      violations.add("clients still waiting for answers 90 s after the load stopped: " + load.stillWaiting());
    }
    double seconds = (stopAt - start) / 1e9;
    long inFlightAtEnd = 0;
    for (int i = 0; i < 600; i++) { // the lease is released when the proxy's request ends, just after the answer
      inFlightAtEnd = counters.totalInFlight();
      if (inFlightAtEnd == 0) {
        break;
      }
      Thread.sleep(50);
    }
    counters.close();
    if (inFlightAtEnd != 0) {
      violations.add("in-flight counters not back to 0 at the end: " + inFlightAtEnd + " " + counters.inFlightByServer());
    }
    long minSeen = counters.minInFlightSeen();
    if (minSeen < 0) {
      violations.add("an in-flight counter was seen below 0: " + minSeen);
    }
    heap.add(heapAfterGc());
    // The baseline is the heap before the kill, a quarter into the run: by then the connection and buffer
    // pools have grown to the load. Short runs do not reach that steady state, so they only report the heap.
    double baseline = heap.get(1);
    if (settings.seconds() >= 60 && heap.get(heap.size() - 1) > baseline * 1.15 + 8) {
      violations.add("heap after GC grew from " + baseline + " MB before the kill to " + heap.get(heap.size() - 1) + " MB");
    }

    // Detection, by the checks: DOWN at the fall-th failed check after the kill (one more if a probe that began
    // before the kill ended after it), UP at the rise-th good check after the restart (likewise). The times are
    // reported beside their bounds; on a busy machine the checker's scheduling delays add to them.
    long probe = counters.longestProbeMillis();
    long downBound = downBoundOf.applyAsLong(probe);
    long upBound = upBoundOf.applyAsLong(probe);
    Map<String, Long> downMillis = new LinkedHashMap<>();
    Map<String, Long> upMillis = new LinkedHashMap<>();
    Map<String, Long> downChecks = new LinkedHashMap<>();
    Map<String, Long> upChecks = new LinkedHashMap<>();
    for (Backend b : victimBackends) {
      Long d = timeline.downAt.get(b.name());
      Long u = timeline.upAt.get(b.name());
      long[] c = checks.get(b.name());
      downMillis.put(b.name(), d == null ? -1 : TimeUnit.NANOSECONDS.toMillis(d - timeline.killStart));
      upMillis.put(b.name(), u == null ? -1 : TimeUnit.NANOSECONDS.toMillis(u - timeline.restoreStart));
      downChecks.put(b.name(), d == null ? -1 : c[1] - c[0]);
      upChecks.put(b.name(), u == null ? -1 : c[3] - c[2]);
      if (d == null || c[1] - c[0] > fall + 1) {
        violations.add(b.name() + ": " + VICTIM + " not marked DOWN at the fall-th failed check after the kill: "
            + downChecks.get(b.name()) + " checks");
      }
      if (u == null || c[3] - c[2] > rise + 1) {
        violations.add(b.name() + ": " + VICTIM + " not marked UP at the rise-th good check after the restart: "
            + upChecks.get(b.name()) + " checks");
      }
    }

    // every failure explained, by what the proxy recorded about it
    FailureCauses causes = new FailureCauses(settings.policy(), timeline);
    long lost = 0;
    List<String> lostDetails = new ArrayList<>();
    long project503 = 0;
    long strict = 0;
    for (FailureCauses.Failure f : load.failures) {
      List<AttemptLog.Attempt> tried = attempts.of(f.id());
      switch (causes.cause(f, tried, inFlightAtKill)) {
        case PROJECT_HASHED_TO_DEAD -> project503++;
        case STRICT_PAGE -> strict++;
        case CUT_BY_THE_KILL -> {
          lost++;
          if (lostDetails.size() < 10) {
            lostDetails.add(FailureCauses.describe(f, tried, start));
          }
        }
        default -> violations.add("unexplained failure: " + FailureCauses.describe(f, tried, start) + FailureCauses.traces(tried));
      }
    }
    if (lost > inFlightAtKill.size()) { // cannot happen: each loss is one of them
      violations.add("lost " + lost + " requests, but only " + inFlightAtKill.size() + " were in flight on " + VICTIM);
    }
    if (load.steadyFailed.sum() != 0) {
      violations.add(load.steadyFailed.sum() + " non-2xx answers while every instance was up");
    }
    int victimClients = 0;
    int victimMoved = 0;
    for (LoadClients.Client c : load.clients()) {
      if (!c.project && VICTIM.equals(c.cookieAtKill)) {
        victimClients++;
        if (c.movedAfterKill) {
          victimMoved++;
        }
      }
    }
    if (settings.policy() == StickyFailure.REDISPATCH && victimMoved != victimClients) {
      violations.add(victimClients - victimMoved + " of " + victimClients + " clients of " + VICTIM
          + " were not redispatched with a new cookie");
    }
    if (settings.policy() == StickyFailure.STRICT && victimMoved != 0) {
      violations.add(victimMoved + " clients of " + VICTIM + " were moved to another instance under strict");
    }
    if (victimClients == 0) {
      violations.add("no client had a cookie for " + VICTIM + " when it died: the failure was not exercised");
    }

    Settings ran = new Settings(settings.seconds(), settings.clients(), inter, settings.policy(), settings.seed());
    return new ReliabilityReport(ran, load.requests.sum(), load.ok.sum(), Collections.unmodifiableMap(load.statuses()),
        seconds, load.latency.percentile(0.50), load.latency.percentile(0.99), load.latency.max(),
        inFlightAtKill.size(), lost, List.copyOf(lostDetails), load.steady.sum(), load.steadyFailed.sum(), project503,
        strict, load.cookieMoves.sum(), victimClients, victimMoved, downMillis, upMillis, downChecks, upChecks,
        downBound, upBound, probe, inFlightAtEnd, minSeen, List.copyOf(heap), violations.list());
  }

  /** Waits until {@code event} holds, up to {@link #EVENT_TIMEOUT_NANOS}; if it never does, a violation. */
  private void awaitEvent(String event, BooleanSupplier happened) throws InterruptedException {
    long deadline = System.nanoTime() + EVENT_TIMEOUT_NANOS;
    while (!happened.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        violations.add("waited " + TimeUnit.NANOSECONDS.toSeconds(EVENT_TIMEOUT_NANOS) + " s in vain for: " + event);
        return;
      }
      Thread.sleep(10);
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

  /** The SERVERID value of the answer's Set-Cookie fields, or null. */
  static String serverIdCookie(List<HttpField> fields) {
    return LoadClients.serverIdCookie(fields);
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

  private static double secondsSince(long start) {
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
