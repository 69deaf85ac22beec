package org.stickyroute;

/**
 * The traffic counters of one frontend, backend or server at one moment, as HAProxy keeps them ({@code
 * fe_counters}, {@code be_counters}) and as its stats page, {@code show stat} CSV and Prometheus exporter show
 * them. Immutable; part of {@link FrontendStats}, {@link BackendStats} and {@link ServerStatsRow}. Each
 * component is named after HAProxy's CSV column (given in {@code code} below); a column HAProxy leaves empty for
 * a row type is noted, and reads 0 here (-1 for {@code lastsess}).
 *
 * <p>Who counts what (see docs/stats-counters.md): the router counts sessions, {@code lbtot}, the session
 * rate, {@code lastsess}, {@code wretr} and {@code wredis} as it routes and retries; the adapters report the
 * rest at the end of each exchange (through the decision, {@code Decision.exchange()}): the servlet filter the
 * status class and the declared lengths; the Jetty proxy the server's status, the body bytes it relays, {@code
 * econ}, {@code eresp} and the four times. A figure no adapter measured stays 0 ({@code dreq}, {@code dresp} and
 * {@code ereq} today: no deny rule is supported).
 *
 * @param scur current sessions: requests in flight ({@code scur})
 * @param smax the most sessions ever in flight at once ({@code smax})
 * @param slim the session limit ({@code slim}): a server's effective {@code maxconn}; 0 = none (HAProxy leaves
 *     the column empty)
 * @param stot sessions ever ({@code stot}): requests received by a frontend, routed to a backend, sent to a
 *     server (one per lease, load-balanced or persistent)
 * @param rate sessions per second now ({@code rate}): HAProxy's {@code freq_ctr}, the current second's count
 *     plus the previous second's, weighted by the part of it still inside the last second
 * @param rateMax the highest {@code rate} seen ({@code rate_max})
 * @param qcur requests queued now ({@code qcur}; backends and servers; stickyroute does not queue: 0)
 * @param qmax the most requests ever queued ({@code qmax}; backends and servers)
 * @param bin request bytes received from clients ({@code bin}), as far as the adapter knows them
 * @param bout response bytes sent to clients ({@code bout}), as far as the adapter knows them
 * @param dreq requests denied ({@code dreq}; frontends and backends)
 * @param dresp responses denied ({@code dresp})
 * @param ereq request errors ({@code ereq}; frontends only)
 * @param econ failed connection attempts to a server ({@code econ}; backends and servers)
 * @param eresp failed responses: the server closed, reset or timed out before a complete response ({@code
 *     eresp}; backends and servers)
 * @param wretr retries on the same server after a failed connection ({@code wretr}; backends and servers)
 * @param wredis retries that moved to another server ({@code wredis}; backends and servers: counted on the
 *     server that failed)
 * @param reqTot HTTP requests ({@code req_tot})
 * @param hrsp1xx responses with a 1xx status ({@code hrsp_1xx})
 * @param hrsp2xx responses with a 2xx status ({@code hrsp_2xx})
 * @param hrsp3xx responses with a 3xx status ({@code hrsp_3xx})
 * @param hrsp4xx responses with a 4xx status ({@code hrsp_4xx})
 * @param hrsp5xx responses with a 5xx status ({@code hrsp_5xx})
 * @param hrspOther responses with any other status ({@code hrsp_other})
 * @param lbtot times the load-balancing algorithm chose this server or backend ({@code lbtot}; persistent
 *     requests are not counted, as HAProxy's {@code cum_lbconn})
 * @param lastsess seconds since the last session ({@code lastsess}; backends and servers), -1 when none yet
 * @param qtime average queue time in ms over the last requests ({@code qtime}; backends and servers):
 *     HAProxy's {@code swrate} over a window of {@link #TIME_SAMPLES} requests (see there)
 * @param ctime average connect time in ms ({@code ctime}), same window
 * @param rtime average response time in ms, until the response headers ({@code rtime}), same window
 * @param ttime average total time in ms ({@code ttime}), same window
 * @param qtimeMax the longest queue time in ms ({@code qtime_max})
 * @param ctimeMax the longest connect time in ms ({@code ctime_max})
 * @param rtimeMax the longest response time in ms ({@code rtime_max})
 * @param ttimeMax the longest total time in ms ({@code ttime_max})
 */
public record TrafficStats(
    int scur,
    int smax,
    int slim,
    long stot,
    int rate,
    int rateMax,
    int qcur,
    int qmax,
    long bin,
    long bout,
    long dreq,
    long dresp,
    long ereq,
    long econ,
    long eresp,
    long wretr,
    long wredis,
    long reqTot,
    long hrsp1xx,
    long hrsp2xx,
    long hrsp3xx,
    long hrsp4xx,
    long hrsp5xx,
    long hrspOther,
    long lbtot,
    int lastsess,
    int qtime,
    int ctime,
    int rtime,
    int ttime,
    int qtimeMax,
    int ctimeMax,
    int rtimeMax,
    int ttimeMax) {

  /**
   * The window of the time averages, in requests: HAProxy 2.6's {@code TIME_STATS_SAMPLES}, which is 512 in
   * its source ({@code include/haproxy/defaults.h}) and therefore in the binary, although its management guide
   * says "the last 1024 requests". Until that many requests were counted, the average is the plain mean of
   * those seen ({@code swrate_add_dynamic} with a window of 0, read over {@code req_tot} samples).
   */
  public static final int TIME_SAMPLES = 512;

  /** Nothing counted yet. */
  public static final TrafficStats EMPTY =
      new TrafficStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, 0, 0, 0, 0,
          0, 0, 0, 0);

  /** The response count of HAProxy's class {@code k}: 1..5 for {@code hrsp_1xx..5xx}, 0 for {@code hrsp_other}. */
  public long hrsp(int k) {
    switch (k) {
      case 1:
        return hrsp1xx;
      case 2:
        return hrsp2xx;
      case 3:
        return hrsp3xx;
      case 4:
        return hrsp4xx;
      case 5:
        return hrsp5xx;
      default:
        return hrspOther;
    }
  }
}
