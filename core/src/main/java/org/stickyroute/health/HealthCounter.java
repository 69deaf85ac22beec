package org.stickyroute.health;

/**
 * HAProxy's rise/fall state machine ({@code src/check.c:set_server_check_status}) as a pure function on an
 * immutable value. {@code health} ranges over {@code [0, rise + fall - 1]}; the server is UP iff {@code
 * health >= rise}.
 *
 * <ul>
 *   <li>success: {@code health + 1} (up to {@code rise + fall - 1}); on reaching {@code rise} it jumps to
 *       {@code rise + fall - 1} (fully up), so a DOWN server needs {@code rise} consecutive successes;
 *   <li>failure: {@code health - 1} while that stays {@code >= rise}, otherwise 0 (DOWN), so a fully up
 *       server needs {@code fall} consecutive failures;
 *   <li>a checked server starts UP with {@code health = rise} ({@link #initial}): it takes traffic at once,
 *       but its first failed check marks it DOWN.
 * </ul>
 *
 * <p>Thread-safe (immutable). {@code inter} selection follows {@code srv_getinter}: {@link #interval}.
 *
 * @param health the counter
 * @param rise consecutive successes to go UP ({@code rise}, >= 1)
 * @param fall consecutive failures to go DOWN ({@code fall}, >= 1)
 */
public record HealthCounter(int health, int rise, int fall) {
  /** Validates. */
  public HealthCounter {
    if (rise < 1 || fall < 1) {
      throw new IllegalArgumentException("rise and fall must be >= 1");
    }
    if (health < 0 || health > rise + fall - 1) {
      throw new IllegalArgumentException("health " + health + " outside [0, " + (rise + fall - 1) + "]");
    }
  }

  /** A checked server at start-up: UP, {@code health = rise}. */
  public static HealthCounter initial(int rise, int fall) {
    return new HealthCounter(rise, rise, fall);
  }

  /** The counter after one check. */
  public HealthCounter next(boolean success) {
    int full = rise + fall - 1;
    int h = health;
    if (success) {
      if (h < full) {
        h++;
        if (h >= rise) {
          h = full;
        }
      }
    } else {
      h = h > rise ? h - 1 : 0;
    }
    return new HealthCounter(h, rise, fall);
  }

  /** Whether the server is UP. */
  public boolean up() {
    return health >= rise;
  }

  /** Whether the counter is at its top ({@code rise + fall - 1}): fully up. */
  public boolean fullyUp() {
    return health == rise + fall - 1;
  }

  /** Whether the counter is at 0: fully down. */
  public boolean fullyDown() {
    return health == 0;
  }

  /**
   * The delay before the next check, as {@code srv_getinter}: {@code inter} when fully up, {@code downinter}
   * (else {@code inter}) when fully down, {@code fastinter} (else {@code inter}) while in transition —
   * including at start-up, where {@code health = rise} is not yet the top. Milliseconds; 0 = unset.
   */
  public long interval(long inter, long fastInter, long downInter) {
    if (fullyUp()) {
      return inter;
    }
    if (fullyDown()) {
      return downInter > 0 ? downInter : inter;
    }
    return fastInter > 0 ? fastInter : inter;
  }
}
