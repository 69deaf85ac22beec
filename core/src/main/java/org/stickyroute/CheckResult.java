package org.stickyroute;

import java.time.Instant;
import java.util.Objects;

/**
 * The outcome of one health check. Immutable.
 *
 * @param success whether the check passed (HAProxy's default {@code http-check expect status 200-399})
 * @param status the HTTP status received, or 0 when none (refused, timeout, invalid response)
 * @param durationMillis how long the check took, in milliseconds (HAProxy's {@code check_duration})
 * @param detail a short description in HAProxy's words, e.g. {@code "Layer7 check passed"}, {@code "Layer7
 *     wrong status"}, {@code "Layer4 connection problem"}, {@code "Layer4 timeout"}
 * @param at when the check completed
 */
public record CheckResult(boolean success, int status, long durationMillis, String detail, Instant at) {
  /** Validates. */
  public CheckResult {
    Objects.requireNonNull(detail, "detail");
    Objects.requireNonNull(at, "at");
    if (durationMillis < 0) {
      throw new IllegalArgumentException("duration must be >= 0");
    }
  }

  /** Whether an HTTP status counts as a pass: 2xx and 3xx, HAProxy's implicit {@code expect status 200-399}. */
  public static boolean passes(int status) {
    return status >= 200 && status <= 399;
  }
}
