/**
 * Micrometer meters for stickyroute's stats: {@link org.stickyroute.micrometer.StickyRouteMetrics}.
 */
package org.stickyroute.micrometer;
