package org.stickyroute.testsupport;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the external programs tests run (haproxy, redis-server, chromium, chromedriver ...), once per JVM.
 *
 * <p>Where a program is looked for, in order:
 *
 * <ol>
 *   <li>the environment variable {@code STICKYROUTE_<NAME>} ({@link #overrideVariable(String)}: the name upper-cased,
 *       every character other than a letter or digit replaced by {@code _}, e.g. {@code STICKYROUTE_REDIS_SERVER}):
 *       the path of the executable to use, or {@code none} to behave as if the program were not installed (how CI's
 *       "missing prerequisite" failure is shown without uninstalling anything). When set, nothing else is searched;
 *   <li>every directory of {@code PATH};
 *   <li>{@code /usr/sbin}, {@code /usr/local/sbin} and {@code /sbin} (Debian installs {@code haproxy} in {@code
 *       /usr/sbin}, which is not on a non-root user's {@code PATH}).
 * </ol>
 *
 * A candidate counts only when it is an executable file and its version command ({@code -v}, {@code --version} ...)
 * exits 0 within 10 s.
 */
public final class Programs {
  private static final List<String> EXTRA_DIRS = List.of("/usr/sbin", "/usr/local/sbin", "/sbin");
  private static final Pattern VERSION = Pattern.compile("(?<![\\w.])v?=?(\\d+\\.\\d+(?:\\.\\d+)*(?:-[\\w.+~]+)?)");
  private static final Map<String, Optional<Program>> FOUND = new ConcurrentHashMap<>();

  private Programs() {}

  /**
   * The program called {@code name}, asked for its version with {@code versionArgs}, or empty when it is not
   * installed (or hidden with {@code STICKYROUTE_<NAME>=none}). Cached per name and arguments.
   *
   * @param name the executable's file name
   * @param versionArgs the arguments that make it print its version and exit
   * @return the program, or empty
   */
  public static Optional<Program> find(String name, String... versionArgs) {
    return FOUND.computeIfAbsent(name + " " + String.join(" ", versionArgs), k -> locate(name, versionArgs));
  }

  /**
   * The environment variable that overrides where {@code name} is found: {@code STICKYROUTE_HAPROXY} for
   * {@code haproxy}, {@code STICKYROUTE_REDIS_SERVER} for {@code redis-server}.
   *
   * @param name a program name
   * @return the variable's name
   */
  public static String overrideVariable(String name) {
    return "STICKYROUTE_" + name.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
  }

  /**
   * Where {@link #find} looked for {@code name}, for messages: the override, or {@code PATH} and the sbin
   * directories.
   *
   * @param name a program name
   * @return a short description
   */
  public static String searched(String name) {
    String override = System.getenv(overrideVariable(name));
    if (override != null) {
      return overrideVariable(name) + "=" + override;
    }
    return "PATH, " + String.join(", ", EXTRA_DIRS);
  }

  private static Optional<Program> locate(String name, String[] versionArgs) {
    String override = System.getenv(overrideVariable(name));
    List<Path> candidates = new ArrayList<>();
    if (override != null) {
      if (override.isBlank() || override.equalsIgnoreCase("none")) {
        return Optional.empty();
      }
      candidates.add(Path.of(override));
    } else {
      String path = System.getenv("PATH");
      if (path != null) {
        for (String dir : path.split(Pattern.quote(File.pathSeparator))) {
          if (!dir.isEmpty()) {
            candidates.add(Path.of(dir, name));
          }
        }
      }
      for (String dir : EXTRA_DIRS) {
        candidates.add(Path.of(dir, name));
      }
    }
    for (Path candidate : candidates) {
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        Optional<Program> p = ask(name, candidate, versionArgs);
        if (p.isPresent()) {
          return p;
        }
      }
    }
    return Optional.empty();
  }

  /** Runs the candidate's version command; the program if it exits 0 in time. */
  private static Optional<Program> ask(String name, Path candidate, String[] versionArgs) {
    List<String> command = new ArrayList<>();
    command.add(candidate.toString());
    command.addAll(List.of(versionArgs));
    Path output = null;
    try {
      output = Files.createTempFile("stickyroute-version-", ".txt");
      Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
      p.getOutputStream().close();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return Optional.empty();
      }
      if (p.exitValue() != 0) {
        return Optional.empty();
      }
      String text = Files.readString(output, StandardCharsets.ISO_8859_1);
      for (String line : text.lines().toList()) {
        Matcher m = VERSION.matcher(line);
        if (m.find()) {
          return Optional.of(new Program(name, candidate, line.strip(), m.group(1)));
        }
      }
      String first = text.lines().findFirst().orElse("").strip();
      return Optional.of(new Program(name, candidate, first, ""));
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } finally {
      if (output != null) {
        try {
          Files.deleteIfExists(output);
        } catch (IOException ignored) {
          // a temporary file left behind
        }
      }
    }
  }
}
