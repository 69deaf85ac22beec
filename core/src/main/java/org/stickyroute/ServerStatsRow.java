package org.stickyroute;

import java.time.Instant;

/**
 * One server's row of HAProxy's stats page, at one moment. Immutable; get it from {@link Backend#stats()}.
 *
 * @param name the server name ({@code svname})
 * @param status the one-word status ({@code status}: UP, DOWN, MAINT, DRAIN; STARTING while in {@code slowstart})
 * @param backup whether it is a {@code backup} server ({@code bck})
 * @param weight the current user weight, 0..256 ({@code weight} as set by {@code set weight})
 * @param effectiveWeight HAProxy's {@code eweight} in this snapshot (user weight * 16 for the dynamic
 *     algorithms, scaled by the slow-start ramp; weight / gcd for map-based ones)
 * @param throttlePercent the slow-start throttle, 1..100 ({@code throttle}; 100 when not ramping)
 * @param usable whether it takes load-balanced traffic now (usable and in the group in use)
 * @param inFlight requests in flight ({@code scur}, HAProxy's {@code served})
 * @param maxInFlight the most requests ever in flight at once ({@code smax})
 * @param totalSelections leases ever taken, load-balanced or persistent ({@code stot})
 * @param maxconn the effective {@code maxconn} ({@code slim}), 0 = unlimited
 * @param checked whether the server is health-checked ({@code check})
 * @param checkHealth the rise/fall counter, or -1 when not checked yet
 * @param lastCheck the last check's result ({@code check_status}, {@code check_code}, {@code
 *     check_duration}), or {@code null} when none ran
 * @param checkFailures failed checks ({@code chkfail})
 * @param downTransitions UP to DOWN transitions ({@code chkdown})
 * @param lastTransition when the status last changed ({@code lastchg} counts seconds since then); the
 *     backend's creation time when it never changed
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
    Instant lastTransition) {}
