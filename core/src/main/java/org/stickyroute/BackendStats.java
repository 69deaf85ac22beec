package org.stickyroute;

import java.time.Instant;
import java.util.List;

/**
 * A backend's block of HAProxy's stats page, at one moment. Immutable; get it from {@link Backend#stats()}.
 * Counters are read one after the other while traffic flows, so sums may differ by the requests that moved
 * in between.
 *
 * @param name the backend name ({@code pxname})
 * @param balance the algorithm, in configuration form ({@code algo})
 * @param version the snapshot version the stats were read from
 * @param inFlight requests in flight on the whole backend ({@code scur})
 * @param usableServers servers taking load-balanced traffic now ({@code act}/{@code bck} in use)
 * @param usingBackups whether the backup servers are in use
 * @param servers one entry per configured server, in declaration order
 * @param at when the stats were read, by the backend's clock
 */
public record BackendStats(
    String name,
    String balance,
    long version,
    int inFlight,
    int usableServers,
    boolean usingBackups,
    List<ServerStatsRow> servers,
    Instant at) {
  /** Copies the server list. */
  public BackendStats {
    servers = List.copyOf(servers);
  }
}
