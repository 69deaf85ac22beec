/**
 * stickyroute-core: HAProxy 2.6's routing decisions for the JVM.
 *
 * <p>The API is {@code org.stickyroute} ({@code Router}, {@code Backend}, {@code Decision}, {@code Lease},
 * snapshots and server states), {@code org.stickyroute.config} (the configuration model and loader), {@code
 * org.stickyroute.hash} (HAProxy's hash functions), {@code org.stickyroute.http} (what routing reads of a
 * request and a response), {@code org.stickyroute.health} (active health checks), {@code org.stickyroute.share}
 * (sharing stick tables between instances) and {@code org.stickyroute.metrics} (the stats figures in the terms of
 * HAProxy's Prometheus exporter). The algorithms ({@code
 * balance}), request keys ({@code key}), the hash kernels ({@code hash.internal}), cookie persistence ({@code
 * persist}), stick tables ({@code stick}) and the command-line tool ({@code cli}) are implementation, not exported.
 */
module org.stickyroute {
  requires java.net.http; // the HTTP health checks

  exports org.stickyroute;
  exports org.stickyroute.config;
  exports org.stickyroute.hash;
  exports org.stickyroute.health;
  exports org.stickyroute.http;
  exports org.stickyroute.metrics;
  exports org.stickyroute.share;
}
