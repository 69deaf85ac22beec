package org.stickyroute.servlet;

import java.time.Instant;
import java.util.List;
import org.stickyroute.BackendStats;
import org.stickyroute.ServerStatsRow;
import org.stickyroute.CheckResult;

/**
 * Renders {@link BackendStats} as a small HTML table per backend, in the spirit of HAProxy's stats page:
 * state, weights, in-flight ({@code scur}), maximum ({@code smax}), total ({@code stot}), last check, check
 * failures, DOWN transitions and the time since the last change. Every text that comes from the
 * configuration or a health check (names, check details) is HTML-escaped. Stateless, thread-safe.
 */
public final class StatsHtml {
  private StatsHtml() {}

  /** Escapes {@code & < > " '} for HTML text and attribute values; {@code null} becomes the empty string. */
  public static String escape(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      String r = switch (c) {
        case '&' -> "&amp;";
        case '<' -> "&lt;";
        case '>' -> "&gt;";
        case '"' -> "&quot;";
        case '\'' -> "&#39;";
        default -> null;
      };
      if (r != null || (c < 0x20 && c != '\t' && c != '\n')) {
        if (b == null) {
          b = new StringBuilder(s.length() + 16).append(s, 0, i);
        }
        b.append(r != null ? r : "\uFFFD");
      } else if (b != null) {
        b.append(c);
      }
    }
    return b == null ? s : b.toString();
  }

  /** The tables (an HTML fragment: one {@code <h2>} and {@code <table>} per backend). */
  public static String tables(List<BackendStats> backends) {
    StringBuilder b = new StringBuilder(2048);
    for (BackendStats be : backends) {
      b.append("<h2>backend ").append(escape(be.name())).append(" <small>(")
          .append(escape(be.balance())).append(", ").append(be.usableServers()).append(" usable")
          .append(be.usingBackups() ? ", using backups" : "").append(", ").append(be.inFlight())
          .append(" in flight)</small></h2>\n");
      b.append("<table class=\"stats\">\n<tr><th>server</th><th>status</th><th>weight</th><th>eweight</th>"
          + "<th>scur</th><th>smax</th><th>stot</th><th>last check</th><th>chkfail</th><th>chkdown</th>"
          + "<th>lastchg</th></tr>\n");
      for (ServerStatsRow s : be.servers()) {
        b.append("<tr class=\"").append(escape(s.status().name().toLowerCase(java.util.Locale.ROOT)))
            .append("\"><td>").append(escape(s.name())).append(s.backup() ? " (backup)" : "")
            .append("</td><td>").append(escape(s.status().name()))
            .append(s.throttlePercent() < 100 ? " " + s.throttlePercent() + "%" : "")
            .append("</td><td>").append(s.weight())
            .append("</td><td>").append(s.effectiveWeight())
            .append("</td><td>").append(s.inFlight())
            .append("</td><td>").append(s.maxInFlight())
            .append("</td><td>").append(s.totalSelections())
            .append("</td><td>").append(check(s))
            .append("</td><td>").append(s.checkFailures())
            .append("</td><td>").append(s.downTransitions())
            .append("</td><td>").append(since(be.at(), s.lastTransition()))
            .append("</td></tr>\n");
      }
      b.append("</table>\n");
    }
    return b.toString();
  }

  /** A whole page around {@link #tables}, with a title and optional auto-refresh (0 = none). */
  public static String page(String title, List<BackendStats> backends, int refreshSeconds) {
    StringBuilder b = new StringBuilder(4096);
    b.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>").append(escape(title)).append("</title>\n");
    if (refreshSeconds > 0) {
      b.append("<meta http-equiv=\"refresh\" content=\"").append(refreshSeconds).append("\">\n");
    }
    b.append(STYLE).append("</head><body>\n<h1>").append(escape(title)).append("</h1>\n");
    b.append(tables(backends));
    b.append("<p><small>JSON: add <code>?format=json</code></small></p>\n</body></html>\n");
    return b.toString();
  }

  /** The page's style sheet (a constant). */
  public static final String STYLE = "<style>body{font-family:sans-serif;margin:1.5em}"
      + "table.stats{border-collapse:collapse;margin-bottom:1.5em}"
      + "table.stats td,table.stats th{border:1px solid #bbb;padding:.25em .6em;text-align:right}"
      + "table.stats td:first-child,table.stats th:first-child{text-align:left}"
      + "tr.up td{background:#e6f5e6}tr.down td{background:#f8d7d7}tr.maint td{background:#ddd}"
      + "tr.drain td,tr.starting td{background:#fff3cd}</style>\n";

  private static String check(ServerStatsRow s) {
    if (!s.checked()) {
      return "no check";
    }
    CheckResult c = s.lastCheck();
    if (c == null) {
      return "pending";
    }
    return escape((c.success() ? "L7OK " : "FAIL ") + (c.status() > 0 ? c.status() + " " : "") + c.detail()
        + " in " + c.durationMillis() + "ms");
  }

  private static String since(Instant now, Instant then) {
    long s = Math.max(0, now.getEpochSecond() - then.getEpochSecond());
    if (s < 120) {
      return s + "s";
    }
    if (s < 7200) {
      return (s / 60) + "m" + (s % 60) + "s";
    }
    return (s / 3600) + "h" + (s % 3600 / 60) + "m";
  }
}
