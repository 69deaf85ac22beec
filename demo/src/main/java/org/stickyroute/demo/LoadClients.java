package org.stickyroute.demo;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.jetty.client.BufferingResponseListener;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.stickyroute.BackendSnapshot;
import org.stickyroute.config.StickyFailure;

/**
 * The load of a {@link ReliabilityRun}: closed-loop clients over real HTTP (Jetty's client, one connection each),
 * two thirds browser-like (pages outside {@code /project}, keeping the {@code SERVERID} cookie they are given), one
 * third compiling their own four projects. Each answer is checked as it arrives (cookies, instances, statuses);
 * each non-2xx is kept for the run to explain. It also knows which requests are still unanswered, so that the run
 * can wait for events instead of for time.
 */
final class LoadClients {
  /** One closed-loop client: a browser with a cookie jar of one SERVERID cookie, or a project's compiles. */
  static final class Client {
    final int id;
    final boolean project;
    final String[] paths;
    int next;
    volatile String cookie;
    volatile String cookieAtKill;
    volatile boolean movedAfterKill;
    /** When the requests of its last two answers were sent ({@link System#nanoTime()}). */
    volatile long lastAnsweredSent = Long.MIN_VALUE;
    volatile long previousAnsweredSent = Long.MIN_VALUE;

    Client(int id, boolean project, String[] paths) {
      this.id = id;
      this.project = project;
      this.paths = paths;
    }
  }

  private final StickyFailure policy;
  private final Timeline timeline;
  private final Violations violations;
  private final AttemptLog attempts;
  private final String base;
  private final HttpClient http;
  private final List<Client> clients = new ArrayList<>();
  private final Map<String, String> projectHome = new ConcurrentHashMap<>();
  private final Map<Long, Long> unanswered = new ConcurrentHashMap<>(); // request id -> sent
  private final AtomicLong requestIds = new AtomicLong();
  private volatile boolean running = true;
  private CountDownLatch finished;

  final LongAdder requests = new LongAdder();
  final LongAdder ok = new LongAdder();
  final LongAdder steady = new LongAdder();
  final LongAdder steadyFailed = new LongAdder();
  final LongAdder cookieMoves = new LongAdder();
  final LatencyHistogram latency = new LatencyHistogram();
  final ConcurrentLinkedQueue<FailureCauses.Failure> failures = new ConcurrentLinkedQueue<>();
  private final Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();

  /**
   * Creates {@code count} clients (every third one a project client) with paths from {@code seed}, and records
   * each project's home: the server the map-based table picks while every instance is up.
   */
  LoadClients(ReliabilityRun.Settings settings, Timeline timeline, Violations violations, AttemptLog attempts,
      String base, BackendSnapshot projects) throws Exception {
    this.policy = settings.policy();
    this.timeline = timeline;
    this.violations = violations;
    this.attempts = attempts;
    this.base = base;
    SplittableRandom random = new SplittableRandom(settings.seed());
    for (int i = 0; i < settings.clients(); i++) {
      boolean project = i % 3 == 0;
      String[] paths = new String[project ? 4 : ReliabilityRun.PAGES.length];
      for (int k = 0; k < paths.length; k++) {
        paths[k] = project ? "/project/" + Long.toHexString(random.nextLong() & 0xffffffffffffL) + "/compile"
            : ReliabilityRun.PAGES[random.nextInt(ReliabilityRun.PAGES.length)];
      }
      clients.add(new Client(i, project, paths));
    }
    for (Client c : clients) {
      if (c.project) {
        for (String p : c.paths) {
          projectHome.put(p, projects.server(projects.select(p)).name());
        }
      }
    }
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
  }

  List<Client> clients() {
    return clients;
  }

  /** Starts every client's loop. */
  void start() {
    finished = new CountDownLatch(clients.size());
    for (Client c : clients) {
      http.getExecutor().execute(() -> fire(c));
    }
  }

  /** Stops sending; returns whether every client had its last answer within the timeout. */
  boolean stop(long timeout, TimeUnit unit) throws InterruptedException {
    running = false;
    return finished == null || finished.await(timeout, unit);
  }

  /** Clients still waiting for their last answer. */
  long stillWaiting() {
    return finished == null ? 0 : finished.getCount();
  }

  /** Stops the HTTP client. */
  void close() throws Exception {
    running = false;
    http.stop();
  }

  /** Whether every request sent at or before {@code mark} has had its answer (or failed). */
  boolean answeredAllSentBefore(long mark) {
    for (long sent : unanswered.values()) {
      if (sent <= mark) {
        return false;
      }
    }
    return true;
  }

  /** Whether every client has had two answers to requests it sent after {@code mark}. */
  boolean everyClientAnsweredTwiceAfter(long mark) {
    for (Client c : clients) {
      if (c.previousAnsweredSent <= mark) {
        return false;
      }
    }
    return true;
  }

  /** The non-2xx answers by status, {@code 0} for transport failures. */
  Map<Integer, Long> statuses() {
    Map<Integer, Long> m = new TreeMap<>();
    statuses.forEach((k, v) -> m.put(k, v.sum()));
    return m;
  }

  // ------------------------------------------------------------------------------------- one request

  private void fire(Client c) {
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
    unanswered.put(id, sent);
    request.send(new BufferingResponseListener(64 * 1024) {
      @Override
      public void onComplete(Result result) {
        try {
          record(c, id, path, cookie, sent, result, result.isFailed() ? null : getContentAsString());
        } catch (RuntimeException e) {
          violations.add("checking an answer threw: " + e);
        } finally {
          c.previousAnsweredSent = c.lastAnsweredSent;
          c.lastAnsweredSent = sent;
          unanswered.remove(id);
        }
        http.getExecutor().execute(() -> fire(c));
      }
    });
  }

  private void record(Client c, long id, String path, String sentCookie, long sent, Result result, String body) {
    long done = System.nanoTime();
    requests.increment();
    latency.record(done - sent);
    if (timeline.allUp(sent, done)) {
      steady.increment();
      if (result.isFailed() || result.getResponse().getStatus() / 100 != 2) {
        steadyFailed.increment();
      }
    }
    if (result.isFailed()) {
      statuses.computeIfAbsent(0, k -> new LongAdder()).increment();
      failures.add(new FailureCauses.Failure(c, id, path, sentCookie, sent, done, 0, false, false, null,
          String.valueOf(result.getFailure())));
      return;
    }
    var response = result.getResponse();
    int status = response.getStatus();
    if (status / 100 != 2) {
      statuses.computeIfAbsent(status, k -> new LongAdder()).increment();
      boolean strictPage = body != null && body.contains(ReliabilityRun.STRICT_MARK);
      boolean haproxy503 = status == 503 && body != null && body.contains("No server is available to handle this request.");
      String detail = strictPage ? "strict page" : haproxy503 ? "HAProxy's 503 page" : body == null ? "" : body.replace('\n', ' ');
      failures.add(new FailureCauses.Failure(c, id, path, sentCookie, sent, done, status, strictPage, haproxy503,
          response.getHeaders().get("X-Served-By"), detail.length() > 1200 ? detail.substring(0, 1200) : detail));
      List<HttpField> setCookies = response.getHeaders().getFields(HttpHeader.SET_COOKIE);
      if (strictPage && setCookies != null && !setCookies.isEmpty()) {
        violations.add("a strict error page carried a Set-Cookie");
      }
      return;
    }
    ok.increment();
    attempts.forget(id); // a 2xx needs no explaining
    String servedBy = response.getHeaders().get("X-Served-By");
    if (servedBy == null) {
      violations.add("2xx without X-Served-By for " + path);
      return;
    }
    if (body != null && body.contains("SERVERID")) {
      violations.add(servedBy + " received the SERVERID cookie (indirect must strip it): " + path);
    }
    String newCookie = serverIdCookie(response.getHeaders().getFields(HttpHeader.SET_COOKIE));
    if (c.project) {
      if (newCookie != null) {
        violations.add("a /project/ answer set a SERVERID cookie");
      }
      String home = projectHome.get(path);
      if (home != null && timeline.allUp(sent, done) && !home.equals(servedBy)) {
        violations.add(String.format(Locale.ROOT, "project %s moved from %s to %s while every instance was up", path,
            home, servedBy));
      }
      return;
    }
    checkCookie(c, sentCookie, servedBy, newCookie, done);
  }

  /** A browser-like client's 2xx: stays on its instance while it runs; every move comes with a new cookie. */
  private void checkCookie(Client c, String sentCookie, String servedBy, String newCookie, long done) {
    String victim = ReliabilityRun.VICTIM;
    if (sentCookie == null) {
      if (!servedBy.equals(newCookie)) {
        violations.add("a new visitor served by " + servedBy + " got cookie " + newCookie);
      }
    } else if (!sentCookie.equals(servedBy)) {
      if (!servedBy.equals(newCookie)) {
        violations.add("moved from " + sentCookie + " to " + servedBy + " without a new cookie (got " + newCookie + ")");
      } else {
        cookieMoves.increment();
        if (done >= timeline.killStart && victim.equals(sentCookie)) {
          c.movedAfterKill = true;
        }
      }
      if (policy == StickyFailure.STRICT) {
        violations.add("strict: a client of " + sentCookie + " was served by " + servedBy);
      }
      if (!sentCookie.equals(victim) || done < timeline.killStart) { // in flight at the kill: may go elsewhere
        violations.add("a client of " + sentCookie + " (running) was moved to " + servedBy);
      }
    } else if (newCookie != null) {
      violations.add("a direct request to " + servedBy + " got a Set-Cookie again");
    }
    if (newCookie != null) {
      c.cookie = newCookie;
    }
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
}
