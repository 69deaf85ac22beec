package org.stickyroute.testsupport;

import java.nio.file.Path;

/**
 * An external program found on this machine, with the version it reported.
 *
 * @param name the program's name, as tests ask for it (e.g. {@code haproxy})
 * @param path the executable
 * @param versionLine the first line of its version output that carries a version number
 * @param version the version number in that line (e.g. {@code 2.6.12}), empty if none was found
 */
public record Program(String name, Path path, String versionLine, String version) {

  /**
   * Whether the version is {@code wanted} or one of its releases: {@code "2.6"} matches {@code 2.6}, {@code
   * 2.6.12} and {@code 2.6.12-1+deb12u4}, never {@code 2.60} or {@code 2.8.1}. An empty {@code wanted} matches any
   * version.
   *
   * @param wanted a version prefix made of whole dot-separated components, or empty
   * @return true if the program's version is acceptable
   */
  public boolean versionMatches(String wanted) {
    if (wanted.isEmpty()) {
      return true;
    }
    return version.equals(wanted) || version.startsWith(wanted + ".") || version.startsWith(wanted + "-");
  }
}
