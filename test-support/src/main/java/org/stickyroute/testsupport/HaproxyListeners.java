package org.stickyroute.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Which loopback ports a HAProxy configuration binds, and which of them are listening yet ({@link
 * HaproxyProcess}'s readiness): by the process' own sockets in {@code /proc} where it exists (a probe connection
 * would show in HAProxy's access log as a {@code <BADREQ>} line), else by a TCP connect.
 */
final class HaproxyListeners {
  /** {@code bind <address> ...}; group 1 is the first address token. */
  private static final Pattern BIND_LINE =
      Pattern.compile("^[ \\t]*bind[ \\t]+(\\S+)", Pattern.MULTILINE);

  private static final Pattern LOOPBACK_BIND = Pattern.compile("127\\.0\\.0\\.1:(\\d{1,5})");

  private HaproxyListeners() {}

  /**
   * The ports of the configuration's {@code bind 127.0.0.1:<port>} lines (UNIX sockets skipped).
   *
   * @throws IllegalArgumentException for a bind on any other address
   */
  static List<Integer> loopbackBindPorts(String configText) {
    Set<Integer> ports = new LinkedHashSet<>();
    Matcher m = BIND_LINE.matcher(configText);
    while (m.find()) {
      for (String address : m.group(1).split(",")) {
        if (address.startsWith("/") || address.startsWith("./") || address.startsWith("unix@")
            || address.startsWith("abns@")) {
          continue;
        }
        Matcher loopback = LOOPBACK_BIND.matcher(address);
        if (!loopback.matches()) {
          throw new IllegalArgumentException(
              "refusing non-loopback bind '" + address + "': tests must bind 127.0.0.1:<port> only");
        }
        int port = Integer.parseInt(loopback.group(1));
        if (port < 1 || port > 65535) {
          throw new IllegalArgumentException("bad bind port in '" + address + "'");
        }
        ports.add(port);
      }
    }
    return List.copyOf(ports);
  }

  /** Ports among {@code wanted} with a LISTEN socket on 127.0.0.1 whose inode is an open fd of process {@code pid}. */
  static Set<Integer> ownedBy(long pid, Set<Integer> wanted) {
    Set<Integer> found = new HashSet<>();
    List<String> lines;
    try {
      lines = Files.readAllLines(Path.of("/proc/net/tcp"), StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      return found;
    }
    List<long[]> candidates = new ArrayList<>(); // {port, inode}
    for (int i = 1; i < lines.size(); i++) {
      String[] f = lines.get(i).trim().split("\\s+");
      // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...
      if (f.length < 10 || !"0A".equals(f[3]) || !f[1].startsWith("0100007F:")) {
        continue;
      }
      int port = Integer.parseInt(f[1].substring(9), 16);
      if (wanted.contains(port)) {
        candidates.add(new long[] {port, Long.parseLong(f[9])});
      }
    }
    if (candidates.isEmpty()) {
      return found;
    }
    Set<Long> ownedInodes = new HashSet<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      fds.forEach(fd -> {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            ownedInodes.add(Long.parseLong(target.substring(8, target.length() - 1)));
          }
        } catch (IOException | NumberFormatException | UnsupportedOperationException ignored) {
          // fd closed meanwhile, or not a socket
        }
      });
    } catch (IOException | UncheckedIOException e) {
      return found; // process gone or fds not readable yet; retry on next poll
    }
    for (long[] c : candidates) {
      if (ownedInodes.contains(c[1])) {
        found.add((int) c[0]);
      }
    }
    return found;
  }

  /** Ports among {@code wanted} that accept a TCP connection on 127.0.0.1 (where {@code /proc} is missing). */
  static Set<Integer> accepting(Set<Integer> wanted) {
    Set<Integer> found = new HashSet<>();
    for (int port : wanted) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
        found.add(port);
      } catch (IOException notYet) {
        // not listening yet
      }
    }
    return found;
  }
}
