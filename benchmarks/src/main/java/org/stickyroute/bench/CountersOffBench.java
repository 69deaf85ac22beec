package org.stickyroute.bench;

import org.openjdk.jmh.annotations.Fork;

/**
 * {@link CountersBench} with counters off ({@code -Dstickyroute.counters=off}): routing keeps only the in-flight
 * and lease counts its algorithms need, and {@code Decision.close()} settles nothing. The difference between the
 * two {@code routeRecordClose} figures is the counters' cost per routed exchange. {@code counterUpdates} is a
 * control here: {@code TrafficCounters} itself does not look at the switch (the request flow does), so it
 * measures the same work in both classes.
 */
@Fork(value = 1, jvmArgsAppend = "-Dstickyroute.counters=off")
public class CountersOffBench extends CountersBench {}
