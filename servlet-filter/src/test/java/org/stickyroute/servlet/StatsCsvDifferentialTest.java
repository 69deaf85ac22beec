package org.stickyroute.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.stickyroute.Router;
import org.stickyroute.config.ConfigLoader;
import org.stickyroute.testsupport.HaproxyProcess;
import org.stickyroute.testsupport.RequiresHaproxy;

/**
 * {@link StatsCsv} against the real HAProxy 2.6 with the same configuration: the header of {@code show stat} is
 * ours, character for character; the rows come in the same order with the same {@code pxname}/{@code svname}
 * and {@code type}; and a column we fill is one HAProxy fills for that row too (we never invent a figure where
 * HAProxy leaves the column empty). Prints how many columns carry our values.
 */
@RequiresHaproxy
class StatsCsvDifferentialTest {
  /** Overleaf's sections: a frontend with a rule, a checked cookie backend, an unchecked one, a stats listen. */
  static final String SECTIONS = """
      defaults
          mode    http
          retries 3
          timeout connect 5000ms
          timeout client  50000ms
          timeout server  50000ms

      frontend incoming_http
          bind 127.0.0.1:%d
          acl is_project path_beg -i /project
          use_backend sharelatex_project if is_project
          default_backend sharelatex_generic

      backend sharelatex_generic
          option httpchk GET /status
          option redispatch
          cookie SERVERID insert indirect nocache
          balance leastconn
          server docker-0 127.0.0.1:%d cookie docker-0 check inter 10000
          server docker-1 127.0.0.1:%d cookie docker-1 check inter 10000 backup

      backend sharelatex_project
          balance uri depth 2
          server docker-0 127.0.0.1:%d
          server docker-1 127.0.0.1:%d weight 3

      listen admin
          bind 127.0.0.1:%d
          stats enable
          stats auth user:pass
          stats uri /
          stats admin if TRUE
      """;

  @Test
  void headerRowsAndFilledColumnsAsShowStat() throws Exception {
    AtomicReference<String> sections = new AtomicReference<>();
    try (HaproxyProcess haproxy = HaproxyProcess.startOnFreePorts(2, p -> {
      sections.set(SECTIONS.formatted(p.get(0), 1, 2, 3, 4, p.get(1)));
      return """
          global
              stats socket unix@admin.sock mode 600 level admin
          """ + sections.get();
    })) {
      String theirs = haproxy.cli("show stat");
      Router router = Router.create(ConfigLoader.parse(sections.get(), "same.cfg", false));
      String ours = StatsCsv.render(router.stats());

      List<String> theirLines = lines(theirs);
      List<String> ourLines = lines(ours);
      assertEquals(theirLines.get(0), ourLines.get(0), "the header line");
      assertEquals(StatsCsv.header(), theirLines.get(0) + "\n");

      List<List<String>> their = cells(theirLines);
      List<List<String>> our = cells(ourLines);
      assertEquals(keys(their), keys(our), "rows: pxname, svname, type in HAProxy's order");
      int columns = StatsCsv.COLUMNS.size();
      int filled = 0;
      for (int r = 0; r < our.size(); r++) {
        assertEquals(columns + 1, our.get(r).size(), "cells and the empty one after the last comma");
        assertEquals(their.get(r).size(), our.get(r).size());
        for (int c = 0; c < columns; c++) {
          String o = our.get(r).get(c);
          String t = their.get(r).get(c);
          if (!o.isEmpty()) {
            filled++;
            assertTrue(!t.isEmpty(), "row " + keys(our).get(r) + " column " + StatsCsv.COLUMNS.get(c)
                + ": ours '" + o + "', HAProxy leaves it empty");
          }
        }
      }
      assertNotNull(ours);
      System.out.println("StatsCsvDifferentialTest: header of " + columns + " columns equal to haproxy "
          + HaproxyProcess.version() + "'s; " + our.size() + " rows in the same order; " + filled
          + " filled cells, each one HAProxy fills too");
    }
  }

  private static List<String> lines(String csv) {
    List<String> out = new ArrayList<>();
    for (String l : csv.split("\n", -1)) {
      if (!l.isEmpty()) {
        out.add(l);
      }
    }
    return out;
  }

  private static List<List<String>> cells(List<String> lines) {
    List<List<String>> out = new ArrayList<>();
    for (String l : lines.subList(1, lines.size())) {
      List<String> row = new ArrayList<>();
      StringBuilder cell = new StringBuilder();
      boolean quoted = false;
      for (int i = 0; i < l.length(); i++) {
        char ch = l.charAt(i);
        if (quoted) {
          if (ch == '"' && i + 1 < l.length() && l.charAt(i + 1) == '"') {
            cell.append('"');
            i++;
          } else if (ch == '"') {
            quoted = false;
          } else {
            cell.append(ch);
          }
        } else if (ch == '"') {
          quoted = true;
        } else if (ch == ',') {
          row.add(cell.toString());
          cell.setLength(0);
        } else {
          cell.append(ch);
        }
      }
      row.add(cell.toString());
      out.add(row);
    }
    return out;
  }

  private static List<String> keys(List<List<String>> rows) {
    List<String> out = new ArrayList<>();
    for (List<String> r : rows) {
      out.add(r.get(0) + "/" + r.get(1) + "/" + r.get(StatsCsv.COLUMNS.indexOf("type")));
    }
    return out;
  }
}
