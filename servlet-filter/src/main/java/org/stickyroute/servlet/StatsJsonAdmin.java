package org.stickyroute.servlet;

import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.stickyroute.Backend;
import org.stickyroute.BackendStats;
import org.stickyroute.Router;
import org.stickyroute.ServerStatsRow;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.json.JsonFactory;

/**
 * The JSON admin endpoint, {@code POST <stats uri>/admin}, for automation. The body names one server and
 * what to change; every field given is applied, in the order state, health, weight:
 *
 * <pre>{@code
 * {"backend":"sharelatex_generic","server":"docker-0","state":"drain"}
 * {"backend":"sharelatex_generic","server":"docker-0","health":"down"}
 * {"backend":"sharelatex_generic","server":"docker-0","weight":50,"state":"ready"}
 * }</pre>
 *
 * {@code state} is {@code ready}, {@code drain} or {@code maint}; {@code health} is {@code up} or {@code
 * down}; {@code weight} is 0..256 (case-insensitive words). The answer is {@code 200} with the server's
 * object as the stats JSON writes it ({@link StatsJson}), or {@code 400}/{@code 404} with {@code
 * {"error":"..."}}. Package-private; {@link StickyStatsServlet} calls it after checking credentials, {@code
 * stats admin}, the origin and the content type.
 */
final class StatsJsonAdmin {
  private static final JsonFactory FACTORY = new JsonFactory();

  private StatsJsonAdmin() {}

  /** The answer: an HTTP status and a JSON body. */
  record Answer(int status, String json) {}

  /** Parses {@code body}, applies it to {@code router}, and answers. */
  static Answer handle(Router router, String body) {
    String backend = null;
    String server = null;
    String state = null;
    String health = null;
    Integer weight = null;
    try (JsonParser p = FACTORY.createParser(ObjectReadContext.empty(), body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return error(400, "the body must be a JSON object");
      }
      for (JsonToken t = p.nextToken(); t == JsonToken.PROPERTY_NAME; t = p.nextToken()) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        switch (name) {
          case "backend" -> backend = text(p, v, name);
          case "server" -> server = text(p, v, name);
          case "state" -> state = text(p, v, name).toLowerCase(Locale.ROOT);
          case "health" -> health = text(p, v, name).toLowerCase(Locale.ROOT);
          case "weight" -> {
            if (v != JsonToken.VALUE_NUMBER_INT) {
              return error(400, "'weight' must be an integer 0..256");
            }
            long w = p.getLongValue();
            weight = w < 0 || w > 256 ? -1 : (int) w;
          }
          default -> {
            return error(400, "unknown field '" + name + "'");
          }
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
        return error(400, "the body must be one JSON object");
      }
    } catch (JacksonException e) {
      return error(400, "malformed JSON: " + e.getOriginalMessage());
    } catch (IllegalArgumentException e) {
      return error(400, e.getMessage());
    }
    if (backend == null || server == null) {
      return error(400, "'backend' and 'server' are required");
    }
    if (state == null && health == null && weight == null) {
      return error(400, "nothing to do: give 'state', 'health' or 'weight'");
    }
    List<StatsAdmin.Action> actions = new ArrayList<>();
    if (state != null) {
      StatsAdmin.Action a = switch (state) {
        case "ready" -> StatsAdmin.Action.READY;
        case "drain" -> StatsAdmin.Action.DRAIN;
        case "maint" -> StatsAdmin.Action.MAINT;
        default -> null;
      };
      if (a == null) {
        return error(400, "'state' must be ready, drain or maint");
      }
      actions.add(a);
    }
    if (health != null) {
      if (!health.equals("up") && !health.equals("down")) {
        return error(400, "'health' must be up or down");
      }
      actions.add(health.equals("up") ? StatsAdmin.Action.HEALTH_UP : StatsAdmin.Action.HEALTH_DOWN);
    }
    if (weight != null) {
      if (weight < 0) {
        return error(400, "'weight' must be an integer 0..256");
      }
      actions.add(StatsAdmin.Action.WEIGHT);
    }
    Backend b = router.backend(backend);
    if (b == null || b.snapshot().indexOf(server) < 0) {
      return error(404, b == null ? "no backend '" + backend + "'" : "backend '" + backend + "' has no server '"
          + server + "'");
    }
    for (StatsAdmin.Action a : actions) {
      StatsAdmin.apply(b, server, a, weight == null ? 0 : weight);
    }
    BackendStats stats = b.stats();
    for (ServerStatsRow row : stats.servers()) {
      if (row.name().equals(server)) {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(ObjectWriteContext.empty(), w)) {
          StatsJson.writeServer(g, stats, row);
        }
        return new Answer(200, w.toString());
      }
    }
    return error(404, "backend '" + backend + "' has no server '" + server + "'");
  }

  private static String text(JsonParser p, JsonToken v, String name) {
    if (v != JsonToken.VALUE_STRING) {
      throw new IllegalArgumentException("'" + name + "' must be a string");
    }
    return p.getString();
  }

  static Answer error(int status, String message) {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = FACTORY.createGenerator(ObjectWriteContext.empty(), w)) {
      g.writeStartObject();
      g.writeStringProperty("error", message);
      g.writeEndObject();
    }
    return new Answer(status, w.toString());
  }
}
