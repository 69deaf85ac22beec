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
   * @return milliseconds
   * @throws IllegalArgumentException for a malformed value or an unknown unit (naming the value)
   */
  public static long parseMillis(String value) {
    return parse(value, 1);
  }

  /**
   * Parses a time whose bare numbers are seconds (HAProxy's {@code cookie maxidle} and {@code maxlife}).
   *
   * @return seconds, rounded up
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
    long number = Long.parseLong(value.substring(0, i));
    String unit = value.substring(i);
    switch (unit) {
      case "":
        return number * bareMillis;
      case "ms":
        return number;
      case "us":
        return (number + 999) / 1000;
      case "s":
        return number * 1000;
      case "m":
        return number * 60_000;
      case "h":
        return number * 3_600_000;
      case "d":
        return number * 86_400_000;
      default:
        throw new IllegalArgumentException(
            "'" + value + "': unknown time unit '" + unit + "' (use us, ms, s, m, h or d)");
    }
  }
}
