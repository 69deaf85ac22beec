package org.stickyroute.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.stickyroute.Router;
import org.stickyroute.config.ConfigLoader;
import org.stickyroute.testsupport.HaproxyProcess;
import org.stickyroute.testsupport.RequiresHaproxy;

/**
 * {@link StatsPrometheus} against HAProxy 2.6's own Prometheus exporter (Debian's build has it), same
 * configuration: every family we write exists in haproxy's output with the same type, the same label names and
 * the same help text.
 * Prints how many families we emit and how many haproxy has.
 */
@RequiresHaproxy
class StatsPrometheusDifferentialTest {
  /** A family: its type, its label names and its help text. */
  record Family(String type, TreeSet<String> labels, String help) {}

  @Test
  void everyFamilyWeWriteIsHaproxysWithItsTypeAndLabels() throws Exception {
    AtomicReference<String> sections = new AtomicReference<>();
    try (HaproxyProcess haproxy = HaproxyProcess.startOnFreePorts(3, p -> {
      sections.set(StatsCsvDifferentialTest.SECTIONS.formatted(p.get(0), 1, 2, 3, 4, p.get(1)));
      return sections.get() + """

          frontend prometheus
              bind 127.0.0.1:%d
              http-request use-service prometheus-exporter if { path /metrics }
          """.formatted(p.get(2));
    })) {
      HttpResponse<String> scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + haproxy.ports().get(2) + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, scrape.statusCode());
      Map<String, Family> theirs = families(scrape.body());
      Router router = Router.create(ConfigLoader.parse(sections.get(), "same.cfg", false));
      String text = StatsPrometheus.render(router.stats());
      Map<String, Family> ours = families(text);
      assertTrue(ours.size() > 50, ours.keySet().toString());
      for (Map.Entry<String, Family> e : ours.entrySet()) {
        Family t = theirs.get(e.getKey());
        assertNotNull(t, "haproxy has no family " + e.getKey());
        assertEquals(t, e.getValue(), e.getKey() + ": type, label names and help");
      }
      long theirsStickyrouteScope = theirs.keySet().stream()
          .filter(n -> n.startsWith("haproxy_frontend_") || n.startsWith("haproxy_backend_")
              || n.startsWith("haproxy_server_")).count();
      System.out.println("StatsPrometheusDifferentialTest: " + ours.size() + " families written, each one in "
          + HaproxyProcess.version() + "'s exporter with the same type and labels (haproxy has "
          + theirsStickyrouteScope + " frontend/backend/server families, " + theirs.size() + " in all)");
    }
  }

  /** Family name to type and label names, from the text format's TYPE lines and samples. */
  static Map<String, Family> families(String text) {
    Map<String, Family> out = new TreeMap<>();
    Map<String, String> help = new TreeMap<>();
    for (String line : text.split("\n")) {
      if (line.startsWith("# HELP ")) {
        int space = line.indexOf(' ', 7);
        help.put(line.substring(7, space), line.substring(space + 1));
      } else if (line.startsWith("# TYPE ")) {
        String[] f = line.split(" ");
        out.put(f[2], new Family(f[3], new TreeSet<>(), help.get(f[2])));
      } else if (!line.isEmpty() && !line.startsWith("#")) {
        int brace = line.indexOf('{');
        int space = line.indexOf(' ');
        String name = line.substring(0, brace >= 0 && brace < space ? brace : space);
        Family fam = out.get(name);
        assertNotNull(fam, "a sample before its TYPE line: " + line);
        if (brace >= 0 && brace < space) {
          String body = line.substring(brace + 1, line.lastIndexOf('}'));
          // label names: the words before '="', outside quoted values (values here hold no quotes)
          boolean inValue = false;
          StringBuilder word = new StringBuilder();
          for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '"') {
              inValue = !inValue;
            } else if (!inValue && c == '=') {
              fam.labels().add(word.toString());
              word.setLength(0);
            } else if (!inValue && c != ',') {
              word.append(c);
            }
          }
        }
      }
    }
    return out;
  }
}
