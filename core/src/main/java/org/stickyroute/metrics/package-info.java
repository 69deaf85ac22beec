/**
 * The figures of {@code Router.stats()} as HAProxy 2.6's Prometheus exporter names them ({@link HaproxyMetrics}):
 * one description, read by the Prometheus endpoint of {@code stickyroute-servlet} and the Micrometer binder of
 * {@code stickyroute-micrometer}, so that both expose the same names, types, help texts and labels. No
 * dependency on a metrics library.
 */
package org.stickyroute.metrics;
