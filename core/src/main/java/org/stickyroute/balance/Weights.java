package org.stickyroute.balance;

/**
 * HAProxy's weight and slow-start arithmetic, in one place: effective weights ({@code eweight}), the {@code
 * slowstart} ramp of weights and {@code maxconn}, the throttle the stats page shows, {@code
 * cumulative_weight}, ring points, and the GCD reduction of static weights. Pure functions on primitives; thread-safe.
 *
 * <p>Times are whole seconds where HAProxy uses them: it stores {@code slowstart} rounded up to seconds and
 * compares {@code now.tv_sec} with {@code last_change}.
 */
public final class Weights {
  /** HAProxy's {@code BE_WEIGHT_SCALE}: effective weight per unit of user weight, and ring points per unit. */
  public static final int SCALE = 16;

  private Weights() {}

  /** The greatest common divisor of two non-negative numbers ({@code gcd(0, b) = b}). */
  public static int gcd(int a, int b) {
    while (b != 0) {
      int t = a % b;
      a = b;
      b = t;
    }
    return a;
  }

  /**
   * Effective weights of the static algorithms (map-based hashing, {@code static-rr}; {@code
   * src/server.c:server_recalc_eweight} with a static map): the configured weight divided by the GCD of all
   * configured weights, or 0 while the runtime weight is 0 (runtime weights only switch a server between 0 %
   * and 100 %).
   *
   * @param configured the configured {@code weight} of every server
   * @param runtime the current user weight of every server
   */
  public static int[] staticEffective(int[] configured, int[] runtime) {
    int g = 0;
    for (int w : configured) {
      g = gcd(g, w);
    }
    if (g == 0) {
      g = 1;
    }
    int[] ew = new int[configured.length];
    for (int i = 0; i < ew.length; i++) {
      ew[i] = runtime[i] == 0 ? 0 : configured[i] / g;
    }
    return ew;
  }

  /**
   * The effective weight of a dynamic algorithm: the user weight times {@link #SCALE}, or during a {@code
   * slowstart} ramp the user weight times {@code (16 * elapsed + slowstart) / slowstart}.
   *
   * @param userWeight the current user weight
   * @param elapsed whole seconds into the ramp ({@link #rampElapsedSeconds}), or -1 when not ramping
   * @param slowstartSeconds the ramp's length ({@link #slowstartSeconds})
   */
  public static int dynamicEffective(int userWeight, long elapsed, long slowstartSeconds) {
    int scale = SCALE;
    if (elapsed >= 0) {
      scale = (int) ((SCALE * elapsed + slowstartSeconds) / slowstartSeconds);
    }
    return userWeight * scale;
  }

  /**
   * HAProxy's {@code srv_dynamic_maxconn} without {@code minconn}/{@code fullconn}: {@code maxconn}, or
   * during a {@code slowstart} ramp {@code max(1, maxconn * ratio / 100)} with {@code ratio = 100 * elapsed /
   * slowstart}. 0 = unlimited.
   */
  public static int rampedMaxconn(int maxconn, long elapsed, long slowstartSeconds) {
    if (maxconn > 0 && elapsed >= 0) {
      long ratio = 100 * elapsed / slowstartSeconds;
      return (int) Math.max(1, maxconn * ratio / 100);
    }
    return maxconn;
  }

  /** HAProxy keeps {@code slowstart} in seconds, rounded up. */
  public static long slowstartSeconds(long slowstartMillis) {
    return (slowstartMillis + 999) / 1000;
  }

  /**
   * Whole seconds since a server started its ramp ({@code now.tv_sec - last_change}), or -1 when it is not
   * ramping at {@code nowMillis} (no {@code slowstart}, not starting, or the ramp is over).
   *
   * @param slowstartMillis the server's {@code slowstart}, 0 = none
   * @param startingSinceMillis when the ramp began, or a negative number when the server is not starting
   * @param nowMillis the instant to evaluate the ramp at
   */
  public static long rampElapsedSeconds(long slowstartMillis, long startingSinceMillis, long nowMillis) {
    if (startingSinceMillis < 0 || slowstartMillis <= 0) {
      return -1;
    }
    long elapsed = Math.floorDiv(nowMillis, 1000) - Math.floorDiv(startingSinceMillis, 1000);
    return elapsed < 0 || elapsed >= slowstartSeconds(slowstartMillis) ? -1 : elapsed;
  }

  /**
   * HAProxy's {@code server_throttle_rate}, the stats page's {@code throttle}: {@code (100 * eweight + 15) /
   * (16 * uweight)}, at most 100.
   */
  public static int throttlePercent(int eweight, int userWeight) {
    return Math.min(100, (100 * eweight + SCALE - 1) / (SCALE * userWeight));
  }

  /**
   * HAProxy's {@code cumulative_weight}: for each usable server, the effective weight of the usable servers
   * of its kind (active or backup) declared before it; 0 for the others.
   */
  public static int[] cumulative(boolean[] backup, boolean[] usable, int[] eweight) {
    int[] cum = new int[eweight.length];
    int act = 0;
    int bck = 0;
    for (int i = 0; i < cum.length; i++) {
      if (!usable[i]) {
        continue;
      }
      if (backup[i]) {
        cum[i] = bck;
        bck += eweight[i];
      } else {
        cum[i] = act;
        act += eweight[i];
      }
    }
    return cum;
  }

  /**
   * The ring points of every member of a consistent ring with {@code pointsPerWeight} points per unit of
   * user weight: {@code ceil(eweight * pointsPerWeight / 16)} (HAProxy's {@code eweight} with 16).
   */
  public static int[] ringPoints(int[] members, int[] eweight, int pointsPerWeight) {
    int[] points = new int[eweight.length];
    for (int m : members) {
      points[m] = (int) (((long) eweight[m] * pointsPerWeight + SCALE - 1) / SCALE);
    }
    return points;
  }
}
