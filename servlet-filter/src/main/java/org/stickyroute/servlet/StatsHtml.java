package org.stickyroute.servlet;

import java.util.List;
import org.stickyroute.BackendStats;
import org.stickyroute.ProxyStats;
import org.stickyroute.RouterStats;
import org.stickyroute.ServerStatsRow;
import org.stickyroute.ServerStatusWord;

/**
 * Renders the stats page in HAProxy 2.6's layout: the process information block with the colour legend and
 * the display options, then one table per proxy with a frontend row, its server rows and a backend row under
 * HAProxy's grouped column headers (see {@link StickyStatsServlet} for the page's URL options and admin
 * form). Sections that only serve the stats page (such as a {@code listen admin} with {@code stats} lines and
 * no backend) are left out. Every text that comes from the configuration or a health check (names, check
 * details) is HTML-escaped. Stateless, thread-safe.
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

  /**
   * The backend tables alone (an HTML fragment, no admin form): per backend, HAProxy's title bar and column
   * headers, the server rows and the backend row. Needs {@link #STYLE} on the page.
   */
  public static String tables(List<BackendStats> backends) {
    StringBuilder b = new StringBuilder(4096);
    for (BackendStats be : backends) {
      StatsRows.header(b, be.name(), false);
      for (ServerStatsRow s : be.servers()) {
        StatsRows.server(b, be, s, false);
      }
      StatsRows.backend(b, be, false);
      b.append("</table><p>\n");
    }
    return b.toString();
  }

  /** A whole page around {@link #tables}, with a title and optional auto-refresh (0 = none). */
  public static String page(String title, List<BackendStats> backends, int refreshSeconds) {
    StringBuilder b = new StringBuilder(8192);
    head(b, title, refreshSeconds);
    b.append("<h1>").append(escape(title)).append("</h1>\n");
    b.append(tables(backends)).append("</body></html>\n");
    return b.toString();
  }

  /** What the page shows besides the figures; built by the servlet per request. */
  record View(
      String base,
      boolean admin,
      String token,
      boolean hideDown,
      boolean noRefresh,
      int refreshSeconds,
      String statusCode,
      long uptimeSeconds,
      int inFlight) {}

  /** The full page for a router's stats: every proxy but the stats-only ones, in configuration order. */
  static String page(RouterStats stats, View v) {
    StringBuilder b = new StringBuilder(16384);
    head(b, "Statistics Report for stickyroute", 0);
    b.append("<h1>stickyroute: HAProxy 2.6's routing decisions</h1>\n<h2>Statistics Report for pid ")
        .append(ProcessHandle.current().pid()).append("</h2>\n<hr width=\"100%\" class=\"hr\">\n");
    info(b, v);
    status(b, v);
    for (ProxyStats p : stats.visible()) {
      BackendStats be = p.backend();
      boolean admin = v.admin() && be != null;
      if (admin) {
        b.append("<form method=\"post\" action=\"").append(escape(v.base())).append(options(v, false)).append("\">\n");
      }
      StatsRows.header(b, p.name(), admin);
      if (p.frontend() != null) {
        StatsRows.frontend(b, p.frontend(), admin);
      }
      if (be != null) {
        for (ServerStatsRow s : be.servers()) {
          if (v.hideDown() && (s.status() == ServerStatusWord.DOWN || s.status() == ServerStatusWord.MAINT)) {
            continue;
          }
          StatsRows.server(b, be, s, admin);
        }
        StatsRows.backend(b, be, admin);
      }
      b.append("</table>\n");
      if (admin) {
        adminForm(b, p.name(), v.token());
      }
      b.append("<p>\n");
    }
    b.append("</body></html>\n");
    return b.toString();
  }

  /** The URL options that stay from page to page: {@code ;up}, {@code ;norefresh}. */
  static String options(View v, boolean toggleUp) {
    return ((v.hideDown() ^ toggleUp) ? ";up" : "") + (v.noRefresh() ? ";norefresh" : "");
  }

  private static void head(StringBuilder b, String title, int refreshSeconds) {
    b.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>").append(escape(title))
        .append("</title>\n<link rel=\"icon\" href=\"data:,\">\n");
    if (refreshSeconds > 0) {
      b.append("<meta http-equiv=\"refresh\" content=\"").append(refreshSeconds).append("\">\n");
    }
    b.append(STYLE).append("</head><body>\n");
  }

  private static void info(StringBuilder b, View v) {
    String base = escape(v.base());
    Runtime rt = Runtime.getRuntime();
    b.append("<h3>&gt; General process information</h3>\n<table border=0><tr><td align=\"left\" nowrap width=\"1%\">"
        + "<p><b>pid = </b> ").append(ProcessHandle.current().pid())
        .append(" (Java ").append(escape(System.getProperty("java.version"))).append(", ")
        .append(rt.availableProcessors()).append(" processors)<br>\n<b>uptime = </b> ")
        .append(uptime(v.uptimeSeconds())).append("<br>\n<b>memory = </b> ")
        .append((rt.totalMemory() - rt.freeMemory()) >> 20).append(" MiB used of ").append(rt.maxMemory() >> 20)
        .append(" MiB<br>\ncurrent requests in flight = ").append(v.inFlight()).append("<br>\n")
        .append(v.admin() ? "<b>admin actions enabled</b> (stats admin)" : "admin actions disabled")
        .append("<br>\n</td><td align=\"center\" nowrap>\n").append(LEGEND)
        .append("</td><td align=\"left\" valign=\"top\" nowrap width=\"1%\"><b>Display option:</b>"
            + "<ul style=\"margin-top: 0.25em;\">\n<li><a href=\"").append(base).append(options(v, true)).append("\">")
        .append(v.hideDown() ? "Show all servers" : "Hide 'DOWN' servers").append("</a><br>\n");
    if (v.refreshSeconds() > 0) {
      String keep = v.hideDown() ? ";up" : "";
      b.append("<li><a href=\"").append(base).append(keep).append(v.noRefresh() ? "" : ";norefresh").append("\">")
          .append(v.noRefresh() ? "Enable refresh" : "Disable refresh").append("</a><br>\n");
    }
    b.append("<li><a href=\"").append(base).append(options(v, false)).append("\">Refresh now</a><br>\n")
        .append("<li><a href=\"").append(base).append(";csv;norefresh\">CSV export</a><br>\n")
        .append("<li><a href=\"").append(base).append("?format=json\">JSON export</a><br>\n")
        .append("<li><a href=\"").append(base).append("/metrics\">Prometheus metrics</a><br>\n")
        .append("</ul></td></tr></table>\n");
  }

  /** HAProxy's uptime: {@code 0d 0h02m05s}. */
  static String uptime(long s) {
    return String.format(java.util.Locale.ROOT, "%dd %dh%02dm%02ds", s / 86400, s % 86400 / 3600, s % 3600 / 60,
        s % 60);
  }

  /** The message after an admin action ({@code ;st=DONE} and the others HAProxy uses). */
  private static void status(StringBuilder b, View v) {
    if (v.statusCode() == null) {
      return;
    }
    String css;
    String text;
    switch (v.statusCode()) {
      case "DONE" -> {
        css = "active_up";
        text = "Action processed successfully.";
      }
      case "NONE" -> {
        css = "active_going_down";
        text = "Nothing has changed.";
      }
      case "PART" -> {
        css = "active_going_down";
        text = "Action partially processed. Some server names are probably unknown.";
      }
      case "ERRP" -> {
        css = "active_down";
        text = "Action not processed because of invalid parameters (unknown action, backend, server or weight).";
      }
      default -> {
        css = "active_no_check";
        text = "Unexpected result.";
      }
    }
    b.append("<p><div class=").append(css).append("><a class=lfsb href=\"").append(escape(v.base()))
        .append(options(v, false)).append("\" title=\"Remove this message\">[X]</a> ").append(text)
        .append("</div>\n");
  }

  private static void adminForm(StringBuilder b, String proxy, String token) {
    b.append("Choose the action to perform on the checked servers : <select name=action>"
        + "<option value=\"\"></option><option value=\"ready\">Set state to READY</option>"
        + "<option value=\"drain\">Set state to DRAIN</option><option value=\"maint\">Set state to MAINT</option>"
        + "<option value=\"hrunn\">Health: force UP</option><option value=\"hdown\">Health: force DOWN</option>"
        + "<option value=\"weight\">Set weight to</option></select>"
        + " <input type=\"number\" name=\"weight\" min=\"0\" max=\"256\" style=\"width:6em\" placeholder=\"0-256\">"
        + "<input type=\"hidden\" name=\"b\" value=\"").append(escape(proxy))
        .append("\"><input type=\"hidden\" name=\"token\" value=\"").append(escape(token))
        .append("\">&nbsp;<input type=\"submit\" value=\"Apply\"></form>\n");
  }

  /** HAProxy's colour legend (its row classes), and the note on NOLB/DRAIN. */
  static final String LEGEND = "<table class=\"lgd\"><tr>"
      + "<td class=\"active_up\">&nbsp;</td><td class=\"noborder\">active UP </td>"
      + "<td class=\"backup_up\">&nbsp;</td><td class=\"noborder\">backup UP </td></tr>\n<tr>"
      + "<td class=\"active_going_down\"></td><td class=\"noborder\">active UP, going down </td>"
      + "<td class=\"backup_going_down\"></td><td class=\"noborder\">backup UP, going down </td></tr>\n<tr>"
      + "<td class=\"active_going_up\"></td><td class=\"noborder\">active DOWN, going up </td>"
      + "<td class=\"backup_going_up\"></td><td class=\"noborder\">backup DOWN, going up </td></tr>\n<tr>"
      + "<td class=\"active_down\"></td><td class=\"noborder\">active or backup DOWN &nbsp;</td>"
      + "<td class=\"active_no_check\"></td><td class=\"noborder\">not checked </td></tr>\n<tr>"
      + "<td class=\"maintain\"></td><td class=\"noborder\" colspan=\"3\">active or backup DOWN for maintenance"
      + " (MAINT) &nbsp;</td></tr>\n<tr>"
      + "<td class=\"active_draining\"></td><td class=\"noborder\" colspan=\"3\">active or backup SOFT STOPPED for"
      + " maintenance &nbsp;</td></tr></table>\nNote: \"NOLB\"/\"DRAIN\" = UP with load-balancing disabled.";

  /** The page's style sheet: HAProxy 2.6's colours for the title bars, row states and legend (a constant). */
  public static final String STYLE = "<style>\n"
      + "body{font-family:arial,helvetica,sans-serif;font-size:12px;color:black;background:white}\n"
      + "th,td{font-size:10px}\nh1{font-size:x-large;margin-bottom:.5em}\n"
      + "h2{font-family:helvetica,arial;font-size:x-large;font-weight:bold;font-style:italic;color:#6020a0;"
      + "margin:0}\n"
      + "h3{font-family:helvetica,arial;font-size:16px;font-weight:bold;color:#b00040;background:#e8e8d0;margin:0}\n"
      + "li{margin-top:.25em;margin-right:2em}\n.hr{margin-top:.25em;border-color:black;border-bottom-style:solid}\n"
      + ".titre{background:#20D0D0;color:#000000;font-weight:bold;text-align:center}\n"
      + ".frontend{background:#e8e8d0}\n.backend{background:#e8e8d0}\n"
      + ".active_down{background:#ff9090}\n.active_going_up{background:#ffd020}\n"
      + ".active_going_down{background:#ffffa0}\n.active_up{background:#c0ffc0}\n"
      + ".active_nolb{background:#20a0ff}\n.active_draining{background:#20a0FF}\n"
      + ".active_no_check{background:#e0e0e0}\n.backup_down{background:#ff9090}\n"
      + ".backup_going_up{background:#ff80ff}\n.backup_going_down{background:#c060ff}\n"
      + ".backup_up{background:#b0d0ff}\n.backup_nolb{background:#90b0e0}\n"
      + ".backup_draining{background:#cc9900}\n.backup_no_check{background:#e0e0e0}\n"
      + ".maintain{background:#c07820}\n"
      + "a.px:link,a.px:visited{color:#ffff40;text-decoration:none}\na.px:hover{color:#ffffff}\n"
      + "a.lfsb:link,a.lfsb:visited{color:#000000;text-decoration:none}\na.lfsb:hover{color:#505050}\n"
      + "table.tbl{border-collapse:collapse;border-style:none}\n"
      + "table.tbl td{text-align:right;border:1px solid gray;padding:2px 3px;white-space:nowrap}\n"
      + "table.tbl td.ac{text-align:center}\ntable.tbl th{border:1px solid gray}\n"
      + "table.tbl th.pxname{background:#b00040;color:#ffff40;font-weight:bold;border-style:solid solid none solid;"
      + "padding:2px 3px;white-space:nowrap}\n"
      + "table.tbl th.empty{border-style:none;empty-cells:hide;background:white}\n"
      + "table.lgd{border-collapse:collapse;border-width:1px;border-style:none none none solid;border-color:black}\n"
      + "table.lgd td{border:1px solid gray;padding:2px}\n"
      + "table.lgd td.noborder{border-style:none;padding:2px;white-space:nowrap}\n"
      + "u{text-decoration:none;border-bottom:1px dotted black}\n"
      + "div.tips{display:block;visibility:hidden;z-index:2147483647;position:absolute;padding:2px 4px 3px;"
      + "background:#f0f060;color:#000000;border:1px solid #7040c0;white-space:nowrap;font-size:11px;"
      + "border-radius:3px;box-shadow:gray 2px 2px 3px}\nu:hover div.tips{visibility:visible}\n"
      + "</style>\n";
}
