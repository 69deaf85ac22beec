package org.stickyroute;

import java.time.Instant;
import java.util.List;

/**
 * A backend's block of HAProxy's stats page, at one moment: its servers' rows and its own ({@code BACKEND})
 * row. Immutable; get it from {@link Backend#stats()} (or all at once from {@link Router#stats()}). Counters are
 * read one after the other while traffic flows, so sums may differ by the requests that moved in between.
 * Each component's HAProxy CSV column is given in {@code code}.
 *
 * @param name the backend name ({@code pxname})
 * @param balance the algorithm, in configuration form ({@code algo})
 * @param version the snapshot version the stats were read from
 * @param inFlight requests in flight on the whole backend ({@code scur}); the same as {@code traffic.scur()}
 * @param usableServers servers taking load-balanced traffic now, in the group in use
 * @param usingBackups whether the backup servers are in use
 * @param servers one entry per configured server, in declaration order
 * @param at when the stats were read, by the backend's clock
 * @param traffic the backend's own counters ({@code BACKEND} row): sessions routed to it, {@code lbtot},
 *     errors, warnings, responses, times
 * @param status {@code UP} when a server can take load-balanced traffic (or the backend has no server), else
 *     {@code DOWN} ({@code status})
 * @param activeServers active servers that are usable: ready, up, weight above 0 ({@code act})
 * @param backupServers backup servers that are usable ({@code bck})
 * @param weight the total weight of the group in use, in {@code weight} column units ({@code weight})
 * @param lastChangeSeconds seconds since the backend last went UP or DOWN, or since it started ({@code lastchg})
 * @param downtimeSeconds total seconds the backend was DOWN ({@code downtime})
 * @param downTransitions UP to DOWN transitions of the backend ({@code chkdown})
 */
public record BackendStats(
    String name,
    String balance,
    long version,
    int inFlight,
    int usableServers,
    boolean usingBackups,
    List<ServerStatsRow> servers,
    Instant at,
    TrafficStats traffic,
    String status,
    int activeServers,
    int backupServers,
    int weight,
    long lastChangeSeconds,
    long downtimeSeconds,
    long downTransitions) {
  /** Copies the server list. */
  public BackendStats {
    servers = List.copyOf(servers);
  }

  /**
   * Stats with only the first-generation fields (before the traffic counters): traffic from the in-flight
   * count, status from the usable servers, the rest empty.
   */
  public BackendStats(String name, String balance, long version, int inFlight, int usableServers,
      boolean usingBackups, List<ServerStatsRow> servers, Instant at) {
    this(name, balance, version, inFlight, usableServers, usingBackups, servers, at,
        new TrafficStats(inFlight, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, 0,
            0, 0, 0, 0, 0, 0, 0),
        usableServers > 0 || servers.isEmpty() ? "UP" : "DOWN", 0, 0, 0, 0, 0, 0);
  }
}
