package org.stickyroute.servlet;

import static org.stickyroute.servlet.StatsHtml.escape;

import org.stickyroute.BackendStats;
import org.stickyroute.FrontendStats;
import org.stickyroute.ServerStatsRow;
import org.stickyroute.TrafficStats;

/**
 * The rows of one proxy's table on the stats page, laid out as HAProxy 2.6's {@code stats_dump_html_px_hdr}
 * and {@code stats_dump_fields_html} lay theirs out: two header rows of grouped columns (Queue, Session rate,
 * Sessions, Bytes, Denied, Errors, Warnings, Server), then a frontend row, the server rows and a backend row,
 * with the same cells left empty for each row type and the same tooltips (sessions by response class, average
 * times, check details). Every name and check detail is HTML-escaped. Package-private; {@link StatsHtml} calls
 * it.
 */
final class StatsRows {
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

  /** The frontend row: session rate, sessions, bytes, denied, request errors, and OPEN. */
  static void frontend(StringBuilder b, FrontendStats f, boolean admin) {
    TrafficStats t = f.traffic();
    b.append("<tr class=\"frontend\">");
    if (admin) {
      b.append("<td></td>");
    }
    name(b, f.name(), "Frontend");
    b.append("<td colspan=3></td>") // a frontend has no queue
        .append("<td>").append(t.rate()).append("</td><td>").append(t.rateMax()).append("</td><td>-</td>")
        .append("<td>").append(t.scur()).append("</td><td>").append(t.smax()).append("</td><td>")
        .append(t.slim() > 0 ? Integer.toString(t.slim()) : "").append("</td>");
    total(b, t, false);
    b.append("<td></td><td></td>") // LbTot, Last
        .append("<td>").append(t.bin()).append("</td><td>").append(t.bout()).append("</td>")
        .append("<td>").append(t.dreq()).append("</td><td>").append(t.dresp()).append("</td>")
        .append("<td>").append(t.ereq()).append("</td><td></td><td></td>")
        .append("<td></td><td></td>") // no warnings on a frontend
        .append("<td class=ac>").append(escape(f.status())).append("</td><td class=ac colspan=8></td></tr>\n");
  }

  /** One server's row, coloured as HAProxy colours it (see {@link #style}). */
  static void server(StringBuilder b, BackendStats be, ServerStatsRow s, boolean admin) {
    TrafficStats t = s.traffic();
    String status = s.statusText();
    b.append("<tr class=\"").append(style(s)).append("\">");
    if (admin) {
      b.append("<td><input type=\"checkbox\" name=\"s\" value=\"").append(escape(s.name())).append("\"></td>");
    }
    name(b, be.name(), s.name());
    b.append("<td>").append(t.qcur()).append("</td><td>").append(t.qmax()).append("</td><td></td>")
        .append("<td>").append(t.rate()).append("</td><td>").append(t.rateMax()).append("</td><td></td>")
        .append("<td>").append(t.scur()).append("</td><td>").append(t.smax()).append("</td><td>")
        .append(t.slim() > 0 ? Integer.toString(t.slim()) : "").append("</td>");
    total(b, t, true);
    b.append("<td>").append(t.lbtot()).append("</td><td>").append(t.lastsess() < 0 ? "?" : human(t.lastsess()))
        .append("</td><td>").append(t.bin()).append("</td><td>").append(t.bout()).append("</td>")
        .append("<td></td><td>").append(t.dresp()).append("</td>")
        .append("<td></td><td>").append(t.econ()).append("</td><td>").append(t.eresp()).append("</td>")
        .append("<td>").append(t.wretr()).append("</td><td>").append(t.wredis()).append("</td>");
    b.append("<td class=ac>");
    if (status.startsWith("MAINT")) {
      b.append(human(s.lastChangeSeconds())).append(" MAINT");
    } else if (status.equals("no check")) {
      b.append("<i>no check</i>");
    } else {
      b.append(human(s.lastChangeSeconds())).append(' ').append(escape(status));
      int health = s.checked() ? s.checkHealth() : s.checkRise(); // HAProxy starts an unchecked server at rise
      if (status.startsWith("DOWN")) {
        if (health > 0) {
          b.append(" &uarr;");
        }
      } else if (s.checkRise() > 0 && health >= 0 && health < s.checkRise() + s.checkFall() - 1) {
        b.append(" &darr;");
      }
    }
    b.append("</td>");
    lastCheck(b, s);
    b.append("<td class=ac>").append(s.displayWeight()).append('/').append(s.weight()).append("</td>")
        .append("<td class=ac>").append(s.backup() ? "-" : "Y").append("</td>")
        .append("<td class=ac>").append(s.backup() ? "Y" : "-").append("</td>");
    if (s.checked()) {
      b.append("<td><u>").append(s.checkFailures()).append("<div class=tips>Failed Health Checks</div></u></td><td>")
          .append(s.downTransitions()).append("</td><td>").append(human(s.downtimeSeconds())).append("</td>");
    } else {
      b.append("<td colspan=3></td>");
    }
    b.append("<td class=ac>").append(s.throttlePercent() < 100 ? s.throttlePercent() + " %" : "-")
        .append("</td></tr>\n");
  }

  /** The backend row: its own counters, UP or DOWN, active and backup servers usable, total weight. */
  static void backend(StringBuilder b, BackendStats be, boolean admin) {
    TrafficStats t = be.traffic();
    int userWeight = 0;
    for (ServerStatsRow s : be.servers()) {
      userWeight += s.usable() ? s.weight() : 0;
    }
    b.append("<tr class=\"backend\">");
    if (admin) {
      b.append("<td></td>");
    }
    name(b, be.name(), "Backend");
    b.append("<td>").append(t.qcur()).append("</td><td>").append(t.qmax()).append("</td><td></td>")
        .append("<td>").append(t.rate()).append("</td><td>").append(t.rateMax()).append("</td><td></td>")
        .append("<td>").append(t.scur()).append("</td><td>").append(t.smax()).append("</td><td>")
        .append(t.slim() > 0 ? Integer.toString(t.slim()) : "").append("</td>");
    total(b, t, true);
    b.append("<td>").append(t.lbtot()).append("</td><td>").append(t.lastsess() < 0 ? "?" : human(t.lastsess()))
        .append("</td><td>").append(t.bin()).append("</td><td>").append(t.bout()).append("</td>")
        .append("<td>").append(t.dreq()).append("</td><td>").append(t.dresp()).append("</td>")
        .append("<td></td><td>").append(t.econ()).append("</td><td>").append(t.eresp()).append("</td>")
        .append("<td>").append(t.wretr()).append("</td><td>").append(t.wredis()).append("</td>")
        .append("<td class=ac>").append(human(be.lastChangeSeconds())).append(' ').append(escape(be.status()))
        .append("</td><td class=ac>&nbsp;</td><td class=ac>").append(be.weight()).append('/').append(userWeight)
        .append("</td><td class=ac>").append(be.activeServers()).append("</td><td class=ac>")
        .append(be.backupServers()).append("</td><td class=ac>&nbsp;</td><td>").append(be.downTransitions())
        .append("</td><td>").append(human(be.downtimeSeconds())).append("</td><td></td></tr>\n");
  }

  /** The Sessions/Total cell and its tooltip: requests, responses by class, and the average times. */
  private static void total(StringBuilder b, TrafficStats t, boolean times) {
    b.append("<td><u>").append(t.stot()).append("<div class=tips><table class=det>")
        .append("<tr><th>Cum. sessions:</th><td>").append(t.stot()).append("</td></tr>")
        .append("<tr><th>Cum. HTTP requests:</th><td>").append(t.reqTot()).append("</td></tr>");
    for (int k = 1; k <= 6; k++) {
      b.append("<tr><th>- ").append(k <= 5 ? "HTTP " + k + "xx responses" : "other responses").append(":</th><td>")
          .append(t.hrsp(k % 6)).append("</td></tr>");
    }
    if (times) {
      b.append("<tr><th colspan=3>Max / Avg over last ").append(TrafficStats.TIME_SAMPLES)
          .append(" requests</th></tr>")
          .append("<tr><th>- Queue time:</th><td>").append(t.qtimeMax()).append(" / ").append(t.qtime())
          .append("</td><td>ms</td></tr>")
          .append("<tr><th>- Connect time:</th><td>").append(t.ctimeMax()).append(" / ").append(t.ctime())
          .append("</td><td>ms</td></tr>")
          .append("<tr><th>- Responses time:</th><td>").append(t.rtimeMax()).append(" / ").append(t.rtime())
          .append("</td><td>ms</td></tr>")
          .append("<tr><th>- Total time:</th><td>").append(t.ttimeMax()).append(" / ").append(t.ttime())
          .append("</td><td>ms</td></tr>");
    }
    b.append("</table></div></u></td>");
  }

  private static void name(StringBuilder b, String proxy, String name) {
    String anchor = escape(proxy) + "/" + escape(name);
    b.append("<td class=ac><a name=\"").append(anchor).append("\"></a><a class=lfsb href=\"#").append(anchor)
        .append("\">").append(escape(name)).append("</a></td>");
  }

  /**
   * HAProxy's row class for a server, from its status text as {@code stats_dump_fields_html} decides it:
   * {@code maintain}, else {@code active_} or {@code backup_} followed by {@code down}, {@code going_up}
   * ({@code DOWN 1/2}), {@code draining} ({@code DRAIN}), {@code no_check}, {@code up} (at the top of its
   * health counter; {@code draining} when its weight is 0) or {@code going_down} ({@code UP 2/3}).
   */
  static String style(ServerStatsRow s) {
    String status = s.statusText();
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
    } else if (!s.checked() || s.checkRise() == 0 || s.checkHealth() < 0
        || s.checkHealth() == s.checkRise() + s.checkFall() - 1) {
      kind = s.displayWeight() > 0 ? "up" : "draining";
    } else {
      kind = "going_down";
    }
    return (s.backup() ? "backup_" : "active_") + kind;
  }

  private static void lastCheck(StringBuilder b, ServerStatsRow s) {
    String code = s.checkStatus();
    if (code == null && s.lastCheck() != null) { // a row built by hand, without the check status code
      code = s.lastCheck().success() ? "L7OK" : s.lastCheck().status() > 0 ? "L7STS" : "L4CON";
    }
    if (!s.checked() || code == null) {
      b.append("<td></td>");
      return;
    }
    b.append("<td class=ac><u> ").append(escape(code));
    if (s.checkCode() > 0) {
      b.append('/').append(s.checkCode());
    }
    if (s.checkDurationMillis() >= 0) {
      b.append(" in ").append(s.checkDurationMillis()).append("ms");
    }
    b.append("<div class=tips>").append(s.lastCheck() == null ? "Initializing" : escape(s.lastCheck().detail()))
        .append("</div></u></td>");
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
