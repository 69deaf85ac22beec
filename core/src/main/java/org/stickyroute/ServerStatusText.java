package org.stickyroute;

/**
 * The {@code status} column of HAProxy 2.6's stats for a server ({@code stats_fill_sv_stats_computestate} and
 * {@code srv_hlt_st} in {@code src/stats.c}), with the health check's progress: {@code UP 1/3} is a server still
 * UP whose counter is on its way down ({@code health - rise + 1} of {@code fall} failures left before DOWN),
 * {@code DOWN 1/2} one still DOWN on its way up ({@code health} of {@code rise} successes).
 */
final class ServerStatusText {
  private ServerStatusText() {}

  /**
   * The text for a server in state {@code st}.
   *
   * @param checked whether the server is health-checked
   * @param health the check's rise/fall counter, 0..{@code rise + fall - 1}
   */
  static String of(ServerRuntimeState st, boolean checked, int health, int rise, int fall) {
    if (st.admin() == AdminState.MAINT) {
      return "MAINT";
    }
    if (st.health() == Health.DOWN) { // SRV_ST_STOPPED
      if (checked && health > 0) {
        return "DOWN " + health + "/" + rise; // SRV_STATS_STATE_GOING_UP
      }
      return "DOWN";
    }
    boolean goingDown = checked && health < rise + fall - 1;
    String progress = goingDown ? " " + (health - rise + 1) + "/" + fall : "";
    if (st.admin() == AdminState.DRAIN) {
      return "DRAIN" + progress;
    }
    if (!checked) {
      return "no check";
    }
    return "UP" + progress;
  }

  /**
   * HAProxy's {@code check_status} code for a check's description ({@code get_check_status_info}): {@code
   * L4OK}, {@code L4TOUT}, {@code L4CON}, {@code L7OK}, {@code L7TOUT}, {@code L7RSP}, {@code L7STS}; {@code
   * INI} when no check ran yet.
   */
  static String checkStatus(CheckResult r) {
    if (r == null) {
      return "INI";
    }
    String d = r.detail();
    if (d.startsWith("Layer7 check passed")) {
      return "L7OK";
    }
    if (d.startsWith("Layer7 wrong status")) {
      return "L7STS";
    }
    if (d.startsWith("Layer7 timeout")) {
      return "L7TOUT";
    }
    if (d.startsWith("Layer7 invalid response")) {
      return "L7RSP";
    }
    if (d.startsWith("Layer4 check passed")) {
      return "L4OK";
    }
    if (d.startsWith("Layer4 timeout")) {
      return "L4TOUT";
    }
    if (d.startsWith("Layer4 connection problem")) {
      return "L4CON";
    }
    return r.success() ? "L7OK" : "UNK";
  }
}
