package org.stickyroute.servlet;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.stickyroute.BackendStats;
import org.stickyroute.RouterStats;
import org.stickyroute.ServerStatsRow;
import org.stickyroute.metrics.Figure;
import org.stickyroute.metrics.HaproxyMetrics;
import org.stickyroute.metrics.MetricType;

/**
 * A router's stats in the Prometheus text format, with the names, help texts, types and labels of HAProxy 2.6's
 * own exporter ({@link HaproxyMetrics}: {@code haproxy_frontend_*}, {@code haproxy_backend_*}, {@code
 * haproxy_server_*}; labels {@code proxy}, {@code server}, {@code code}, {@code state}), so HAProxy's dashboards
 * read it unchanged. Written by the Prometheus Java client's {@link PrometheusTextFormatWriter} from snapshots
 * (which escapes label values and help texts); every section is included, stats-only ones too, as HAProxy's
 * exporter includes them. Stateless and thread-safe.
 */
public final class StatsPrometheus {
  /** The {@code Content-Type} of the text format, version 0.0.4. */
  public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

  /** Without {@code _created} lines (HAProxy's exporter has none); this constructor exists in every 1.x. */
  private static final PrometheusTextFormatWriter WRITER = new PrometheusTextFormatWriter(false);

  private StatsPrometheus() {}

  /** A server row with the name of its backend, for the {@code proxy} label. */
  private record ServerOf(String proxy, ServerStatsRow row) {}

  /** The stats as Prometheus snapshots, one per family, in HAProxy's exporter's order. */
  public static MetricSnapshots snapshots(RouterStats stats) {
    List<MetricSnapshot> out = new ArrayList<>();
    add(out, HaproxyMetrics.FRONTEND, stats.frontends(), f -> f, f -> new String[] {HaproxyMetrics.PROXY, f.name()});
    List<BackendStats> backends = stats.backends();
    add(out, HaproxyMetrics.BACKEND, backends, b -> b, b -> new String[] {HaproxyMetrics.PROXY, b.name()});
    List<ServerOf> servers = new ArrayList<>();
    for (BackendStats b : backends) {
      for (ServerStatsRow s : b.servers()) {
        servers.add(new ServerOf(b.name(), s));
      }
    }
    add(out, HaproxyMetrics.SERVER, servers, ServerOf::row,
        s -> new String[] {HaproxyMetrics.PROXY, s.proxy(), HaproxyMetrics.SERVER_LABEL, s.row().name()});
    return new MetricSnapshots(out);
  }

  /** Writes the text format to {@code out} (not closed). */
  public static void write(RouterStats stats, OutputStream out) throws IOException {
    WRITER.write(out, snapshots(stats));
  }

  /** The text format as a string. */
  public static String render(RouterStats stats) {
    ByteArrayOutputStream b = new ByteArrayOutputStream(16 * 1024);
    try {
      write(stats, b);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a byte array does not throw
    }
    return b.toString(StandardCharsets.UTF_8);
  }

  /** One snapshot per family (consecutive figures of one name), with a data point per row that has it. */
  private static <T, R> void add(List<MetricSnapshot> out, List<Figure<T>> figures, List<R> rows,
      Function<R, T> row, Function<R, String[]> labels) {
    int i = 0;
    while (i < figures.size()) {
      Figure<T> first = figures.get(i);
      int end = i;
      while (end < figures.size() && figures.get(end).name().equals(first.name())) {
        end++;
      }
      boolean counter = first.type() == MetricType.COUNTER;
      CounterSnapshot.Builder counters = CounterSnapshot.builder().name(first.baseName()).help(first.help());
      GaugeSnapshot.Builder gauges = GaugeSnapshot.builder().name(first.baseName()).help(first.help());
      boolean any = false;
      for (int f = i; f < end; f++) {
        Figure<T> fig = figures.get(f);
        for (R r : rows) {
          T t = row.apply(r);
          if (!fig.applies().test(t)) {
            continue;
          }
          Labels l = labels(labels.apply(r), fig);
          double v = fig.value().applyAsDouble(t);
          any = true;
          if (counter) {
            counters.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().value(v).labels(l).build());
          } else {
            gauges.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(v).labels(l).build());
          }
        }
      }
      if (any) {
        out.add(counter ? counters.build() : gauges.build());
      }
      i = end;
    }
  }

  private static Labels labels(String[] base, Figure<?> fig) {
    if (fig.label() == null) {
      return Labels.of(base);
    }
    String[] all = java.util.Arrays.copyOf(base, base.length + 2);
    all[base.length] = fig.label();
    all[base.length + 1] = fig.labelValue();
    return Labels.of(all);
  }
}
