/**
 * stickyroute-micrometer: {@link org.stickyroute.micrometer.StickyRouteMetrics}, a Micrometer {@code MeterBinder}
 * for a router's stats with the names and tags of HAProxy 2.6's Prometheus exporter.
 */
module org.stickyroute.micrometer {
  requires transitive org.stickyroute;
  requires transitive micrometer.core;

  exports org.stickyroute.micrometer;
}
