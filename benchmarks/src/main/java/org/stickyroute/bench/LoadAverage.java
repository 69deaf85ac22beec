package org.stickyroute.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;

/** The machine's load average, read from {@code /proc/loadavg} (Linux); NaN or "?" elsewhere. */
public final class LoadAverage {
  private LoadAverage() {}

  /** The three load averages (1, 5, 15 minutes) as {@code /proc/loadavg} prints them, or {@code "?"}. */
  public static String all() {
    try {
      String[] f = Files.readString(Paths.get("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }

  /** The 1-minute load average, or NaN. */
  public static double oneMinute() {
    try {
      return Double.parseDouble(all().split(" ")[0]);
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }
}
