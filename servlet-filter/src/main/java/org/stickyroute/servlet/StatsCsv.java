package org.stickyroute.servlet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.stickyroute.BackendStats;
import org.stickyroute.FrontendStats;
import org.stickyroute.ProxyStats;
import org.stickyroute.RouterStats;
import org.stickyroute.ServerStatsRow;
import org.stickyroute.TrafficStats;

/**
 * A router's stats as HAProxy 2.6's CSV ({@code show stat}, and the stats page's {@code ;csv}): the same header
 * line, the same column order, the same row order. Stateless and thread-safe.
 *
 * <p>The header is the one Debian's HAProxy 2.6.12 prints, checked against the binary by {@code
 * StatsCsvDifferentialTest}: the 103 {@code ST_F_*} columns of 2.6 (2.6.12's backport split {@code
 * agg_check_status} into three), then the {@code -} column that opens the statistics modules and those modules'
 * 24 columns ({@code ssl_*}, {@code h2_*}, {@code h1_*}); each line ends with a comma.
 *
 * <p>Rows: every section in configuration order (stats-only ones included, as HAProxy lists them), a {@code
 * FRONTEND} row first, then the servers, then the {@code BACKEND} row. A column gets stickyroute's value when
 * stickyroute has the figure and HAProxy fills that column for that row type; it is empty otherwise (HAProxy's
 * own empty columns, and the figures stickyroute does not have: connections, compression, aborts, cache,
 * agents, SSL, H1/H2 and the idle-connection counters). As on HAProxy's HTTP stats page (not the admin CLI),
 * {@code addr}, {@code cookie} and {@code algo} are left empty. {@code pid} is 1 and {@code iid} the section's
 * position, counted from 1, as HAProxy numbers proxies without explicit ids and without a {@code stats socket}.
 * A session is a request in stickyroute, so {@code req_rate}/{@code req_rate_max} are the session rate.
 *
 * <p>Names are written with HAProxy's {@code csv_enc}: a field holding a comma, a quote or a line break is
 * quoted, quotes doubled.
 */
public final class StatsCsv {
  /** HAProxy 2.6.12's {@code show stat} columns, in order (the header without {@code "# "} and commas). */
  public static final List<String> COLUMNS = List.of(
      "pxname", "svname", "qcur", "qmax", "scur", "smax", "slim", "stot", "bin", "bout", "dreq", "dresp", "ereq",
      "econ", "eresp", "wretr", "wredis", "status", "weight", "act", "bck", "chkfail", "chkdown", "lastchg",
      "downtime", "qlimit", "pid", "iid", "sid", "throttle", "lbtot", "tracked", "type", "rate", "rate_lim",
      "rate_max", "check_status", "check_code", "check_duration", "hrsp_1xx", "hrsp_2xx", "hrsp_3xx", "hrsp_4xx",
      "hrsp_5xx", "hrsp_other", "hanafail", "req_rate", "req_rate_max", "req_tot", "cli_abrt", "srv_abrt",
      "comp_in", "comp_out", "comp_byp", "comp_rsp", "lastsess", "last_chk", "last_agt", "qtime", "ctime", "rtime",
      "ttime", "agent_status", "agent_code", "agent_duration", "check_desc", "agent_desc", "check_rise",
      "check_fall", "check_health", "agent_rise", "agent_fall", "agent_health", "addr", "cookie", "mode", "algo",
      "conn_rate", "conn_rate_max", "conn_tot", "intercepted", "dcon", "dses", "wrew", "connect", "reuse",
      "cache_lookups", "cache_hits", "srv_icur", "src_ilim", "qtime_max", "ctime_max", "rtime_max", "ttime_max",
      "eint", "idle_conn_cur", "safe_conn_cur", "used_conn_cur", "need_conn_est", "uweight", "agg_server_status",
      "agg_server_check_status", "agg_check_status", "-", "ssl_sess", "ssl_reused_sess", "ssl_failed_handshake",
      "h2_headers_rcvd", "h2_data_rcvd", "h2_settings_rcvd", "h2_rst_stream_rcvd", "h2_goaway_rcvd",
      "h2_detected_conn_protocol_errors", "h2_detected_strm_protocol_errors", "h2_rst_stream_resp",
      "h2_goaway_resp", "h2_open_connections", "h2_backend_open_streams", "h2_total_connections",
      "h2_backend_total_streams", "h1_open_connections", "h1_open_streams", "h1_total_connections",
      "h1_total_streams", "h1_bytes_in", "h1_bytes_out", "h1_spliced_bytes_in", "h1_spliced_bytes_out");

  private static final Map<String, Integer> INDEX = new HashMap<>();

  static {
    for (int i = 0; i < COLUMNS.size(); i++) {
      INDEX.put(COLUMNS.get(i), i);
    }
  }

  /** HAProxy's {@code type} column. */
  private static final int FRONTEND = 0;
  private static final int BACKEND = 1;
  private static final int SERVER = 2;

  private StatsCsv() {}

  /** The header line, {@code "# pxname,svname,...,h1_spliced_bytes_out,"} and a new line. */
  public static String header() {
    return "# " + String.join(",", COLUMNS) + ",\n";
  }

  /** The whole CSV: the header and one line per frontend, server and backend row. */
  public static String render(RouterStats stats) {
    StringBuilder b = new StringBuilder(4096);
    try {
      write(stats, b);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringBuilder does not throw
    }
    return b.toString();
  }

  /** Writes the CSV to {@code out}. */
  public static void write(RouterStats stats, Appendable out) throws IOException {
    out.append(header());
    List<ProxyStats> proxies = stats.proxies();
    for (int p = 0; p < proxies.size(); p++) {
      ProxyStats px = proxies.get(p);
      int iid = p + 1;
      if (px.frontend() != null) {
        out.append(frontend(px.frontend(), iid).line());
      }
      BackendStats be = px.backend();
      if (be != null) {
        for (ServerStatsRow s : be.servers()) {
          out.append(server(be, s, iid).line());
        }
        out.append(backend(be, iid).line());
      }
    }
  }

  private static Row common(String pxname, String svname, int type, int iid, int sid, TrafficStats t) {
    Row r = new Row();
    r.set("pxname", pxname).set("svname", svname).set("scur", t.scur()).set("smax", t.smax())
        .set("stot", t.stot()).set("bin", t.bin()).set("bout", t.bout()).set("dresp", t.dresp())
        .set("pid", 1).set("iid", iid).set("sid", sid).set("type", type).set("rate", t.rate())
        .set("rate_max", t.rateMax()).set("req_tot", t.reqTot()).set("mode", "http").set("-", "-");
    if (t.slim() > 0) {
      r.set("slim", t.slim());
    }
    for (int k = 1; k <= 5; k++) {
      r.set("hrsp_" + k + "xx", t.hrsp(k));
    }
    return r.set("hrsp_other", t.hrspOther());
  }

  /** The columns a backend and its servers share: queue, connection errors, warnings, lbtot, times. */
  private static Row upstream(Row r, TrafficStats t) {
    return r.set("qcur", t.qcur()).set("qmax", t.qmax()).set("econ", t.econ()).set("eresp", t.eresp())
        .set("wretr", t.wretr()).set("wredis", t.wredis()).set("lbtot", t.lbtot()).set("lastsess", t.lastsess())
        .set("qtime", t.qtime()).set("ctime", t.ctime()).set("rtime", t.rtime()).set("ttime", t.ttime())
        .set("qtime_max", t.qtimeMax()).set("ctime_max", t.ctimeMax()).set("rtime_max", t.rtimeMax())
        .set("ttime_max", t.ttimeMax());
  }

  static Row frontend(FrontendStats f, int iid) {
    TrafficStats t = f.traffic();
    return common(f.name(), "FRONTEND", FRONTEND, iid, 0, t).set("dreq", t.dreq()).set("ereq", t.ereq())
        .set("status", f.status()).set("rate_lim", 0).set("req_rate", t.rate()).set("req_rate_max", t.rateMax());
  }

  static Row backend(BackendStats b, int iid) {
    TrafficStats t = b.traffic();
    int uweight = 0;
    for (ServerStatsRow s : b.servers()) {
      if (s.usable()) {
        uweight += s.weight();
      }
    }
    Row r = upstream(common(b.name(), "BACKEND", BACKEND, iid, 0, t), t).set("dreq", t.dreq())
        .set("status", b.status()).set("weight", b.weight()).set("act", b.activeServers())
        .set("bck", b.backupServers()).set("chkdown", b.downTransitions()).set("lastchg", b.lastChangeSeconds())
        .set("uweight", uweight);
    if (!b.servers().isEmpty()) { // as be_downtime(): a backend without servers has no downtime column
      r.set("downtime", b.downtimeSeconds());
    }
    return r;
  }

  static Row server(BackendStats b, ServerStatsRow s, int iid) {
    TrafficStats t = s.traffic();
    Row r = upstream(common(b.name(), s.name(), SERVER, iid, s.id(), t), t).set("status", s.statusText())
        .set("weight", s.displayWeight()).set("act", s.backup() ? 0 : 1).set("bck", s.backup() ? 1 : 0)
        .set("lastchg", s.lastChangeSeconds()).set("uweight", s.weight());
    if (s.throttlePercent() < 100) {
      r.set("throttle", s.throttlePercent());
    }
    if (s.checked()) {
      r.set("chkfail", s.checkFailures()).set("chkdown", s.downTransitions())
          .set("downtime", s.downtimeSeconds()).set("check_rise", s.checkRise()).set("check_fall", s.checkFall())
          .set("check_health", s.checkHealth());
      String st = s.checkStatus();
      if (st != null) {
        r.set("check_status", st);
        if (st.startsWith("L7") && s.checkCode() > 0) {
          r.set("check_code", s.checkCode());
        }
        if (!"INI".equals(st) && s.checkDurationMillis() >= 0) {
          r.set("check_duration", s.checkDurationMillis());
        }
        r.set("check_desc", s.lastCheck() != null ? s.lastCheck().detail() : "INI".equals(st) ? "Initializing" : "");
      }
    }
    return r;
  }

  /** One CSV line under construction: a cell per column, {@code null} = empty. */
  static final class Row {
    private final String[] cells = new String[COLUMNS.size()];

    Row set(String column, long value) {
      return set(column, Long.toString(value));
    }

    Row set(String column, String value) {
      Integer i = INDEX.get(column);
      if (i == null) {
        throw new IllegalArgumentException("not a show stat column: " + column);
      }
      cells[i] = value;
      return this;
    }

    /** The cell of {@code column}, {@code null} when empty. */
    String get(String column) {
      return cells[INDEX.get(column)];
    }

    String line() {
      StringBuilder b = new StringBuilder(256);
      for (String c : cells) {
        if (c != null) {
          escape(c, b);
        }
        b.append(',');
      }
      return b.append('\n').toString();
    }

    @Override
    public String toString() {
      return Arrays.toString(cells);
    }
  }

  /** HAProxy's {@code csv_enc} with automatic quoting: quoted when it holds a comma, a quote, CR or LF. */
  static void escape(String s, StringBuilder out) {
    boolean quote = false;
    for (int i = 0; i < s.length() && !quote; i++) {
      char c = s.charAt(i);
      quote = c == ',' || c == '"' || c == '\r' || c == '\n';
    }
    if (!quote) {
      out.append(s);
      return;
    }
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      out.append(c);
      if (c == '"') {
        out.append('"');
      }
    }
    out.append('"');
  }
}
