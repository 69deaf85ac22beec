package org.stickyroute.servlet;

import static org.stickyroute.servlet.StatsHtml.escape;

import java.time.Instant;
import org.stickyroute.BackendStats;
import org.stickyroute.CheckResult;
import org.stickyroute.ServerStatsRow;
import org.stickyroute.ServerStatusWord;
import org.stickyroute.config.BackendConfig;
import org.stickyroute.config.ServerConfig;

/**
 * The rows of one proxy's table on the stats page, laid out as HAProxy 2.6's {@code stats_dump_html_px_hdr}
 * and {@code stats_dump_fields_html} lay theirs out: two header rows of grouped columns (Queue, Session rate,
 * Sessions, Bytes, Denied, Errors, Warnings, Server), then a frontend row, the server rows and a backend row.
 * A cell we have no figure for is left empty, as HAProxy leaves the cells a proxy type does not have. Every
 * name and check detail is HTML-escaped. Package-private; {@link StatsHtml} calls it.
 */
final class StatsRows {
  /** Columns after the name: Queue 3, Session rate 3, Sessions 6, Bytes 2, Denied 2, Errors 3, Warnings 2, Server 9. */
  static final int DATA_COLUMNS = 30;

  private StatsRows() {}

  /** The proxy's title bar (its name, an anchor) and the two header rows of its table. */
  static void header(StringBuilder b, String proxy, boolean admin) {
    String n = escape(proxy);
    b.append("<table class=\"tbl\" width=\"100%\"><tr class=\"titre\"><th class=\"pxname\" width=\"10%\">")
        .append("<a name=\"").append(n).append("\"></a><a class=px href=\"#").append(n).append("\">").append(n)
        .append("</a></th><th class=\"empty\" width=\"90%\"></th></tr></table>\n");
    b.append("<table class=\"tbl\" width=\"100%\">\n<tr class=\"titre\">");
    if (admin) {
      b.append("<th rowspan=2 width=1><input type=\"checkbox\" title=\"select every server\""
          + " onclick=\"for (const c of this.form.querySelectorAll('input[name=s]')) c.checked = this.checked\"></th>");
    }
    b.append("<th rowspan=2></th><th colspan=3>Queue</th><th colspan=3>Session rate</th><th colspan=6>Sessions</th>"
        + "<th colspan=2>Bytes</th><th colspan=2>Denied</th><th colspan=3>Errors</th><th colspan=2>Warnings</th>"
        + "<th colspan=9>Server</th></tr>\n<tr class=\"titre\">"
        + "<th>Cur</th><th>Max</th><th>Limit</th>"
        + "<th>Cur</th><th>Max</th><th>Limit</th>"
        + "<th>Cur</th><th>Max</th><th>Limit</th><th>Total</th><th>LbTot</th><th>Last</th>"
        + "<th>In</th><th>Out</th>"
        + "<th>Req</th><th>Resp</th>"
        + "<th>Req</th><th>Conn</th><th>Resp</th>"
        + "<th>Retr</th><th>Redis</th>"
        + "<th>Status</th><th>LastChk</th><th>Wght</th><th>Act</th><th>Bck</th><th>Chk</th><th>Dwn</th>"
        + "<th>Dwntme</th><th>Thrtle</th></tr>\n");
  }

  /** The frontend row: sessions and its status (OPEN); a frontend has no server columns. */
  static void frontend(StringBuilder b, String proxy, boolean admin) {
    b.append("<tr class=\"frontend\">");
    if (admin) {
      b.append("<td></td>");
    }
    name(b, proxy, "Frontend");
    b.append("<td colspan=3></td>") // no queue on a frontend
        .append("<td></td><td></td><td></td>") // session rate
        .append("<td></td><td></td><td></td><td></td><td></td><td></td>") // sessions
        .append("<td></td><td></td>") // bytes
        .append("<td></td><td></td>") // denied
        .append("<td></td><td></td><td></td>") // errors
        .append("<td></td><td></td>") // warnings
        .append("<td class=ac>OPEN</td><td class=ac colspan=8></td></tr>\n");
  }

  /** One server's row, coloured as HAProxy colours it (see {@link #style}). */
  static void server(StringBuilder b, BackendStats be, ServerStatsRow s, ServerConfig sc, boolean admin) {
    String status = status(s, sc);
    b.append("<tr class=\"").append(style(s, sc, status)).append("\">");
    if (admin) {
      b.append("<td><input type=\"checkbox\" name=\"s\" value=\"").append(escape(s.name())).append("\"></td>");
    }
    name(b, be.name(), s.name());
    b.append("<td></td><td></td><td></td>") // queue: not measured here
        .append("<td></td><td></td><td></td>") // session rate
        .append("<td>").append(s.inFlight()).append("</td><td>").append(s.maxInFlight()).append("</td><td>")
        .append(s.maxconn() > 0 ? Integer.toString(s.maxconn()) : "").append("</td><td>")
        .append(s.totalSelections()).append("</td><td></td><td></td>") // LbTot, Last
        .append("<td></td><td></td>") // bytes
        .append("<td></td><td></td>") // denied
        .append("<td></td><td></td><td></td>") // errors
        .append("<td></td><td></td>"); // warnings
    b.append("<td class=ac>");
    if (s.status() == ServerStatusWord.MAINT) {
      b.append(age(be.at(), s.lastTransition())).append(" MAINT");
    } else if (status.equals("no check")) {
      b.append("<i>no check</i>");
    } else {
      b.append(age(be.at(), s.lastTransition())).append(' ').append(status);
      if (status.startsWith("DOWN") && s.checkHealth() > 0) {
        b.append(" &uarr;");
      } else if (!status.startsWith("DOWN") && sc != null && s.checkHealth() >= 0 && s.checkHealth() < top(sc)) {
        b.append(" &darr;");
      }
    }
    b.append("</td>");
    lastCheck(b, s);
    b.append("<td class=ac>").append(displayWeight(s)).append('/').append(s.weight()).append("</td>")
        .append("<td class=ac>").append(s.backup() ? "-" : "Y").append("</td>")
        .append("<td class=ac>").append(s.backup() ? "Y" : "-").append("</td>");
    if (s.checked()) {
      b.append("<td><u>").append(s.checkFailures()).append("<div class=tips>Failed Health Checks</div></u></td><td>")
          .append(s.downTransitions()).append("</td><td></td>");
    } else {
      b.append("<td colspan=3></td>");
    }
    b.append("<td class=ac>").append(s.throttlePercent() < 100 ? s.throttlePercent() + " %" : "-")
        .append("</td></tr>\n");
  }

  /** The backend row: totals, UP while one server can take traffic, active and backup servers up. */
  static void backend(StringBuilder b, BackendStats be, BackendConfig config, boolean admin) {
    int act = 0;
    int bck = 0;
    int weight = 0;
    int userWeight = 0;
    long chkdown = 0;
    int maxInFlight = 0;
    long total = 0;
    for (ServerStatsRow s : be.servers()) {
      boolean up = s.status() != ServerStatusWord.DOWN && s.status() != ServerStatusWord.MAINT;
      if (up) {
        act += s.backup() ? 0 : 1;
        bck += s.backup() ? 1 : 0;
        if (s.backup() == be.usingBackups()) {
          weight += displayWeight(s);
          userWeight += s.weight();
        }
      }
      chkdown += s.downTransitions();
      maxInFlight = Math.max(maxInFlight, s.maxInFlight());
      total += s.totalSelections();
    }
    b.append("<tr class=\"backend\">");
    if (admin) {
      b.append("<td></td>");
    }
    name(b, be.name(), "Backend");
    b.append("<td></td><td></td><td></td>") // queue
        .append("<td></td><td></td><td></td>") // session rate
        .append("<td>").append(be.inFlight()).append("</td><td></td><td></td><td>").append(total)
        .append("</td><td></td><td></td>") // sessions: cur, max, limit, total, lbtot, last
        .append("<td></td><td></td>") // bytes
        .append("<td></td><td></td>") // denied
        .append("<td></td><td></td><td></td>") // errors
        .append("<td></td><td></td>") // warnings
        .append("<td class=ac>").append(be.usableServers() > 0 ? "UP" : "DOWN")
        .append("</td><td class=ac>&nbsp;</td><td class=ac>").append(weight).append('/').append(userWeight)
        .append("</td><td class=ac>").append(act).append("</td><td class=ac>").append(bck)
        .append("</td><td class=ac>&nbsp;</td><td>").append(chkdown).append("</td><td></td><td></td></tr>\n");
  }

  private static void name(StringBuilder b, String proxy, String name) {
    String anchor = escape(proxy) + "/" + escape(name);
    b.append("<td class=ac><a name=\"").append(anchor).append("\"></a><a class=lfsb href=\"#").append(anchor)
        .append("\">").append(escape(name)).append("</a></td>");
  }

  /**
   * The status text as HAProxy's {@code srv_hlt_st}: {@code MAINT}, {@code DOWN}, {@code DOWN 1/2} (going up:
   * successful checks so far / rise), {@code UP 2/3} (going down: checks left / fall), {@code UP}, {@code
   * DRAIN}, or {@code no check}. A server in its slow-start ramp is UP (the throttle column shows the ramp).
   */
  static String status(ServerStatsRow s, ServerConfig sc) {
    int h = s.checkHealth();
    switch (s.status()) {
      case MAINT:
        return "MAINT";
      case DOWN:
        return s.checked() && h > 0 && sc != null ? "DOWN " + h + "/" + sc.rise() : "DOWN";
      default:
        String word = s.status() == ServerStatusWord.DRAIN ? "DRAIN" : "UP";
        if (!s.checked()) {
          return word.equals("DRAIN") ? "DRAIN" : "no check";
        }
        if (sc != null && h >= 0 && h < top(sc)) {
          return word + " " + (h - sc.rise() + 1) + "/" + sc.fall();
        }
        return word;
    }
  }

  /**
   * HAProxy's row class: {@code maintain}, else {@code active_} or {@code backup_} followed by {@code down},
   * {@code going_up} (DOWN, checks succeeding), {@code draining}, {@code no_check}, {@code up} (weight 0
   * shows as {@code draining}) or {@code going_down} (UP, checks failing).
   */
  static String style(ServerStatsRow s, ServerConfig sc, String status) {
    if (status.startsWith("MAINT")) {
      return "maintain";
    }
    String kind;
    if (status.equals("DOWN")) {
      kind = "down";
    } else if (status.startsWith("DOWN ")) {
      kind = "going_up";
    } else if (status.equals("DRAIN")) {
      kind = "draining";
    } else if (status.equals("no check")) {
      kind = "no_check";
    } else if (sc == null || s.checkHealth() < 0 || s.checkHealth() >= top(sc)) {
      kind = s.weight() > 0 ? "up" : "draining";
    } else {
      kind = "going_down";
    }
    return (s.backup() ? "backup_" : "active_") + kind;
  }

  /** The top of the health counter, {@code rise + fall - 1}: a server there is fully UP. */
  private static int top(ServerConfig sc) {
    return sc.rise() + sc.fall() - 1;
  }

  /**
   * The current weight on HAProxy's user scale (its {@code weight} column, the first half of Wght): 0 while
   * draining, the user weight scaled by the slow-start throttle while ramping, else the user weight.
   */
  static int displayWeight(ServerStatsRow s) {
    if (s.status() == ServerStatusWord.DRAIN) {
      return 0;
    }
    return s.throttlePercent() < 100 ? (s.weight() * s.throttlePercent() + 99) / 100 : s.weight();
  }

  private static void lastCheck(StringBuilder b, ServerStatsRow s) {
    CheckResult c = s.lastCheck();
    if (!s.checked() || c == null) {
      b.append("<td></td>");
      return;
    }
    b.append("<td class=ac><u> ").append(c.success() ? "L7OK" : c.status() > 0 ? "L7STS" : "L4CON");
    if (c.status() > 0) {
      b.append('/').append(c.status());
    }
    b.append(" in ").append(c.durationMillis()).append("ms<div class=tips>").append(escape(c.detail()))
        .append("</div></u></td>");
  }

  /** The age of {@code then} at {@code now}, as HAProxy's {@code human_time} writes it. */
  static String age(Instant now, Instant then) {
    return human(Math.max(0, now.getEpochSecond() - then.getEpochSecond()));
  }

  /**
   * Seconds as HAProxy's {@code human_time}: at most two non-zero components among days, hours, minutes and
   * seconds ({@code 0s}, {@code 59s}, {@code 2m}, {@code 1h1m}, {@code 3d4h}).
   */
  static String human(long t) {
    StringBuilder b = new StringBuilder(10);
    int cnt = 2;
    if (t >= 86400) {
      b.append(t / 86400).append('d');
      cnt--;
    }
    if (cnt > 0 && t % 86400 / 3600 != 0) {
      b.append(t % 86400 / 3600).append('h');
      cnt--;
    }
    if (cnt > 0 && t % 3600 / 60 != 0) {
      b.append(t % 3600 / 60).append('m');
      cnt--;
    }
    if ((cnt > 0 && t % 60 != 0) || t == 0) {
      b.append(t % 60).append('s');
    }
    return b.toString();
  }
}
