package org.stickyroute.testing.haproxy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Generated HAProxy configurations for the algorithm differential tests: one frontend that takes the client
 * address from {@code x-src} ({@code http-request set-src hdr(x-src)}, IPv4 and IPv6), picks the backend
 * named by {@code x-be} and reports the chosen server in {@code X-Server}; backends for each {@code balance}
 * algorithm given, each over every hash type, function and avalanche modifier (the first 16 of a family
 * enumerate them, the rest are random), with weights 0..256, explicit ids, backups, {@code allbackups},
 * disabled servers and 1..40 servers.
 */
public final class AlgorithmConfig {
  private static final String[] FUNCTIONS = {"sdbm", "djb2", "wt6", "crc32"};

  /**
   * One generated backend.
   *
   * @param name the backend name ({@code be0}, {@code be1}...)
   * @param balance the words after {@code balance}
   * @param lines every other line of the backend (hash-type, options, servers), for failure messages
   */
  public record Backend(String name, String balance, String lines) {
    /** The backend section. */
    public String section() {
      return "backend " + name + "\n  balance " + balance + "\n" + lines + "\n";
    }
  }

  private AlgorithmConfig() {}

  /**
   * Backends for {@code count} repetitions of each algorithm, in order.
   *
   * @param r the random source
   * @param algorithms the words after {@code balance}, one family each
   * @param perAlgorithm backends per algorithm (16 or more covers every hash type of it)
   * @param server the {@code address:port} every server points at
   * @param firstIndex the number of the first backend's name
   */
  public static List<Backend> backends(SplittableRandom r, List<String> algorithms, int perAlgorithm, String server,
      int firstIndex) {
    List<Backend> out = new ArrayList<>();
    int n = firstIndex;
    for (String alg : algorithms) {
      for (int k = 0; k < perAlgorithm; k++) {
        out.add(new Backend("be" + n++, alg, lines(r, k, server)));
      }
    }
    return out;
  }

  /** The body of one backend: its hash type ({@code k < 16} enumerates them) and servers. */
  static String lines(SplittableRandom r, int k, String server) {
    StringBuilder be = new StringBuilder();
    boolean consistent = k < 16 ? (k & 1) == 1 : r.nextBoolean();
    String fn = k < 16 ? FUNCTIONS[(k >> 1) & 3] : FUNCTIONS[r.nextInt(4)];
    boolean aval = k < 16 ? (k & 8) != 0 : r.nextBoolean();
    int form = k < 16 ? 0 : r.nextInt(6);
    if (form == 1 && consistent && !aval && fn.equals("sdbm")) {
      be.append("  hash-type consistent\n"); // the implicit-avalanche form
    } else if (!(form == 2 && !consistent && fn.equals("sdbm") && !aval)) {
      be.append("  hash-type ").append(consistent ? "consistent" : "map-based").append(' ').append(fn)
          .append(aval ? " avalanche" : "").append('\n');
    } // else: no hash-type line at all, HAProxy's default
    if (r.nextInt(4) == 0) {
      be.append("  option allbackups\n");
    }
    int servers = k % 9 == 0 ? 1 : r.nextInt(1, 41);
    be.append(servers(r, server, servers));
    return be.toString();
  }

  /**
   * {@code count} server lines pointing at {@code address}: weights 0..256 (mostly 1..4), some explicit ids,
   * backups and disabled servers.
   */
  public static String servers(SplittableRandom r, String address, int count) {
    StringBuilder be = new StringBuilder();
    Set<Integer> ids = new HashSet<>();
    for (int s = 1; s <= count; s++) {
      be.append("  server s").append(s).append(' ').append(address);
      int w = r.nextInt(10) == 0 ? 0 : r.nextInt(8) == 0 ? r.nextInt(1, 257) : r.nextInt(1, 5);
      if (w != 1) {
        be.append(" weight ").append(w);
      }
      if (r.nextInt(5) == 0) {
        int id;
        do {
          id = r.nextInt(1, 5000);
        } while (!ids.add(id));
        be.append(" id ").append(id);
      }
      if (r.nextInt(5) == 0) {
        be.append(" backup");
      }
      if (r.nextInt(8) == 0) {
        be.append(" disabled");
      }
      be.append('\n');
    }
    return be.toString();
  }

  /**
   * The whole configuration: global, defaults, the frontend on {@code port}, the backends.
   *
   * @param backends the backends
   * @param port the frontend's port on 127.0.0.1
   * @param balance replaces every backend's {@code balance} words when not {@code null}
   */
  public static String haproxy(List<Backend> backends, int port, String balance) {
    StringBuilder sb = new StringBuilder();
    sb.append("global\n  maxconn 4096\n\n")
        .append("defaults\n  mode http\n  timeout connect 1s\n  timeout client 10s\n  timeout server 10s\n\n")
        .append("frontend fe\n  bind 127.0.0.1:").append(port).append('\n')
        .append("  http-request set-src hdr(x-src)\n")
        .append("  use_backend %[req.hdr(x-be)]\n")
        .append("  http-response set-header X-Server %s\n\n");
    for (Backend b : backends) {
      sb.append(balance == null ? b.section() : new Backend(b.name(), balance, b.lines()).section());
    }
    return sb.toString();
  }
}
