package org.stickyroute.servlet.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.stickyroute.BackendStats;
import org.stickyroute.ProxyStats;
import org.stickyroute.Router;
import org.stickyroute.RouterStats;
import org.stickyroute.ServerStatsRow;
import org.stickyroute.TrafficStats;
import org.stickyroute.config.ConfigLoader;
import org.stickyroute.servlet.StickyProxyServlet;
import org.stickyroute.servlet.StickyRouteFilter;
import org.stickyroute.testsupport.HeldPort;

/**
 * A scripted load through the real Jetty proxy ({@link StickyRouteFilter} + {@link StickyProxyServlet} in Jetty
 * 12, two real backend servers, a port that refuses connections) whose counters are known exactly: for the
 * counter tests of every view (the model, HTML, JSON, CSV, Prometheus, Micrometer). Use it as
 *
 * <pre>{@code
 * try (ScriptedLoad load = ScriptedLoad.start(Containers.JETTY)) {
 *   load.run();
 *   Map<String, Long> want = load.expected();        // "pxname/svname/csv-field" -> value
 *   RouterStats stats = load.router().stats();       // or read the stats page at load.port()
 * }
 * }</pre>
 *
 * <p>The configuration ({@link #CONFIG}): frontend {@code fe} sends {@code /app*} to backend {@code app}
 * (round robin over {@code s1}, {@code s2}), {@code /boom} to {@code errors} ({@code e1}, which answers 500),
 * {@code /refused} to {@code refused} (its only server, {@code dead}, refuses connections), and the rest to
 * {@code sticky} ({@code cookie SERVERID insert}; {@code dead} refuses, {@code r1} serves); {@code retries 2},
 * {@code option redispatch}, {@code timeout connect 100ms}. {@code listen admin} is a stats-only section.
 *
 * <p>The requests, one after the other ({@link #run()}):
 *
 * <ol>
 *   <li>{@code GET /app/1}, {@code GET /app/2}, {@code GET /app/3}, {@code POST /app/4} with the 5-byte body
 *       {@code hello}: 200 each, two per server;
 *   <li>{@code GET /boom}: {@code e1} answers 500;
 *   <li>{@code GET /refused}: refused three times ({@code econ} 3): retry 1 on the same server, retry 2 (the last)
 *       redispatched to the same only server (so both count as {@code wretr}), then HAProxy's 503, made by the
 *       proxy (a {@code hrsp_5xx} of the frontend and the backend, none of a server);
 *   <li>{@code GET /x} with {@code Cookie: SERVERID=dead}: persistent to {@code dead}, refused; retry 1 on it
 *       ({@code wretr}, after a 100 ms pause), refused again; retry 2, the last, is redispatched ({@code
 *       wredis}) to {@code r1}, which answers 200 (load-balanced: {@code lbtot} 1);
 *   <li>{@code GET /x} with {@code Cookie: SERVERID=r1}: persistent to {@code r1}, 200 (no {@code lbtot}).
 * </ol>
 *
 * Byte counts are bodies only (what the proxy relays; {@code bin} 5 from the POST); {@link #bodyBytesOut()} is
 * what the client received.
 */
public final class ScriptedLoad implements AutoCloseable {
  /** The configuration; {@code P1}, {@code P2}, {@code PDEAD} are replaced by the ports. */
  public static final String CONFIG = """
      defaults
          mode http
          retries 2
          timeout connect 100ms
          option redispatch

      frontend fe
          acl is_app path_beg /app
          acl is_boom path_beg /boom
          acl is_refused path_beg /refused
          use_backend app if is_app
          use_backend errors if is_boom
          use_backend refused if is_refused
          default_backend sticky

      backend app
          balance roundrobin
          server s1 127.0.0.1:P1
          server s2 127.0.0.1:P2

      backend errors
          balance roundrobin
          server e1 127.0.0.1:P1

      backend refused
          balance roundrobin
          server dead 127.0.0.1:PDEAD

      backend sticky
          balance roundrobin
          cookie SERVERID insert indirect nocache
          server dead 127.0.0.1:PDEAD cookie dead
          server r1 127.0.0.1:P2 cookie r1

      listen admin
          stats enable
          stats uri /stats
          stats auth user:pass
      """;

  private final TestBackend b1;
  private final TestBackend b2;
  private final HeldPort dead;
  private final Router router;
  private final ServletContainer proxy;
  private long bodyBytesOut;
  private long unavailablePageBytes;
  private final Map<String, Integer> statuses = new LinkedHashMap<>();

  private ScriptedLoad(TestBackend b1, TestBackend b2, HeldPort dead, Router router, ServletContainer proxy) {
    this.b1 = b1;
    this.b2 = b2;
    this.dead = dead;
    this.router = router;
    this.proxy = proxy;
  }

  /** Starts the backends and the proxy in {@code kind} (no request sent yet). */
  public static ScriptedLoad start(Containers kind) throws Exception {
    TestBackend b1 = new TestBackend("b1");
    TestBackend b2 = new TestBackend("b2");
    HeldPort dead = HeldPort.reserve();
    String cfg = CONFIG.replace("PDEAD", Integer.toString(dead.port()))
        .replace("P1", Integer.toString(b1.port())).replace("P2", Integer.toString(b2.port()));
    Router router = Router.create(ConfigLoader.parse(cfg, "scripted.cfg", true));
    ServletContainer proxy = kind.get()
        .filterForServlet("sticky", new StickyRouteFilter(router, StickyRouteFilter.Options.builder()
            .frontend("fe").build()), "proxy", Map.of())
        .servlet("proxy", new StickyProxyServlet(), "/*")
        .start();
    return new ScriptedLoad(b1, b2, dead, router, proxy);
  }

  /** Sends the scripted requests (see the class comment) and checks each answer's status. */
  public void run() {
    send("GET", "/app/1", null, 200);
    send("GET", "/app/2", null, 200);
    send("GET", "/app/3", null, 200);
    send("POST", "/app/4", "hello", 200);
    send("GET", "/boom", null, 500);
    send("GET", "/refused", null, 503);
    send("GET", "/x", null, 200, "Cookie", "SERVERID=dead");
    send("GET", "/x", null, 200, "Cookie", "SERVERID=r1");
    Http.awaitIdle(router);
  }

  private void send(String method, String target, String body, int status, String... headers) {
    HttpResponse<String> r = Http.send(method, proxy.port(), target, body, headers);
    assertEquals(status, r.statusCode(), method + " " + target + ": " + r.body());
    awaitFrontendClosed(method + " " + target);
    int bytes = r.body().getBytes(StandardCharsets.UTF_8).length;
    bodyBytesOut += bytes;
    if (status == 503) {
      unavailablePageBytes = bytes;
    }
    statuses.put(method + " " + target + (headers.length > 0 ? " " + headers[1] : ""), r.statusCode());
  }

  /**
   * Waits until the frontend counts no open session: the client has its answer as soon as the response is
   * committed, but the container finishes the exchange (and the filter closes the session) a moment later,
   * so without this wait the next request could overlap the previous one's tail and {@code smax} would
   * depend on that race instead of being the script's exact 1.
   */
  private void awaitFrontendClosed(String what) {
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
    while (router.stats().proxy("fe").frontend().traffic().scur() != 0) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the frontend session of " + what + " was still open after 30 s");
      }
      try {
        Thread.sleep(2);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
  }

  /** Body bytes the client received over the whole script ({@code bout} of {@code fe}). */
  public long bodyBytesOut() {
    return bodyBytesOut;
  }

  /**
   * The exact counters after {@link #run()}, keyed {@code pxname/svname/field} with HAProxy's CSV names
   * ({@code svname} {@code FRONTEND}, {@code BACKEND} or the server). Figures that depend on timing (rates,
   * times, {@code lastsess}) are not listed; those listed hold whatever the machine's speed.
   */
  public Map<String, Long> expected() {
    Map<String, Long> m = new LinkedHashMap<>();
    // frontend: 8 requests, 6 answered 2xx, a 500 from a server and HAProxy's own 503
    put(m, "fe/FRONTEND", "stot", 8, "req_tot", 8, "hrsp_2xx", 6, "hrsp_5xx", 2, "hrsp_1xx", 0, "hrsp_3xx", 0,
        "hrsp_4xx", 0, "hrsp_other", 0, "bin", 5, "bout", bodyBytesOut, "scur", 0, "smax", 1, "dreq", 0, "ereq", 0);
    put(m, "app/BACKEND", "stot", 4, "lbtot", 4, "req_tot", 4, "hrsp_2xx", 4, "bin", 5, "econ", 0, "eresp", 0,
        "wretr", 0, "wredis", 0, "scur", 0);
    put(m, "app/s1", "stot", 2, "lbtot", 2, "hrsp_2xx", 2, "req_tot", 2);
    put(m, "app/s2", "stot", 2, "lbtot", 2, "hrsp_2xx", 2, "req_tot", 2);
    put(m, "errors/BACKEND", "stot", 1, "lbtot", 1, "hrsp_5xx", 1, "req_tot", 1);
    put(m, "errors/e1", "stot", 1, "lbtot", 1, "hrsp_5xx", 1, "req_tot", 1, "econ", 0);
    // HAProxy's 503 page is the backend's traffic too (its bytes count there, as HAProxy counts them)
    put(m, "refused/BACKEND", "stot", 1, "lbtot", 1, "hrsp_5xx", 1, "req_tot", 1, "econ", 3, "wretr", 2,
        "wredis", 0, "bout", unavailablePageBytes);
    // the lease is taken again by the (same-server) redispatch of the last retry: 2 sessions on dead
    put(m, "refused/dead", "stot", 2, "lbtot", 1, "hrsp_5xx", 0, "req_tot", 0, "econ", 3, "wretr", 2, "wredis", 0,
        "bout", 0);
    put(m, "sticky/BACKEND", "stot", 2, "lbtot", 1, "hrsp_2xx", 2, "req_tot", 2, "econ", 2, "wretr", 1,
        "wredis", 1);
    put(m, "sticky/dead", "stot", 1, "lbtot", 0, "econ", 2, "wretr", 1, "wredis", 1, "hrsp_2xx", 0);
    put(m, "sticky/r1", "stot", 2, "lbtot", 1, "hrsp_2xx", 2, "req_tot", 2, "econ", 0, "wretr", 0, "wredis", 0);
    return m;
  }

  private static void put(Map<String, Long> m, String row, Object... fieldValues) {
    for (int i = 0; i < fieldValues.length; i += 2) {
      m.put(row + "/" + fieldValues[i], ((Number) fieldValues[i + 1]).longValue());
    }
  }

  /** The model's value for a key of {@link #expected()} ({@code pxname/svname/field}), read from {@code stats}. */
  public static long actual(RouterStats stats, String key) {
    String[] k = key.split("/", 3);
    ProxyStats p = stats.proxy(k[0]);
    TrafficStats t;
    if (k[1].equals("FRONTEND")) {
      t = p.frontend().traffic();
    } else if (k[1].equals("BACKEND")) {
      t = p.backend().traffic();
    } else {
      t = null;
      BackendStats b = p.backend();
      for (ServerStatsRow row : b.servers()) {
        if (row.name().equals(k[1])) {
          t = row.traffic();
        }
      }
    }
    return field(t, k[2]);
  }

  /** A {@link TrafficStats} figure by its HAProxy CSV name. */
  public static long field(TrafficStats t, String csv) {
    return switch (csv) {
      case "scur" -> t.scur();
      case "smax" -> t.smax();
      case "slim" -> t.slim();
      case "stot" -> t.stot();
      case "rate" -> t.rate();
      case "rate_max" -> t.rateMax();
      case "qcur" -> t.qcur();
      case "qmax" -> t.qmax();
      case "bin" -> t.bin();
      case "bout" -> t.bout();
      case "dreq" -> t.dreq();
      case "dresp" -> t.dresp();
      case "ereq" -> t.ereq();
      case "econ" -> t.econ();
      case "eresp" -> t.eresp();
      case "wretr" -> t.wretr();
      case "wredis" -> t.wredis();
      case "req_tot" -> t.reqTot();
      case "hrsp_1xx" -> t.hrsp1xx();
      case "hrsp_2xx" -> t.hrsp2xx();
      case "hrsp_3xx" -> t.hrsp3xx();
      case "hrsp_4xx" -> t.hrsp4xx();
      case "hrsp_5xx" -> t.hrsp5xx();
      case "hrsp_other" -> t.hrspOther();
      case "lbtot" -> t.lbtot();
      case "lastsess" -> t.lastsess();
      case "qtime" -> t.qtime();
      case "ctime" -> t.ctime();
      case "rtime" -> t.rtime();
      case "ttime" -> t.ttime();
      case "qtime_max" -> t.qtimeMax();
      case "ctime_max" -> t.ctimeMax();
      case "rtime_max" -> t.rtimeMax();
      case "ttime_max" -> t.ttimeMax();
      default -> throw new IllegalArgumentException("no field " + csv);
    };
  }

  /** The statuses the script got, in order ({@code METHOD target [cookie]}). */
  public Map<String, Integer> statuses() {
    return statuses;
  }

  /** The router the proxy routes with. */
  public Router router() {
    return router;
  }

  /** The proxy's port. */
  public int port() {
    return proxy.port();
  }

  /** The backend sections' names, in configuration order. */
  public static List<String> backends() {
    return List.of("app", "errors", "refused", "sticky");
  }

  @Override
  public void close() throws Exception {
    proxy.close();
    b1.close();
    b2.close();
    dead.close();
  }
}
