package org.stickyroute.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.stickyroute.Decision;
import org.stickyroute.Frontend;
import org.stickyroute.Router;
import org.stickyroute.config.ConfigLoader;
import org.stickyroute.http.RequestView;
import org.stickyroute.metrics.HaproxyMetrics;
import org.stickyroute.metrics.Figure;
import org.stickyroute.metrics.MetricType;

/**
 * The binder on real registries (no mocks): Micrometer's {@link SimpleMeterRegistry} reads the router's
 * counters; Micrometer's {@link PrometheusMeterRegistry} writes the families {@link HaproxyMetrics} describes
 * (HAProxy's names, types, label names; servlet-filter's {@code StatsFormatsAgreeTest} compares the values with
 * the stats servlet's formats); a replaced router's new server gets meters and a removed one loses
 * them.
 */
class StickyRouteMetricsTest {
  static final String CFG = """
      frontend fe
          default_backend rr

      backend rr
          balance roundrobin
          cookie SERVERID insert indirect nocache
          server a 127.0.0.1:1 cookie a
          server b 127.0.0.1:2 cookie b check
      """;

  static Router router(String cfg) {
    return Router.create(ConfigLoader.parse(cfg, "t.cfg", false));
  }

  static void load(Router r, int requests) {
    Frontend fe = r.frontend("fe");
    try (Decision d = new Decision()) {
      for (int i = 0; i < requests; i++) {
        r.route(fe, RequestView.of("GET", "/x"), d);
        d.exchange().status(i == 0 ? 503 : 200).bytesIn(100).bytesOut(1000);
        d.close();
      }
    }
  }

  @Test
  void countersAndGaugesReadTheRouter() {
    Router r = router(CFG);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    StickyRouteMetrics metrics = new StickyRouteMetrics(() -> r, Tags.of("app", "t"), Duration.ofHours(1));
    metrics.bindTo(registry);
    load(r, 5);
    metrics.refresh(); // the binder read the router once at binding; an hour is its maximum age here
    FunctionCounter sessions = registry.get("haproxy.backend.sessions").tags("proxy", "rr", "app", "t")
        .functionCounter();
    assertEquals(5, sessions.count());
    assertEquals(3, registry.get("haproxy.server.sessions").tags("proxy", "rr", "server", "a").functionCounter()
        .count());
    assertEquals(1, registry.get("haproxy.frontend.http.responses").tags("proxy", "fe", "code", "5xx")
        .functionCounter().count());
    assertEquals(4, registry.get("haproxy.frontend.http.responses").tags("proxy", "fe", "code", "2xx")
        .functionCounter().count());
    assertEquals(500, registry.get("haproxy.backend.bytes.in").tags("proxy", "rr").functionCounter().count());
    Gauge up = registry.get("haproxy.server.status").tags("proxy", "rr", "server", "a", "state", "UP").gauge();
    assertEquals(1, up.value());
    assertEquals(0, registry.get("haproxy.server.status").tags("server", "a", "state", "DOWN").gauge().value());
    assertNull(registry.find("haproxy.server.check.status").tags("server", "a").meter(), "a is not checked");
    assertNotNull(registry.find("haproxy.server.check.status").tags("server", "b", "state", "L7OK").gauge());
    // one read of the router serves every meter until the maximum age: the meters are stable between refreshes
    load(r, 2);
    assertEquals(5, sessions.count());
    metrics.refresh();
    assertEquals(7, sessions.count());
  }

  @Test
  void prometheusRegistryWritesTheFamiliesOfTheStatsServlet() {
    Router r = router(CFG);
    load(r, 3);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new StickyRouteMetrics(r).bindTo(registry);
    Map<String, String> fromMicrometer = families(registry.scrape());
    Map<String, String> fromTable = new TreeMap<>();
    table(fromTable, HaproxyMetrics.FRONTEND, "proxy");
    table(fromTable, HaproxyMetrics.BACKEND, "proxy");
    table(fromTable, HaproxyMetrics.SERVER, "proxy", "server");
    assertEquals(fromTable, fromMicrometer);
    int figures = HaproxyMetrics.FRONTEND.size() + HaproxyMetrics.BACKEND.size() + HaproxyMetrics.SERVER.size();
    System.out.println("StickyRouteMetricsTest: " + fromMicrometer.size() + " families from " + figures
        + " figures: HAProxy's names, types and labels through Micrometer's Prometheus registry");
    String text = registry.scrape();
    assertTrue(text.contains("haproxy_backend_sessions_total{proxy=\"rr\"} 3.0"), text);
  }

  @Test
  void aReplacedRouterAddsAndRemovesServerMeters() {
    AtomicReference<Router> current = new AtomicReference<>(router(CFG));
    MeterRegistry registry = new SimpleMeterRegistry();
    StickyRouteMetrics metrics = new StickyRouteMetrics(current::get, Tags.empty(), Duration.ZERO);
    metrics.bindTo(registry);
    int before = registry.getMeters().size();
    assertNotNull(registry.find("haproxy.server.sessions").tags("server", "a").meter());
    current.set(router(CFG.replace("server a 127.0.0.1:1 cookie a", "server c 127.0.0.1:3 cookie c")));
    metrics.refresh();
    assertNull(registry.find("haproxy.server.sessions").tags("server", "a").meter(), "a went away");
    FunctionCounter c = registry.get("haproxy.server.sessions").tags("server", "c").functionCounter();
    assertEquals(before, registry.getMeters().size());
    load(current.get(), 4);
    assertEquals(2, c.count(), "read from the new router");
    for (Meter m : registry.getMeters()) {
      assertTrue(m.getId().getName().startsWith("haproxy."), m.getId().toString());
    }
  }

  @Test
  void aScrapeThatFindsNewRowsRegistersThemForTheNextScrape() {
    AtomicReference<Router> current = new AtomicReference<>(router(CFG));
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new StickyRouteMetrics(current::get, Tags.empty(), Duration.ZERO).bindTo(registry);
    assertTrue(registry.scrape().contains("server=\"a\""));
    current.set(router(CFG.replace("server a 127.0.0.1:1 cookie a", "server c 127.0.0.1:3 cookie c")));
    registry.scrape(); // the meters read the new router during this scrape: c's meters are added, a's removed
    String next = registry.scrape();
    assertTrue(next.contains("haproxy_server_sessions_total{proxy=\"rr\",server=\"c\"} 0.0"), next);
    assertTrue(!next.contains("server=\"a\""), next);
  }

  /** Family name to "type [labels]", as HaproxyMetrics describes the families. */
  static <T> void table(Map<String, String> out, java.util.List<Figure<T>> figures, String... labels) {
    for (Figure<T> f : figures) {
      TreeSet<String> l = new TreeSet<>(java.util.List.of(labels));
      if (f.label() != null) {
        l.add(f.label());
      }
      out.put(f.name(), (f.type() == MetricType.COUNTER ? "counter" : "gauge") + " " + l);
    }
  }

  /** Family name to "type [labels]", from TYPE lines and samples. */
  static Map<String, String> families(String text) {
    Map<String, String> type = new TreeMap<>();
    Map<String, TreeSet<String>> labels = new TreeMap<>();
    for (String line : text.split("\n")) {
      if (line.startsWith("# TYPE ")) {
        String[] f = line.split(" ");
        type.put(f[2], f[3]);
        labels.put(f[2], new TreeSet<>());
      } else if (!line.isEmpty() && !line.startsWith("#")) {
        int brace = line.indexOf('{');
        String name = line.substring(0, brace);
        for (String pair : line.substring(brace + 1, line.indexOf('}')).split(",")) {
          labels.get(name).add(pair.substring(0, pair.indexOf('=')));
        }
      }
    }
    Map<String, String> out = new TreeMap<>();
    type.forEach((n, t) -> out.put(n, t + " " + labels.get(n)));
    return out;
  }
}
