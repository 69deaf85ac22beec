package org.stickyroute.metrics;

import java.util.Objects;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

/**
 * One figure of a stats row ({@code T} is {@code FrontendStats}, {@code BackendStats} or {@code
 * ServerStatsRow}) as HAProxy 2.6's Prometheus exporter exposes it: the family name, its help text and type,
 * an optional extra label with a fixed value ({@code code="2xx"} of {@code *_http_responses_total}, {@code
 * state="UP"} of {@code *_status}), which rows have it, and how to read it. Immutable; the list is {@link
 * HaproxyMetrics}.
 *
 * @param name the Prometheus family name, as HAProxy writes it ({@code haproxy_server_sessions_total})
 * @param help the help text, HAProxy's
 * @param type gauge or counter
 * @param label the extra label's name ({@code code} or {@code state}), or {@code null} for none
 * @param labelValue the extra label's value, or {@code null} for none
 * @param applies whether a row has this figure at all (the check figures only for checked servers); a row that
 *     has it may still read {@link Double#NaN}, as HAProxy's exporter writes {@code NaN} for an empty field
 * @param value reads the figure from a row, in the family's unit (seconds for {@code *_seconds})
 * @param <T> the row type
 */
public record Figure<T>(String name, String help, MetricType type, String label, String labelValue,
    Predicate<T> applies, ToDoubleFunction<T> value) {
  /** Validates. */
  public Figure {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(help, "help");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(applies, "applies");
    Objects.requireNonNull(value, "value");
    if ((label == null) != (labelValue == null)) {
      throw new IllegalArgumentException("a label needs a value: " + name);
    }
    if ((type == MetricType.COUNTER) != name.endsWith("_total")) {
      throw new IllegalArgumentException("counters, and only they, end with _total: " + name);
    }
  }

  /**
   * The name without {@code _total} for a counter (the Prometheus client and Micrometer's Prometheus registry
   * add it back): {@code haproxy_server_sessions}.
   */
  public String baseName() {
    return type == MetricType.COUNTER ? name.substring(0, name.length() - "_total".length()) : name;
  }

  /**
   * The Micrometer meter name: {@link #baseName()} with dots, {@code haproxy.server.sessions}, which Micrometer's
   * Prometheus naming turns back into {@link #name()}.
   */
  public String meterName() {
    return baseName().replace('_', '.');
  }
}
