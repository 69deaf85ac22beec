package org.stickyroute.config;

/**
 * HAProxy time values: a non-negative integer with an optional unit {@code us}, {@code ms} (the default),
 * {@code s}, {@code m}, {@code h} or {@code d}. Microseconds round up to the next millisecond.
 */
public final class TimeUnits {
  private TimeUnits() {}

  /**
   * Parses {@code 10000}, {@code 10s}, {@code 2m}, {@code 500ms}...
   *
   * @return milliseconds, at most {@code 2^31-1} (HAProxy's 32-bit timers)
   * @throws IllegalArgumentException for a malformed value, an unknown unit or a larger time (naming the value)
   */
  public static long parseMillis(String value) {
    return parse(value, 1);
  }

  /**
   * Parses a time whose bare numbers are seconds (HAProxy's {@code cookie maxidle} and {@code maxlife}).
   *
   * @return seconds, rounded up, at most {@code 2^31-1}
   * @throws IllegalArgumentException for a malformed value, an unknown unit or a larger time (naming the value)
   */
  public static long parseSeconds(String value) {
    long ms = parse(value, 1000);
    return (ms + 999) / 1000;
  }

  private static long parse(String value, long bareMillis) {
    int i = 0;
    int n = value.length();
    while (i < n && value.charAt(i) >= '0' && value.charAt(i) <= '9') {
      i++;
    }
    if (i == 0 || i > 12) {
      throw new IllegalArgumentException("'" + value + "': expects a time such as 10000, 10s or 2m");
    }
    long number = Long.parseLong(value.substring(0, i)); // < 10^12: no product below overflows a long
    String unit = value.substring(i);
    long ms;
    switch (unit) {
      case "":
        ms = number * bareMillis;
        break;
      case "ms":
        ms = number;
        break;
      case "us":
        ms = (number + 999) / 1000;
        break;
      case "s":
        ms = number * 1000;
        break;
      case "m":
        ms = number * 60_000;
        break;
      case "h":
        ms = number * 3_600_000;
        break;
      case "d":
        if (number > Long.MAX_VALUE / 86_400_000) {
          throw overflow(value, bareMillis);
        }
        ms = number * 86_400_000;
        break;
      default:
        throw new IllegalArgumentException(
            "'" + value + "': unknown time unit '" + unit + "' (use us, ms, s, m, h or d)");
    }
    // HAProxy keeps timers in 32-bit ints: 2^31-1 ms for timeouts and intervals, 2^31-1 s for cookie dates.
    if ((bareMillis == 1 && ms > Integer.MAX_VALUE) || (bareMillis == 1000 && (ms + 999) / 1000 > Integer.MAX_VALUE)) {
      throw overflow(value, bareMillis);
    }
    return ms;
  }

  private static IllegalArgumentException overflow(String value, long bareMillis) {
    return new IllegalArgumentException("'" + value + "': timer overflow (the maximum is "
        + (bareMillis == 1 ? "2147483647 ms, about 24.8 days)" : "2147483647 s, about 68 years)"));
  }
}
