package org.stickyroute.metrics;

/** The Prometheus type of a {@link Figure}, as HAProxy's exporter declares it. */
public enum MetricType {
  /** A value that goes up and down (Micrometer: a {@code Gauge}). */
  GAUGE,
  /** A total that only grows (Micrometer: a {@code FunctionCounter}); its name ends with {@code _total}. */
  COUNTER
}
