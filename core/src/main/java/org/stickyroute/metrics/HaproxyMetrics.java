package org.stickyroute.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import org.stickyroute.BackendStats;
import org.stickyroute.FrontendStats;
import org.stickyroute.ServerStatsRow;
import org.stickyroute.TrafficStats;

/**
 * The figures stickyroute exposes in HAProxy 2.6's Prometheus exporter's terms, per row type: the families of
 * {@code haproxy_frontend_*}, {@code haproxy_backend_*} and {@code haproxy_server_*} for which stickyroute has
 * the figure, with HAProxy's names, help texts, types and labels ({@code proxy}, {@code server}, and {@code
 * code} or {@code state} where HAProxy has them), so that dashboards made for HAProxy's exporter work unchanged.
 * The one place both the Prometheus endpoint ({@code StatsPrometheus}) and the Micrometer binder ({@code
 * StickyRouteMetrics}) read; the CSV column each figure comes from is in the comments.
 *
 * <p>Not here, because stickyroute does not have them: connections, compression, aborts, cache, header
 * rewrites, internal errors, idle connections, agents, the backend's {@code fullconn} and the frontend's {@code
 * maxconn} ({@code limit_sessions}), and the {@code haproxy_process_*} families. Times are in seconds, as
 * HAProxy's exporter writes them (its CSV has milliseconds). An empty CSV field reads {@link Double#NaN}, as
 * HAProxy's exporter writes it.
 */
public final class HaproxyMetrics {
  /** The label naming the frontend or backend, HAProxy's {@code proxy}. */
  public static final String PROXY = "proxy";
  /** The label naming the server, HAProxy's {@code server}. */
  public static final String SERVER_LABEL = "server";

  /** The {@code code} label's values of {@code *_http_responses_total}, in HAProxy's order. */
  public static final List<String> CODES = List.of("1xx", "2xx", "3xx", "4xx", "5xx", "other");
  /** The {@code state} values of {@code haproxy_frontend_status} and {@code haproxy_backend_status}. */
  public static final List<String> PROXY_STATES = List.of("DOWN", "UP");
  /** The {@code state} values of {@code haproxy_server_status}. */
  public static final List<String> SERVER_STATES = List.of("DOWN", "UP", "MAINT", "DRAIN", "NOLB");
  /** The {@code state} values of {@code haproxy_server_check_status}, HAProxy 2.6's check results. */
  public static final List<String> CHECK_STATES = List.of("HANA", "SOCKERR", "L4OK", "L4TOUT", "L4CON", "L6OK",
      "L6TOUT", "L6RSP", "L7TOUT", "L7RSP", "L7OK", "L7OKC", "L7STS", "PROCERR", "PROCTOUT", "PROCOK");

  private static final String CUR_SESSIONS = "Number of current sessions on the frontend, backend or server";
  private static final String MAX_SESSIONS = "Highest value of current sessions encountered since process started";
  private static final String SESSIONS = "Total number of sessions since process started";
  private static final String BYTES_IN = "Total number of request bytes since process started";
  private static final String BYTES_OUT = "Total number of response bytes since process started";
  private static final String DENIED_REQ = "Total number of denied requests since process started";
  private static final String DENIED_RESP = "Total number of denied responses since process started";
  private static final String STATUS = "Current status of the service, per state label value.";
  private static final String MAX_RATE =
      "Highest value of sessions per second observed since the worker process started";
  private static final String RESPONSES = "Total number of HTTP responses with status 100-199 returned by this "
      + "object since the worker process started";
  private static final String REQUESTS =
      "Total number of HTTP requests processed by this object since the worker process started";
  private static final String CUR_QUEUE = "Number of current queued connections";
  private static final String MAX_QUEUE = "Highest value of queued connections encountered since process started";
  private static final String ECON = "Total number of failed connections to server since the worker process started";
  private static final String ERESP = "Total number of invalid responses since the worker process started";
  private static final String WRETR = "Total number of server connection retries since the worker process started";
  private static final String WREDIS =
      "Total number of server redispatches due to connection failures since the worker process started";
  private static final String WEIGHT =
      "Server's effective weight, or sum of active servers' effective weights for a backend";
  private static final String UWEIGHT = "Server's user weight, or sum of active servers' user weights for a backend";
  private static final String CHKDOWN = "Total number of failed checks causing UP to DOWN server transitions, per "
      + "server/backend, since the worker process started";
  private static final String LASTCHG = "How long ago the last server state changed, in seconds";
  private static final String DOWNTIME = "Total time spent in DOWN state, for server or backend";
  private static final String LBTOT = "Total number of requests routed by load balancing since the worker process "
      + "started (ignores queue pop and stickiness)";
  private static final String LASTSESS =
      "How long ago some traffic was seen on this object on this worker process, in seconds";
  private static final String AVG = "Avg. %s time for last 1024 successful connections.";
  private static final String MAX_QTIME = "Maximum observed time spent in the queue";
  private static final String MAX_CTIME = "Maximum observed time spent waiting for a connection to complete";
  private static final String MAX_RTIME = "Maximum observed time spent waiting for a server response";
  private static final String MAX_TTIME =
      "Maximum observed total request+response time (request+queue+connect+response+processing)";

  /** The {@code haproxy_frontend_*} figures, one per family and extra label value. */
  public static final List<Figure<FrontendStats>> FRONTEND = frontend();
  /** The {@code haproxy_backend_*} figures. */
  public static final List<Figure<BackendStats>> BACKEND = backend();
  /** The {@code haproxy_server_*} figures. */
  public static final List<Figure<ServerStatsRow>> SERVER = server();

  private HaproxyMetrics() {}

  private static List<Figure<FrontendStats>> frontend() {
    Table<FrontendStats> t = new Table<>("haproxy_frontend_", FrontendStats::traffic);
    t.gauge("current_sessions", CUR_SESSIONS, x -> x.scur()); // scur
    t.gauge("max_sessions", MAX_SESSIONS, x -> x.smax()); // smax
    t.counter("sessions_total", SESSIONS, x -> x.stot()); // stot
    t.counter("bytes_in_total", BYTES_IN, x -> x.bin()); // bin
    t.counter("bytes_out_total", BYTES_OUT, x -> x.bout()); // bout
    t.counter("requests_denied_total", DENIED_REQ, x -> x.dreq()); // dreq
    t.counter("responses_denied_total", DENIED_RESP, x -> x.dresp()); // dresp
    t.counter("request_errors_total", "Total number of invalid requests since process started", x -> x.ereq());
    t.states("status", STATUS, PROXY_STATES, (f, s) -> s.equals("OPEN".equals(f.status()) ? "UP" : "DOWN"));
    t.row("limit_session_rate", "Limit on the number of sessions accepted in a second (frontend only, "
        + "'rate-limit sessions' setting)", MetricType.GAUGE, f -> 0); // rate_lim: stickyroute has none
    t.gauge("max_session_rate", MAX_RATE, x -> x.rateMax()); // rate_max
    t.codes("http_responses_total", RESPONSES); // hrsp_*
    // req_rate_max: a session is a request in stickyroute
    t.gauge("http_requests_rate_max", "Highest value of http requests observed since the worker process started",
        x -> x.rateMax());
    t.counter("http_requests_total", REQUESTS, x -> x.reqTot()); // req_tot
    return t.list();
  }

  private static List<Figure<BackendStats>> backend() {
    Table<BackendStats> t = new Table<>("haproxy_backend_", BackendStats::traffic);
    t.gauge("current_queue", CUR_QUEUE, x -> x.qcur());
    t.gauge("max_queue", MAX_QUEUE, x -> x.qmax());
    t.gauge("current_sessions", CUR_SESSIONS, x -> x.scur());
    t.gauge("max_sessions", MAX_SESSIONS, x -> x.smax());
    t.counter("sessions_total", SESSIONS, x -> x.stot());
    t.counter("bytes_in_total", BYTES_IN, x -> x.bin());
    t.counter("bytes_out_total", BYTES_OUT, x -> x.bout());
    t.counter("requests_denied_total", DENIED_REQ, x -> x.dreq());
    t.counter("responses_denied_total", DENIED_RESP, x -> x.dresp());
    t.counter("connection_errors_total", ECON, x -> x.econ());
    t.counter("response_errors_total", ERESP, x -> x.eresp());
    t.counter("retry_warnings_total", WRETR, x -> x.wretr());
    t.counter("redispatch_warnings_total", WREDIS, x -> x.wredis());
    t.states("status", STATUS, PROXY_STATES, (b, s) -> s.equals(b.status()));
    t.row("weight", WEIGHT, MetricType.GAUGE, BackendStats::weight);
    t.row("active_servers", "Total number of active UP servers with a non-zero weight", MetricType.GAUGE,
        BackendStats::activeServers);
    t.row("backup_servers", "Total number of backup UP servers with a non-zero weight", MetricType.GAUGE,
        BackendStats::backupServers);
    t.row("check_up_down_total", CHKDOWN, MetricType.COUNTER, BackendStats::downTransitions);
    t.row("check_last_change_seconds", LASTCHG, MetricType.GAUGE, BackendStats::lastChangeSeconds);
    t.row("downtime_seconds_total", DOWNTIME, MetricType.COUNTER, b -> !b.servers().isEmpty(),
        BackendStats::downtimeSeconds); // as be_downtime(): only a backend with servers
    t.counter("loadbalanced_total", LBTOT, x -> x.lbtot());
    t.gauge("max_session_rate", MAX_RATE, x -> x.rateMax());
    t.codes("http_responses_total", RESPONSES);
    t.counter("http_requests_total", REQUESTS, x -> x.reqTot());
    times(t);
    t.row("uweight", UWEIGHT, MetricType.GAUGE, b -> {
      int sum = 0;
      for (ServerStatsRow s : b.servers()) {
        sum += s.usable() ? s.weight() : 0;
      }
      return sum;
    });
    return t.list();
  }

  private static List<Figure<ServerStatsRow>> server() {
    Table<ServerStatsRow> t = new Table<>("haproxy_server_", ServerStatsRow::traffic);
    Predicate<ServerStatsRow> checked = ServerStatsRow::checked;
    t.gauge("current_queue", CUR_QUEUE, x -> x.qcur());
    t.gauge("max_queue", MAX_QUEUE, x -> x.qmax());
    t.gauge("current_sessions", CUR_SESSIONS, x -> x.scur());
    t.gauge("max_sessions", MAX_SESSIONS, x -> x.smax());
    t.gauge("limit_sessions", "Frontend/listener/server's maxconn, backend's fullconn",
        x -> x.slim() > 0 ? x.slim() : Double.NaN);
    t.counter("sessions_total", SESSIONS, x -> x.stot());
    t.counter("bytes_in_total", BYTES_IN, x -> x.bin());
    t.counter("bytes_out_total", BYTES_OUT, x -> x.bout());
    t.counter("responses_denied_total", DENIED_RESP, x -> x.dresp());
    t.counter("connection_errors_total", ECON, x -> x.econ());
    t.counter("response_errors_total", ERESP, x -> x.eresp());
    t.counter("retry_warnings_total", WRETR, x -> x.wretr());
    t.counter("redispatch_warnings_total", WREDIS, x -> x.wredis());
    t.states("status", STATUS, SERVER_STATES, (s, st) -> st.equals(serverState(s)));
    t.row("weight", WEIGHT, MetricType.GAUGE, ServerStatsRow::displayWeight);
    t.row("check_failures_total", "Total number of failed individual health checks per server/backend, since the "
        + "worker process started", MetricType.COUNTER, checked, ServerStatsRow::checkFailures);
    t.row("check_up_down_total", CHKDOWN, MetricType.COUNTER, checked, ServerStatsRow::downTransitions);
    t.row("check_last_change_seconds", LASTCHG, MetricType.GAUGE, ServerStatsRow::lastChangeSeconds);
    t.row("downtime_seconds_total", DOWNTIME, MetricType.COUNTER, checked, ServerStatsRow::downtimeSeconds);
    t.row("current_throttle", "Throttling ratio applied to a server's maxconn and weight during the slowstart "
        + "period (0 to 100%)", MetricType.GAUGE, s -> s.throttlePercent() < 100 ? s.throttlePercent() : Double.NaN);
    t.counter("loadbalanced_total", LBTOT, x -> x.lbtot());
    t.gauge("max_session_rate", MAX_RATE, x -> x.rateMax());
    t.states("check_status", "Status of last health check, per state label value.", CHECK_STATES, checked,
        (s, st) -> st.equals(s.checkStatus()));
    t.row("check_code", "layer5-7 code, if available of the last health check.", MetricType.GAUGE, checked,
        s -> s.checkStatus() != null && s.checkStatus().startsWith("L7") ? s.checkCode() : 0);
    t.row("check_duration_seconds", "Total duration of the latest server health check, in seconds.",
        MetricType.GAUGE, checked, s -> s.checkDurationMillis() >= 0 && !"INI".equals(s.checkStatus())
            ? s.checkDurationMillis() / 1000.0 : Double.NaN);
    t.codes("http_responses_total", RESPONSES);
    times(t);
    t.row("uweight", UWEIGHT, MetricType.GAUGE, ServerStatsRow::weight);
    return t.list();
  }

  /** {@code last_session_seconds} and the average and maximum times: backends and servers alike. */
  private static <T> void times(Table<T> t) {
    t.gauge("last_session_seconds", LASTSESS, x -> x.lastsess()); // lastsess, -1 when none
    t.gauge("queue_time_average_seconds", AVG.formatted("queue"), x -> x.qtime() / 1000.0); // qtime
    t.gauge("connect_time_average_seconds", AVG.formatted("connect"), x -> x.ctime() / 1000.0);
    t.gauge("response_time_average_seconds", AVG.formatted("response"), x -> x.rtime() / 1000.0);
    t.gauge("total_time_average_seconds", AVG.formatted("total"), x -> x.ttime() / 1000.0);
    t.gauge("max_queue_time_seconds", MAX_QTIME, x -> x.qtimeMax() / 1000.0); // qtime_max
    t.gauge("max_connect_time_seconds", MAX_CTIME, x -> x.ctimeMax() / 1000.0);
    t.gauge("max_response_time_seconds", MAX_RTIME, x -> x.rtimeMax() / 1000.0);
    t.gauge("max_total_time_seconds", MAX_TTIME, x -> x.ttimeMax() / 1000.0);
  }

  /** HAProxy's exporter's server state: maintenance, drain, then up or down. */
  static String serverState(ServerStatsRow s) {
    switch (s.status()) {
      case MAINT:
        return "MAINT";
      case DRAIN:
        return "DRAIN";
      case DOWN:
        return "DOWN";
      default:
        return "UP";
    }
  }

  /** Collects the figures of one row type, in HAProxy's exporter's order. */
  private static final class Table<T> {
    private final String prefix;
    private final java.util.function.Function<T, TrafficStats> traffic;
    private final List<Figure<T>> out = new ArrayList<>();

    Table(String prefix, java.util.function.Function<T, TrafficStats> traffic) {
      this.prefix = prefix;
      this.traffic = traffic;
    }

    void gauge(String name, String help, ToDoubleFunction<TrafficStats> f) {
      row(name, help, MetricType.GAUGE, r -> f.applyAsDouble(traffic.apply(r)));
    }

    void counter(String name, String help, ToDoubleFunction<TrafficStats> f) {
      row(name, help, MetricType.COUNTER, r -> f.applyAsDouble(traffic.apply(r)));
    }

    void row(String name, String help, MetricType type, ToDoubleFunction<T> f) {
      row(name, help, type, r -> true, f);
    }

    void row(String name, String help, MetricType type, Predicate<T> applies, ToDoubleFunction<T> f) {
      out.add(new Figure<>(prefix + name, help, type, null, null, applies, f));
    }

    void codes(String name, String help) {
      for (int i = 0; i < CODES.size(); i++) {
        int k = i == CODES.size() - 1 ? 0 : i + 1; // TrafficStats.hrsp: 1..5, 0 = other
        out.add(new Figure<T>(prefix + name, help, MetricType.COUNTER, "code", CODES.get(i), r -> true,
            r -> traffic.apply(r).hrsp(k)));
      }
    }

    void states(String name, String help, List<String> states, java.util.function.BiPredicate<T, String> is) {
      states(name, help, states, r -> true, is);
    }

    void states(String name, String help, List<String> states, Predicate<T> applies,
        java.util.function.BiPredicate<T, String> is) {
      for (String s : states) {
        out.add(new Figure<T>(prefix + name, help, MetricType.GAUGE, "state", s, applies,
            r -> is.test(r, s) ? 1 : 0));
      }
    }

    List<Figure<T>> list() {
      return List.copyOf(out);
    }
  }
}
