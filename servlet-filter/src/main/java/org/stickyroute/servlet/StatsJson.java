package org.stickyroute.servlet;

import java.io.StringWriter;
import java.io.Writer;
import java.util.List;
import org.stickyroute.BackendStats;
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
 * reports it. Stateless and thread-safe.
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
    try (JsonGenerator g = FACTORY.createGenerator(ObjectWriteContext.empty(), out)) {
      g.writeStartObject();
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
    g.writeNumberProperty("lastchg",
        Math.max(0, b.at().getEpochSecond() - s.lastTransition().getEpochSecond()));
    g.writeEndObject();
  }
}
