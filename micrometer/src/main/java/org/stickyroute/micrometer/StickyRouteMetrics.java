package org.stickyroute.micrometer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.stickyroute.BackendStats;
import org.stickyroute.FrontendStats;
import org.stickyroute.Router;
import org.stickyroute.ServerStatsRow;
import org.stickyroute.metrics.Figure;
import org.stickyroute.metrics.HaproxyMetrics;
import org.stickyroute.metrics.MetricType;

/**
 * Registers a router's stats with a Micrometer {@link MeterRegistry}: the figures of {@link HaproxyMetrics},
 * the same table the stats servlet's {@code /metrics} writes, so the names and tags are those of HAProxy 2.6's
 * Prometheus exporter. A figure is a {@link Gauge} or a {@link FunctionCounter} named {@link Figure#meterName()}
 * ({@code haproxy.backend.sessions}, which Micrometer's Prometheus registry writes as {@code
 * haproxy_backend_sessions_total}), tagged {@code proxy}, {@code server} for servers, and {@code code} or {@code
 * state} where HAProxy has them, plus the common tags given here.
 *
 * <p>The meters read {@link Router#stats()} lazily, once per scrape: the first meter read after {@code maxAge}
 * reads the router again, the others share that read. Rows are found by name, so a backend reconfigured by a
 * reload keeps its meters; when the rows change (servers added or removed, or the supplier hands out a new
 * router), meters are added for the new rows and removed for the rows that went away, on the next read (or on
 * {@link #refresh()}).
 *
 * <pre>{@code
 * new StickyRouteMetrics(router).bindTo(registry);
 * }</pre>
 *
 * Thread-safe; may be bound to several registries.
 */
public final class StickyRouteMetrics implements MeterBinder {
  /** How long one read of the router serves the meters, by default. */
  public static final Duration DEFAULT_MAX_AGE = Duration.ofSeconds(1);

  private final StatsView view;
  private final Tags tags;
  private final Map<MeterRegistry, Map<String, List<Meter>>> bound = new IdentityHashMap<>();

  /** Meters for {@code router}'s stats, without common tags. */
  public StickyRouteMetrics(Router router) {
    this(constant(router), Tags.empty(), DEFAULT_MAX_AGE);
  }

  /**
   * Meters for the router {@code router} supplies at each read (so a replaced router is followed), with {@code
   * tags} on every meter, reading the router at most once per {@code maxAge}.
   */
  public StickyRouteMetrics(Supplier<Router> router, Iterable<Tag> tags, Duration maxAge) {
    Objects.requireNonNull(router, "router");
    if (maxAge.isNegative()) {
      throw new IllegalArgumentException("maxAge must not be negative: " + maxAge);
    }
    this.tags = Tags.of(tags);
    this.view = new StatsView(router, maxAge.toNanos(), this::rowsChanged);
  }

  private static Supplier<Router> constant(Router router) {
    Objects.requireNonNull(router, "router");
    return () -> router;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    synchronized (this) {
      bound.putIfAbsent(registry, new HashMap<>());
    }
    sync(registry, view.rows());
  }

  /** Reads the router now, adding and removing meters if its rows changed (after a reload, for instance). */
  public void refresh() {
    view.refresh();
  }

  private void rowsChanged(StatsView.Rows rows) {
    List<MeterRegistry> registries;
    synchronized (this) {
      registries = new ArrayList<>(bound.keySet());
    }
    for (MeterRegistry r : registries) {
      sync(r, rows);
    }
  }

  /** Registers the meters of the rows {@code registry} lacks, removes those of rows that are gone. */
  private synchronized void sync(MeterRegistry registry, StatsView.Rows rows) {
    Map<String, List<Meter>> have = bound.get(registry);
    Set<String> want = new HashSet<>();
    for (FrontendStats f : rows.stats().frontends()) {
      String key = "F" + f.name();
      want.add(key);
      if (!have.containsKey(key)) {
        have.put(key, register(registry, HaproxyMetrics.FRONTEND, f, r -> r.frontends().get(f.name()),
            tags.and(HaproxyMetrics.PROXY, f.name())));
      }
    }
    for (BackendStats b : rows.stats().backends()) {
      String key = "B" + b.name();
      want.add(key);
      if (!have.containsKey(key)) {
        have.put(key, register(registry, HaproxyMetrics.BACKEND, b, r -> r.backends().get(b.name()),
            tags.and(HaproxyMetrics.PROXY, b.name())));
      }
      for (ServerStatsRow s : b.servers()) {
        String server = StatsView.serverKey(b.name(), s.name());
        key = "S" + server + (s.checked() ? "+" : "-"); // a reload that adds checks gives the check meters
        want.add(key);
        if (!have.containsKey(key)) {
          have.put(key, register(registry, HaproxyMetrics.SERVER, s, r -> r.servers().get(server),
              tags.and(HaproxyMetrics.PROXY, b.name(), HaproxyMetrics.SERVER_LABEL, s.name())));
        }
      }
    }
    have.entrySet().removeIf(e -> {
      if (want.contains(e.getKey())) {
        return false;
      }
      for (Meter m : e.getValue()) {
        registry.remove(m);
      }
      return true;
    });
  }

  /** One meter per figure the row has; each reads the row again by name at every read. */
  private <T> List<Meter> register(MeterRegistry registry, List<Figure<T>> figures, T row,
      Function<StatsView.Rows, T> find, Tags base) {
    List<Meter> out = new ArrayList<>(figures.size());
    for (Figure<T> fig : figures) {
      if (!fig.applies().test(row)) {
        continue;
      }
      Tags t = fig.label() == null ? base : base.and(fig.label(), fig.labelValue());
      java.util.function.ToDoubleFunction<StatsView> read = v -> {
        T now = find.apply(v.rows());
        return now == null ? Double.NaN : fig.value().applyAsDouble(now);
      };
      if (fig.type() == MetricType.COUNTER) {
        out.add(FunctionCounter.builder(fig.meterName(), view, read).description(fig.help()).tags(t)
            .register(registry));
      } else {
        out.add(Gauge.builder(fig.meterName(), view, read).description(fig.help()).tags(t).strongReference(true)
            .register(registry));
      }
    }
    return out;
  }
}
