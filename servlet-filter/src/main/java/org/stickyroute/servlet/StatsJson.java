package org.stickyroute.servlet;

import java.io.StringWriter;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import org.stickyroute.BackendStats;
import org.stickyroute.FrontendStats;
import org.stickyroute.ProxyStats;
import org.stickyroute.RouterStats;
import org.stickyroute.TrafficStats;
import org.stickyroute.ServerStatsRow;
import org.stickyroute.CheckResult;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.json.JsonFactory;

/**
 * Renders {@link BackendStats} as JSON with Jackson 3's streaming generator (core stays free of JSON
 * libraries). The field names follow HAProxy's stats CSV where one exists ({@code scur}, {@code smax},
 * {@code stot}, {@code slim}, {@code chkfail}, {@code chkdown}, {@code lastchg} ...), next to readable
 * ones. Times are ISO-8601 instants; {@code lastchg} is whole seconds since the last transition, as HAProxy
 * reports it. Each backend and server also has {@code "traffic"}: every {@link TrafficStats} counter under its
 * HAProxy CSV name ({@code rate}, {@code bin}, {@code econ}, {@code wretr}, {@code hrsp_5xx}, {@code lbtot},
 * {@code ttime} ...), and servers their {@code statusText} ({@code "UP 2/3"}), {@code downtime} and {@code
 * check_status}. {@link #write(RouterStats, Writer)} adds {@code "frontends"} (stats-only sections left out).
 * Stateless and thread-safe.
 *
 * <pre>{@code
 * {"backends":[{"name":"be","balance":"leastconn","version":7,"scur":1,"usable":2,"usingBackups":false,
 *   "at":"2026-11-29T13:00:00Z","servers":[{"name":"s1","status":"UP","backup":false,"weight":1,
 *   "eweight":16,"throttle":100,"usable":true,"scur":1,"smax":4,"stot":1234,"slim":0,"check":true,
 *   "health":4,"lastCheck":{"success":true,"code":200,"durationMs":2,"detail":"Layer7 check passed",
 *   "at":"2026-11-29T12:59:59.900Z"},"chkfail":0,"chkdown":0,"lastTransition":"2026-11-29T12:00:00Z",
 *   "lastchg":3600}]}]}
 * }</pre>
 */
public final class StatsJson {
  private static final JsonFactory FACTORY = new JsonFactory();

  private StatsJson() {}

  /** The JSON of these backends' stats, as one object {@code {"backends":[...]}}. */
  public static String render(List<BackendStats> backends) {
    StringWriter w = new StringWriter();
    write(backends, w);
    return w.toString();
  }

  /** Writes the JSON of these backends' stats to {@code out} (not closed). */
  public static void write(List<BackendStats> backends, Writer out) {
    write(null, backends, out);
  }

  /**
   * Writes a router's stats to {@code out} (not closed): {@code {"frontends":[...],"backends":[...]}}, in
   * configuration order, without the sections that only serve the stats page.
   */
  public static void write(RouterStats stats, Writer out) {
    List<FrontendStats> frontends = new ArrayList<>();
    List<BackendStats> backends = new ArrayList<>();
    for (ProxyStats p : stats.visible()) {
      if (p.frontend() != null) {
        frontends.add(p.frontend());
      }
      if (p.backend() != null) {
        backends.add(p.backend());
      }
    }
    write(frontends, backends, out);
  }

  private static void write(List<FrontendStats> frontends, List<BackendStats> backends, Writer out) {
    try (JsonGenerator g = FACTORY.createGenerator(ObjectWriteContext.empty(), out)) {
      g.writeStartObject();
      if (frontends != null) {
        g.writeArrayPropertyStart("frontends");
        for (FrontendStats f : frontends) {
          g.writeStartObject();
          g.writeStringProperty("name", f.name());
          g.writeStringProperty("status", f.status());
          writeTraffic(g, f.traffic());
          g.writeEndObject();
        }
        g.writeEndArray();
      }
      g.writeArrayPropertyStart("backends");
      for (BackendStats b : backends) {
        writeBackend(g, b);
      }
      g.writeEndArray();
      g.writeEndObject();
    }
  }

  private static void writeBackend(JsonGenerator g, BackendStats b) {
    g.writeStartObject();
    g.writeStringProperty("name", b.name());
    g.writeStringProperty("balance", b.balance());
    g.writeNumberProperty("version", b.version());
    g.writeNumberProperty("scur", b.inFlight());
    g.writeNumberProperty("usable", b.usableServers());
    g.writeBooleanProperty("usingBackups", b.usingBackups());
    g.writeStringProperty("at", b.at().toString());
    g.writeStringProperty("status", b.status());
    g.writeNumberProperty("act", b.activeServers());
    g.writeNumberProperty("bck", b.backupServers());
    g.writeNumberProperty("weight", b.weight());
    g.writeNumberProperty("lastchg", b.lastChangeSeconds());
    g.writeNumberProperty("downtime", b.downtimeSeconds());
    g.writeNumberProperty("chkdown", b.downTransitions());
    writeTraffic(g, b.traffic());
    g.writeArrayPropertyStart("servers");
    for (ServerStatsRow s : b.servers()) {
      writeServer(g, b, s);
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  /** One server's object (the elements of {@code "servers"}); {@code b} gives the time {@code lastchg} counts to. */
  static void writeServer(JsonGenerator g, BackendStats b, ServerStatsRow s) {
    g.writeStartObject();
    g.writeStringProperty("name", s.name());
    g.writeStringProperty("status", s.status().name());
    g.writeBooleanProperty("backup", s.backup());
    g.writeNumberProperty("weight", s.weight());
    g.writeNumberProperty("eweight", s.effectiveWeight());
    g.writeNumberProperty("throttle", s.throttlePercent());
    g.writeBooleanProperty("usable", s.usable());
    g.writeNumberProperty("scur", s.inFlight());
    g.writeNumberProperty("smax", s.maxInFlight());
    g.writeNumberProperty("stot", s.totalSelections());
    g.writeNumberProperty("slim", s.maxconn());
    g.writeBooleanProperty("check", s.checked());
    g.writeNumberProperty("health", s.checkHealth());
    CheckResult c = s.lastCheck();
    if (c == null) {
      g.writeNullProperty("lastCheck");
    } else {
      g.writeObjectPropertyStart("lastCheck");
      g.writeBooleanProperty("success", c.success());
      g.writeNumberProperty("code", c.status());
      g.writeNumberProperty("durationMs", c.durationMillis());
      g.writeStringProperty("detail", c.detail());
      g.writeStringProperty("at", c.at().toString());
      g.writeEndObject();
    }
    g.writeNumberProperty("chkfail", s.checkFailures());
    g.writeNumberProperty("chkdown", s.downTransitions());
    g.writeStringProperty("lastTransition", s.lastTransition().toString());
    g.writeNumberProperty("lastchg", s.lastChangeSeconds());
    g.writeStringProperty("statusText", s.statusText());
    g.writeNumberProperty("downtime", s.downtimeSeconds());
    if (s.checkStatus() != null) {
      g.writeStringProperty("check_status", s.checkStatus());
    }
    g.writeNumberProperty("sid", s.id());
    writeTraffic(g, s.traffic());
    g.writeEndObject();
  }

  /** {@code "traffic":{...}}: every counter under its HAProxy CSV name. */
  private static void writeTraffic(JsonGenerator g, TrafficStats t) {
    g.writeObjectPropertyStart("traffic");
    g.writeNumberProperty("scur", t.scur());
    g.writeNumberProperty("smax", t.smax());
    g.writeNumberProperty("slim", t.slim());
    g.writeNumberProperty("stot", t.stot());
    g.writeNumberProperty("rate", t.rate());
    g.writeNumberProperty("rate_max", t.rateMax());
    g.writeNumberProperty("qcur", t.qcur());
    g.writeNumberProperty("qmax", t.qmax());
    g.writeNumberProperty("bin", t.bin());
    g.writeNumberProperty("bout", t.bout());
    g.writeNumberProperty("dreq", t.dreq());
    g.writeNumberProperty("dresp", t.dresp());
    g.writeNumberProperty("ereq", t.ereq());
    g.writeNumberProperty("econ", t.econ());
    g.writeNumberProperty("eresp", t.eresp());
    g.writeNumberProperty("wretr", t.wretr());
    g.writeNumberProperty("wredis", t.wredis());
    g.writeNumberProperty("req_tot", t.reqTot());
    for (int k = 1; k <= 5; k++) {
      g.writeNumberProperty("hrsp_" + k + "xx", t.hrsp(k));
    }
    g.writeNumberProperty("hrsp_other", t.hrspOther());
    g.writeNumberProperty("lbtot", t.lbtot());
    g.writeNumberProperty("lastsess", t.lastsess());
    g.writeNumberProperty("qtime", t.qtime());
    g.writeNumberProperty("ctime", t.ctime());
    g.writeNumberProperty("rtime", t.rtime());
    g.writeNumberProperty("ttime", t.ttime());
    g.writeNumberProperty("qtime_max", t.qtimeMax());
    g.writeNumberProperty("ctime_max", t.ctimeMax());
    g.writeNumberProperty("rtime_max", t.rtimeMax());
    g.writeNumberProperty("ttime_max", t.ttimeMax());
    g.writeEndObject();
  }
}
