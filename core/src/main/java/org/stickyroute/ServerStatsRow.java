package org.stickyroute;

import java.time.Instant;

/**
 * One server's row of HAProxy's stats page, at one moment. Immutable; get it from {@link Backend#stats()}.
 * Components are named for Java; each one's HAProxy CSV column is given in {@code code}.
 *
 * @param name the server name ({@code svname})
 * @param status the one-word status (UP, DOWN, MAINT, DRAIN; STARTING while in {@code slowstart}); the text
 *     HAProxy writes in its {@code status} column is {@link #statusText}
 * @param backup whether it is a {@code backup} server ({@code bck} = 1, {@code act} = 0)
 * @param weight the current user weight, 0..256 ({@code uweight}, as set by {@code set weight})
 * @param effectiveWeight HAProxy's {@code eweight} in this snapshot (user weight * 16 for the dynamic
 *     algorithms, scaled by the slow-start ramp; weight / gcd for map-based ones)
 * @param throttlePercent the slow-start throttle, 1..100 ({@code throttle}; 100 when not ramping, where HAProxy
 *     leaves the column empty)
 * @param usable whether it takes load-balanced traffic now (usable and in the group in use)
 * @param inFlight requests in flight ({@code scur}, HAProxy's {@code served}); the same as {@code
 *     traffic.scur()}
 * @param maxInFlight the most requests ever in flight at once ({@code smax}); the same as {@code traffic.smax()}
 * @param totalSelections leases ever taken, load-balanced or persistent ({@code stot}); the same as {@code
 *     traffic.stot()}
 * @param maxconn the effective {@code maxconn} ({@code slim}), 0 = unlimited
 * @param checked whether the server is health-checked ({@code check})
 * @param checkHealth the rise/fall counter ({@code check_health}), or -1 when not checked yet
 * @param lastCheck the last check's result ({@code check_code}, {@code check_duration}, {@code last_chk}), or
 *     {@code null} when none ran
 * @param checkFailures failed checks ({@code chkfail})
 * @param downTransitions UP to DOWN transitions ({@code chkdown})
 * @param lastTransition when the status last changed; the backend's creation time when it never changed
 * @param traffic the traffic counters (sessions, rates, bytes, errors, warnings, responses, times)
 * @param statusText the {@code status} column as HAProxy writes it: {@code UP}, {@code DOWN}, {@code MAINT},
 *     {@code DRAIN}, {@code no check} (up, unchecked), or with the check's progress when the health counter is
 *     between its ends: {@code UP 1/3} (up, going down: {@code health - rise + 1} of {@code fall}), {@code DOWN
 *     1/2} (down, going up: {@code health} of {@code rise}), {@code DRAIN 1/3}
 * @param lastChangeSeconds seconds since the status last changed ({@code lastchg})
 * @param downtimeSeconds total seconds spent stopped, DOWN or in maintenance ({@code downtime}; HAProxy shows it
 *     for checked servers only)
 * @param checkStatus the last check's status code as HAProxy names it ({@code check_status}: {@code L4OK},
 *     {@code L4TOUT}, {@code L4CON}, {@code L7OK}, {@code L7TOUT}, {@code L7RSP}, {@code L7STS}; {@code INI}
 *     before the first check), or {@code null} when the server is not checked
 * @param checkCode the HTTP status of the last check ({@code check_code}), 0 when none
 * @param checkDurationMillis how long the last check took in ms ({@code check_duration}), -1 when none ran
 * @param checkRise the {@code rise} setting ({@code check_rise})
 * @param checkFall the {@code fall} setting ({@code check_fall})
 * @param displayWeight the {@code weight} column: the user weight as the algorithm applies it (scaled by the
 *     slow-start ramp), HAProxy's {@code (eweight * wmult + wdiv - 1) / wdiv}
 * @param id the server's numeric id ({@code sid}, HAProxy's {@code puid})
 */
public record ServerStatsRow(
    String name,
    ServerStatusWord status,
    boolean backup,
    int weight,
    int effectiveWeight,
    int throttlePercent,
    boolean usable,
    int inFlight,
    int maxInFlight,
    long totalSelections,
    int maxconn,
    boolean checked,
    int checkHealth,
    CheckResult lastCheck,
    long checkFailures,
    long downTransitions,
    Instant lastTransition,
    TrafficStats traffic,
    String statusText,
    long lastChangeSeconds,
    long downtimeSeconds,
    String checkStatus,
    int checkCode,
    long checkDurationMillis,
    int checkRise,
    int checkFall,
    int displayWeight,
    int id) {

  /**
   * A row with only the first-generation fields (before the traffic counters): traffic from the session
   * figures given, the status text from the word, the rest empty.
   */
  public ServerStatsRow(String name, ServerStatusWord status, boolean backup, int weight, int effectiveWeight,
      int throttlePercent, boolean usable, int inFlight, int maxInFlight, long totalSelections, int maxconn,
      boolean checked, int checkHealth, CheckResult lastCheck, long checkFailures, long downTransitions,
      Instant lastTransition) {
    this(name, status, backup, weight, effectiveWeight, throttlePercent, usable, inFlight, maxInFlight,
        totalSelections, maxconn, checked, checkHealth, lastCheck, checkFailures, downTransitions, lastTransition,
        new TrafficStats(inFlight, maxInFlight, maxconn, totalSelections, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            0, 0, 0, 0, 0, 0, 0, -1, 0, 0, 0, 0, 0, 0, 0, 0),
        status == ServerStatusWord.STARTING ? "UP" : status.name(), 0, 0,
        null, lastCheck == null ? 0 : lastCheck.status(), lastCheck == null ? -1 : lastCheck.durationMillis(), 0, 0,
        weight, 0);
  }

  /** Whether the server is an active (non-backup) one ({@code act}). */
  public boolean active() {
    return !backup;
  }
}
