package org.stickyroute.health;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.stickyroute.Backend;
import org.stickyroute.BackendSnapshot;
import org.stickyroute.CheckResult;
import org.stickyroute.Health;
import org.stickyroute.ServerTransition;
import org.stickyroute.config.BackendConfig;
import org.stickyroute.config.HttpCheckConfig;
import org.stickyroute.config.ServerConfig;

/**
 * Active health checks for the servers of one {@link Backend} that have {@code check} (HAProxy's {@code
 * server ... check} with {@code option httpchk}), feeding {@link Backend#setHealth(String, Health,
 * ServerTransition.Cause, String)} through the rise/fall {@link HealthCounter}.
 *
 * <ul>
 *   <li>Request: the method and request-target of {@code option httpchk} (default {@code OPTIONS /}) sent
 *       to {@code http://address:port}. HAProxy sends {@code HTTP/1.0} without any header; {@code
 *       java.net.http} can only speak HTTP/1.1 (and 2), so the check goes out as HTTP/1.1 with a {@code
 *       Host} header, and the client may reuse a kept-alive connection between checks. Without {@code option
 *       httpchk} the check is a TCP connect (HAProxy's default layer-4 check).
 *   <li>Success: any 2xx or 3xx status (HAProxy's implicit {@code http-check expect status 200-399});
 *       anything else, a refused connection, an invalid response or a timeout is a failure.
 *   <li>Interval: {@code inter} when fully up, {@code downinter} when fully down, {@code fastinter} in
 *       between (HAProxy's {@code srv_getinter}), counted from the end of the previous check, each one
 *       shifted by a random jitter of up to ±5 %; the first checks are spread over the smallest {@code inter}
 *       so that servers are not probed in lockstep.
 *   <li>Timeout: {@code timeout check} plus the connect allowance {@code min(timeout connect, inter)} when
 *       {@code timeout check} is set, else {@code inter} (HAProxy bounds connect + response by {@code inter}
 *       then); {@code java.net.http} has one timeout per request, so both parts share it.
 *   <li>Start: a checked server starts UP with {@code health = rise}, so its first failed check marks it
 *       DOWN, as in HAProxy.
 * </ul>
 *
 * <p>A checker started on a backend that already runs (after a reconfiguration, for example) starts each
 * server's counter from its current health: a server the backend has DOWN starts fully down.
 *
 * <p>Threads: one scheduler thread and two I/O threads per checker (daemon, named {@code
 * stickyroute-check-<backend>-*}), plus the selector thread {@code java.net.http} starts. {@link #close()}
 * cancels pending checks, stops the threads and waits for them; on Java 21+ it also closes the HTTP client
 * (on 17 the client's selector thread ends once the client is garbage-collected). Listeners of the backend
 * run on the I/O threads, before the next check of that server is scheduled. A server removed from the
 * backend by a reconfiguration is no longer checked. Thread-safe.
 */
public final class HttpHealthChecker implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(HttpHealthChecker.class.getName());

  private final Backend backend;
  private final ScheduledExecutorService scheduler;
  private final ExecutorService io;
  private final HttpClient client;
  private final HttpCheckConfig httpCheck;
  private final long timeoutMillis;
  private final long connectAllowanceMillis;
  private final Map<String, Target> targets = new ConcurrentHashMap<>();
  private volatile boolean closed;

  private static final class Target {
    final ServerConfig server;
    final URI uri;
    final AtomicLong probes = new AtomicLong();
    volatile HealthCounter counter;
    volatile ScheduledFuture<?> next;
    volatile CompletableFuture<?> inFlight;

    Target(ServerConfig server, URI uri, boolean down) {
      this.server = server;
      this.uri = uri;
      // a server the backend already has DOWN (a checker restarted after a reconfiguration) starts fully down,
      // so that its recovery is a transition; every other server starts UP with health = rise, as HAProxy's
      this.counter = down ? new HealthCounter(0, server.rise(), server.fall())
          : HealthCounter.initial(server.rise(), server.fall());
    }
  }

  private HttpHealthChecker(Backend backend) {
    this.backend = backend;
    BackendConfig cfg = backend.config();
    this.httpCheck = cfg.httpCheck();
    this.scheduler = Executors.newSingleThreadScheduledExecutor(threads(cfg.name(), "scheduler"));
    this.io = Executors.newFixedThreadPool(2, threads(cfg.name(), "io"));
    this.client = HttpClient.newBuilder()
        .executor(io)
        .version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
    this.timeoutMillis = cfg.checkTimeoutMillis();
    this.connectAllowanceMillis = cfg.connectTimeoutMillis();
  }

  /**
   * Starts checking every server of {@code backend} that has {@code check}, with the backend's current
   * configuration. Returns at once; the first checks are spread over the smallest {@code inter}.
   *
   * @throws IllegalArgumentException if a checked server has no port or the {@code httpchk} target is not a
   *     valid request-target
   */
  public static HttpHealthChecker start(Backend backend) {
    HttpHealthChecker c = new HttpHealthChecker(Objects.requireNonNull(backend, "backend"));
    c.schedule();
    return c;
  }

  private void schedule() {
    List<Target> list = new ArrayList<>();
    long minInter = Long.MAX_VALUE;
    for (ServerConfig s : backend.config().servers()) {
      if (!s.check()) {
        continue;
      }
      if (s.port() == 0) {
        throw new IllegalArgumentException("server '" + s.name() + "' has no port to check");
      }
      String path = httpCheck == null ? "/" : httpCheck.uri();
      URI uri = URI.create("http://" + s.address() + (path.startsWith("/") ? path : "/" + path));
      BackendSnapshot snap = backend.snapshot();
      int i = snap.indexOf(s.name());
      Target t = new Target(s, uri, i >= 0 && snap.state(i).health() == Health.DOWN);
      targets.put(s.name(), t);
      list.add(t);
      minInter = Math.min(minInter, s.interMillis());
    }
    for (int k = 0; k < list.size(); k++) {
      Target t = list.get(k);
      long spread = minInter * k / list.size(); // HAProxy spreads the first checks over the smallest inter
      t.next = scheduler.schedule(() -> probe(t), spread, TimeUnit.MILLISECONDS);
    }
  }

  /** Checks completed for {@code server} so far (0 for an unknown or unchecked server). */
  public long probes(String server) {
    Target t = targets.get(server);
    return t == null ? 0 : t.probes.get();
  }

  /** The rise/fall counter of {@code server}, or {@code null} if it is not checked. */
  public HealthCounter counter(String server) {
    Target t = targets.get(server);
    return t == null ? null : t.counter;
  }

  private long timeout(ServerConfig s) {
    if (timeoutMillis > 0) {
      long connect = connectAllowanceMillis > 0 ? Math.min(connectAllowanceMillis, s.interMillis()) : s.interMillis();
      return connect + timeoutMillis;
    }
    return s.interMillis();
  }

  private void probe(Target t) {
    if (closed) {
      return;
    }
    long started = System.nanoTime();
    CompletableFuture<CheckResult> result;
    try {
      long timeout = timeout(t.server);
      if (httpCheck == null) {
        result = CompletableFuture.supplyAsync(() -> connect(t, started, timeout), io);
      } else {
        HttpRequest request = HttpRequest.newBuilder(t.uri)
            .method(httpCheck.method(), HttpRequest.BodyPublishers.noBody())
            .timeout(Duration.ofMillis(timeout))
            .build();
        result = client.sendAsync(request, HttpResponse.BodyHandlers.discarding())
            .handle((response, error) -> http(response, error, started));
      }
    } catch (RuntimeException e) {
      // Whatever went wrong, the check failed and the next one must still be scheduled: a checker that
      // stops silently would leave the server in its last state forever.
      result = CompletableFuture.completedFuture(result(false, 0, started, "check not sent: " + e));
    }
    t.inFlight = result;
    result.whenComplete((r, error) -> complete(t, r != null ? r : result(false, 0, started, "check failed: " + error)));
  }

  private CheckResult connect(Target t, long started, long timeout) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(t.server.host(), t.server.port()), (int) Math.min(timeout, Integer.MAX_VALUE));
      return result(true, 0, started, "Layer4 check passed");
    } catch (java.net.SocketTimeoutException e) {
      return result(false, 0, started, "Layer4 timeout");
    } catch (IOException e) {
      return result(false, 0, started, "Layer4 connection problem: " + e.getMessage());
    }
  }

  private CheckResult http(HttpResponse<Void> response, Throwable error, long started) {
    if (response != null) {
      int status = response.statusCode();
      boolean ok = CheckResult.passes(status);
      return result(ok, status, started, ok ? "Layer7 check passed" : "Layer7 wrong status");
    }
    Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
        ? error.getCause() : error;
    if (cause instanceof HttpConnectTimeoutException) {
      return result(false, 0, started, "Layer4 timeout");
    }
    if (cause instanceof HttpTimeoutException) {
      return result(false, 0, started, "Layer7 timeout");
    }
    if (cause instanceof java.net.ConnectException) {
      return result(false, 0, started, "Layer4 connection problem: connection refused");
    }
    return result(false, 0, started, "Layer7 invalid response: " + cause);
  }

  private static CheckResult result(boolean ok, int status, long started, String detail) {
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    return new CheckResult(ok, status, ms, detail, Instant.now());
  }

  private void complete(Target t, CheckResult r) {
    if (closed) {
      return;
    }
    long delay = t.server.interMillis();
    try {
      if (backend.snapshot().indexOf(t.server.name()) < 0) {
        targets.remove(t.server.name()); // the server left the backend's configuration
        return;
      }
      t.probes.incrementAndGet();
      HealthCounter before = t.counter;
      HealthCounter after = before.next(r.success());
      t.counter = after;
      String name = t.server.name();
      backend.recordCheck(name, r, after.health());
      if (before.up() != after.up()) {
        String detail = r.detail() + (r.status() > 0 ? ": " + r.status() : "");
        backend.setHealth(name, after.up() ? Health.UP : Health.DOWN, ServerTransition.Cause.CHECK, detail);
      }
      long interval = after.interval(t.server.interMillis(), t.server.fastInterMillis(), t.server.downInterMillis());
      long jitter = interval / 20;
      delay = jitter > 0 ? interval + ThreadLocalRandom.current().nextLong(-jitter, jitter + 1) : interval;
    } catch (IllegalArgumentException removed) {
      targets.remove(t.server.name()); // the server left the backend's configuration
      return;
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "health check of " + t.server.name() + " failed", e);
    }
    try {
      if (!closed) {
        t.next = scheduler.schedule(() -> probe(t), delay, TimeUnit.MILLISECONDS);
      }
    } catch (java.util.concurrent.RejectedExecutionException stopping) {
      // closed meanwhile
    }
  }

  /** Stops checking: cancels pending checks and waits (up to 5 s) for the checker's threads to end. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (Target t : targets.values()) {
      ScheduledFuture<?> f = t.next;
      if (f != null) {
        f.cancel(false);
      }
      CompletableFuture<?> in = t.inFlight;
      if (in != null) {
        in.cancel(true);
      }
    }
    scheduler.shutdownNow();
    io.shutdownNow();
    try {
      scheduler.awaitTermination(5, TimeUnit.SECONDS);
      io.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Object c = client;
    if (c instanceof AutoCloseable) { // java.net.http.HttpClient is AutoCloseable from Java 21
      try {
        ((AutoCloseable) c).close();
      } catch (Exception e) {
        LOG.log(System.Logger.Level.DEBUG, "closing the HTTP client", e);
      }
    }
  }

  private static ThreadFactory threads(String backend, String role) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "stickyroute-check-" + backend + "-" + role + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
