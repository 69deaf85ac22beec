/**
 * Traffic counters as HAProxy 2.6 keeps them (striped totals, {@code freq_ctr} rates, {@code swrate} time
 * averages): the implementation behind the stats records of {@code org.stickyroute}. Not exported.
 */
package org.stickyroute.counters;
