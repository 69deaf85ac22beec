package org.stickyroute.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.stickyroute.config.StatsConfig;
import org.stickyroute.micrometer.StickyRouteMetrics;
import org.stickyroute.servlet.testing.Containers;
import org.stickyroute.servlet.testing.Http;
import org.stickyroute.servlet.testing.ScriptedLoad;
import org.stickyroute.servlet.testing.ServletContainer;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * After {@link ScriptedLoad}'s requests through the real Jetty proxy (known requests, a refused connection, a
 * redispatch, a 5xx), every expected counter reads the same in the model ({@link
 * org.stickyroute.Router#stats()}) and the five views: the stats page (HTML, its cells and its Total tooltip),
 * the JSON, the CSV and the Prometheus text, each fetched over HTTP from the stats
 * servlet, and the Micrometer meters of {@link StickyRouteMetrics} on a real {@link SimpleMeterRegistry}. A
 * counter a view does not have (HAProxy's exporter has no server {@code http_requests_total}, the page no
 * frontend {@code lbtot}) is skipped for that view and counted. The model must hold every expected value
 * exactly ({@link ScriptedLoad} waits for each frontend session to close, so {@code smax} is 1).
 */
class StatsFormatsAgreeTest {
  /** The page's columns up to Warnings, after the name cell (HAProxy's layout, colspans expanded). */
  static final List<String> PAGE = List.of("qcur", "qmax", "qlimit", "rate", "rate_max", "rate_lim", "scur", "smax",
      "slim", "stot", "lbtot", "lastsess", "bin", "bout", "dreq", "dresp", "ereq", "econ", "eresp", "wretr",
      "wredis");

  /** A CSV field's Prometheus family (without {@code haproxy_<type>_}) and extra label, where there is one. */
  static final Map<String, String> PROMETHEUS = Map.ofEntries(Map.entry("stot", "sessions_total"),
      Map.entry("req_tot", "http_requests_total"), Map.entry("bin", "bytes_in_total"),
      Map.entry("bout", "bytes_out_total"), Map.entry("scur", "current_sessions"),
      Map.entry("smax", "max_sessions"), Map.entry("dreq", "requests_denied_total"),
      Map.entry("ereq", "request_errors_total"), Map.entry("lbtot", "loadbalanced_total"),
      Map.entry("econ", "connection_errors_total"), Map.entry("eresp", "response_errors_total"),
      Map.entry("wretr", "retry_warnings_total"), Map.entry("wredis", "redispatch_warnings_total"),
      Map.entry("hrsp_1xx", "http_responses_total code=1xx"), Map.entry("hrsp_2xx", "http_responses_total code=2xx"),
      Map.entry("hrsp_3xx", "http_responses_total code=3xx"), Map.entry("hrsp_4xx", "http_responses_total code=4xx"),
      Map.entry("hrsp_5xx", "http_responses_total code=5xx"),
      Map.entry("hrsp_other", "http_responses_total code=other"));

  @Test
  void theExpectedCountersReadTheSameInHtmlJsonCsvPrometheusAndMicrometer() throws Exception {
    try (ScriptedLoad load = ScriptedLoad.start(Containers.JETTY);
        ServletContainer stats = Containers.JETTY.get()
            .servlet("stats", new StickyStatsServlet(load.router(), List.of(new StatsConfig.Credential("u", "p"))),
                "/stats/*")
            .start()) {
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      StickyRouteMetrics metrics = new StickyRouteMetrics(load::router, Tags.empty(), Duration.ofHours(1));
      metrics.bindTo(registry);
      load.run();
      metrics.refresh();
      String auth = "Basic " + Base64.getEncoder().encodeToString("u:p".getBytes(StandardCharsets.UTF_8));
      Map<String, String> html = html(body(stats, "/stats;norefresh", auth));
      Map<String, String> json = json(body(stats, "/stats?format=json", auth));
      Map<String, String> csv = csv(body(stats, "/stats;csv", auth));
      String prometheus = body(stats, "/stats/metrics", auth);

      Map<String, Long> expected = load.expected();
      List<String> wrong = new ArrayList<>();
      int compared = 0;
      int skipped = 0;
      org.stickyroute.RouterStats model = load.router().stats();
      for (Map.Entry<String, Long> e : expected.entrySet()) {
        String key = e.getKey();
        long inModel = ScriptedLoad.actual(model, key);
        if (inModel != e.getValue()) {
          wrong.add("model " + key + " = " + inModel + ", expected " + e.getValue());
        }
        String want = Long.toString(inModel);
        String[] k = key.split("/", 3);
        String type = k[1].equals("FRONTEND") ? "frontend" : k[1].equals("BACKEND") ? "backend" : "server";
        Map<String, String> views = new java.util.LinkedHashMap<>();
        views.put("html", html.get(key));
        views.put("json", json.get(key));
        views.put("csv", csv.get(key));
        String family = PROMETHEUS.get(k[2]);
        String labels = "proxy=\"" + k[0] + "\"" + (type.equals("server") ? ",server=\"" + k[1] + "\"" : "");
        String code = null;
        if (family != null && family.contains(" code=")) {
          code = family.substring(family.indexOf('=') + 1);
          family = family.substring(0, family.indexOf(' '));
          labels += ",code=\"" + code + "\"";
        }
        views.put("prometheus", family == null ? null : sample(prometheus, "haproxy_" + type + "_" + family, labels));
        views.put("micrometer", family == null ? null : meter(registry, type, family, k, code));
        for (Map.Entry<String, String> v : views.entrySet()) {
          if (v.getValue() == null) {
            skipped++;
          } else {
            compared++;
            if (!want.equals(v.getValue())) {
              wrong.add(v.getKey() + " " + key + " = " + v.getValue() + ", expected " + want);
            }
          }
        }
      }
      assertEquals(List.of(), wrong);
      assertTrue(compared >= 4 * expected.size(), compared + " of " + expected.size() * 5);
      System.out.println("StatsFormatsAgreeTest: " + expected.size() + " expected counters, " + compared
          + " readings equal across HTML, JSON, CSV, Prometheus and Micrometer (" + skipped
          + " not in a view: HAProxy's exporter and page lack some per row type)");
    }
  }

  static String body(ServletContainer c, String target, String auth) {
    HttpResponse<String> r = Http.get(c.port(), target, "Authorization", auth);
    assertEquals(200, r.statusCode(), target + ": " + r.body());
    return r.body();
  }

  /** "px/sv/field" from the page's rows: the cells up to Warnings, and the Total tooltip's requests and responses. */
  static Map<String, String> html(String page) {
    Map<String, String> out = new HashMap<>();
    Matcher row = Pattern.compile("<tr class=\"[a-z_]+\">(.*?)</tr>\n").matcher(page);
    Pattern anchor = Pattern.compile("<a name=\"([^\"/]+)/([^\"]+)\">");
    while (row.find()) {
      String tr = row.group(1);
      Matcher a = anchor.matcher(tr);
      if (!a.find()) {
        continue;
      }
      String sv = a.group(2).equals("Frontend") ? "FRONTEND" : a.group(2).equals("Backend") ? "BACKEND" : a.group(2);
      String prefix = a.group(1) + "/" + sv + "/";
      Matcher tip = Pattern.compile("Cum\\. HTTP requests:</th><td>(\\d+)").matcher(tr);
      if (tip.find()) {
        out.put(prefix + "req_tot", tip.group(1));
      }
      Matcher hrsp = Pattern.compile("- (?:HTTP (\\d)xx|(other)) responses:</th><td>(\\d+)").matcher(tr);
      while (hrsp.find()) {
        out.put(prefix + "hrsp_" + (hrsp.group(1) != null ? hrsp.group(1) + "xx" : "other"), hrsp.group(3));
      }
      String cellsOnly = tr.replaceAll("<div class=tips>.*?</div>", "");
      List<String> cells = new ArrayList<>();
      Matcher td = Pattern.compile("<td( colspan=(\\d+))?[^>]*>(.*?)</td>").matcher(cellsOnly);
      while (td.find()) {
        int span = td.group(2) == null ? 1 : Integer.parseInt(td.group(2));
        for (int i = 0; i < span; i++) {
          cells.add(td.group(3).replaceAll("<[^>]+>", ""));
        }
      }
      int name = 0;
      while (!cells.get(name).equals(a.group(2))) {
        name++; // after the admin checkbox, when there is one
      }
      for (int i = 0; i < PAGE.size() && name + 1 + i < cells.size(); i++) {
        String v = cells.get(name + 1 + i);
        if (v.matches("\\d+")) {
          out.put(prefix + PAGE.get(i), v);
        }
      }
    }
    return out;
  }

  /** "px/sv/field" from the JSON's "traffic" objects. */
  @SuppressWarnings("unchecked")
  static Map<String, String> json(String body) {
    Map<String, Object> root;
    try (JsonParser p = new JsonFactory().createParser(ObjectReadContext.empty(), body)) {
      p.nextToken();
      root = (Map<String, Object>) read(p);
    }
    Map<String, String> out = new HashMap<>();
    for (Map<String, Object> f : (List<Map<String, Object>>) root.get("frontends")) {
      traffic(out, f.get("name") + "/FRONTEND/", (Map<String, Object>) f.get("traffic"));
    }
    for (Map<String, Object> b : (List<Map<String, Object>>) root.get("backends")) {
      traffic(out, b.get("name") + "/BACKEND/", (Map<String, Object>) b.get("traffic"));
      for (Map<String, Object> s : (List<Map<String, Object>>) b.get("servers")) {
        traffic(out, b.get("name") + "/" + s.get("name") + "/", (Map<String, Object>) s.get("traffic"));
      }
    }
    return out;
  }

  private static void traffic(Map<String, String> out, String prefix, Map<String, Object> t) {
    t.forEach((k, v) -> out.put(prefix + k, String.valueOf(v)));
  }

  private static Object read(JsonParser p) {
    JsonToken t = p.currentToken();
    if (t == JsonToken.START_OBJECT) {
      Map<String, Object> m = new HashMap<>();
      while (p.nextToken() == JsonToken.PROPERTY_NAME) {
        String name = p.currentName();
        p.nextToken();
        m.put(name, read(p));
      }
      return m;
    }
    if (t == JsonToken.START_ARRAY) {
      List<Object> l = new ArrayList<>();
      while (p.nextToken() != JsonToken.END_ARRAY) {
        l.add(read(p));
      }
      return l;
    }
    return t == JsonToken.VALUE_NUMBER_INT ? (Object) p.getLongValue() : p.getText();
  }

  /** "px/sv/field" from the CSV, by its header; empty fields left out. */
  static Map<String, String> csv(String body) {
    String[] lines = body.split("\n");
    String[] header = lines[0].substring(2).split(",");
    Map<String, String> out = new HashMap<>();
    for (int i = 1; i < lines.length; i++) {
      String[] f = lines[i].split(",", -1);
      for (int c = 2; c < header.length; c++) {
        if (!f[c].isEmpty()) {
          out.put(f[0] + "/" + f[1] + "/" + header[c], f[c]);
        }
      }
    }
    return out;
  }

  /** A sample's value, as a whole number, or {@code null} when the family or row is not there. */
  static String sample(String text, String family, String labels) {
    for (String line : text.split("\n")) {
      if (line.startsWith(family + "{")) {
        // the writer sorts the labels by name; ours are given in that order already (code < proxy < server)
        String sorted = sortedLabels(line.substring(line.indexOf('{') + 1, line.indexOf('}')));
        if ((family + "{" + sortedLabels(labels) + "} ").equals(family + "{" + sorted + "} ")) {
          return whole(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
    }
    return null;
  }

  private static String sortedLabels(String labels) {
    String[] l = labels.split(",");
    java.util.Arrays.sort(l);
    return String.join(",", l);
  }

  /** A meter's value, or {@code null} when there is none for the row. */
  static String meter(SimpleMeterRegistry registry, String type, String family, String[] k, String code) {
    String name = ("haproxy_" + type + "_" + family.replaceAll("_total$", "")).replace('_', '.');
    Tags tags = Tags.of("proxy", k[0]);
    if (type.equals("server")) {
      tags = tags.and("server", k[1]);
    }
    if (code != null) {
      tags = tags.and("code", code);
    }
    Meter m = registry.find(name).tags(tags).meter();
    return m == null ? null : whole(Double.toString(m.measure().iterator().next().getValue()));
  }

  private static String whole(String number) {
    double d = Double.parseDouble(number);
    return d == Math.rint(d) ? Long.toString((long) d) : number;
  }
}
