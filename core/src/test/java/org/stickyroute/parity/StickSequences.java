package org.stickyroute.parity;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Generated stick-table scenarios for {@link StickTableParityTest}: one backend per sequence (its own table,
 * rules and servers) and the sequence of steps run against it — requests from a few clients, servers put in
 * maintenance and back, pauses that let entries expire or get refreshed.
 */
final class StickSequences {
  private StickSequences() {}

  /** One step: a request, a server state change ({@code admin} = maint/ready) or a pause. */
  record Step(String kind, String target, String src, List<String[]> headers, String setCookie, String session,
      String server, long pauseMillis) {
    String describe() {
      return switch (kind) {
        case "admin" -> "set " + server + " " + target;
        case "pause" -> "pause " + pauseMillis + " ms";
        default -> "GET " + target + " src=" + src + " " + headers.stream().map(h -> h[0] + ": " + h[1]).toList()
            + (setCookie != null ? " server sets " + setCookie : "") + (session != null ? " x-session " + session : "");
      };
    }
  }

  /** A sequence: its backend section (without servers' addresses) and steps. */
  record Sequence(String name, String family, String section, int servers, long expire, List<Step> steps) {}

  static final String[] FAMILIES = {
    "stick on src (ip)", "store-response res.cook(JSESSIONID) + match req.cook(JSESSIONID) (string)",
    "stick on req.hdr(x-user),lower (string len 8)", "match + store-request url_param(id) (integer)",
    "stick on src (ipv6)", "store-response res.hdr(x-session) + match req.hdr(x-session) (string, default len)"
  };

  static Sequence generate(SplittableRandom r, int n, String echo) {
    int family = n % FAMILIES.length;
    String name = "st" + n;
    int servers = r.nextInt(2, 5);
    int size = r.nextInt(1, 6);
    long expire = r.nextInt(3) == 0 ? 0 : 1000;
    boolean nopurge = r.nextInt(5) == 0;
    String type = switch (family) {
      case 0 -> "ip";
      case 1 -> "string len 32";
      case 2 -> "string len 8";
      case 3 -> "integer";
      case 4 -> "ipv6";
      default -> "string";
    };
    StringBuilder sb = new StringBuilder();
    sb.append("backend ").append(name).append('\n');
    sb.append("  balance url_param lb\n");
    sb.append("  stick-table type ").append(type).append(" size ").append(size);
    if (expire > 0) {
      sb.append(" expire ").append(expire);
    }
    if (nopurge) {
      sb.append(" nopurge");
    }
    sb.append('\n');
    switch (family) {
      case 0, 4 -> sb.append("  stick on src\n");
      case 1 -> sb.append("  stick store-response res.cook(JSESSIONID)\n  stick match req.cook(JSESSIONID)\n");
      case 2 -> sb.append("  stick on req.hdr(x-user),lower\n");
      case 3 -> sb.append("  stick match url_param(id)\n  stick store-request url_param(id)\n");
      default -> sb.append("  stick store-response res.hdr(x-session)\n  stick match req.hdr(x-session)\n");
    }
    if (r.nextInt(4) == 0) {
      sb.append("  option persist\n");
    }
    for (int s = 1; s <= servers; s++) {
      sb.append("  server s").append(s).append(' ').append(echo).append('\n');
    }
    int clients = r.nextInt(2, 7);
    String[] srcs = new String[clients];
    String[] ids = new String[clients];
    String[] sessions = new String[clients];
    for (int c = 0; c < clients; c++) {
      srcs[c] = family == 4 && r.nextBoolean()
          ? "2001:db8::" + Integer.toHexString(r.nextInt(1, 0xffff))
          : "10." + r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(1, 255);
      ids[c] = family == 2 ? (r.nextBoolean() ? "User" : "user") + r.nextInt(100) + (r.nextBoolean() ? "-long-suffix" : "")
          : String.valueOf(r.nextInt(1, 1000) + (r.nextInt(6) == 0 ? 4294967296L : 0));
    }
    // family 5: sessions sharing a prefix of 29..33 bytes: beyond 31 they collide in the default string key
    String sharedPrefix = r.nextBoolean() ? "s".repeat(r.nextInt(29, 34)) : "";
    List<Step> steps = new ArrayList<>();
    int length = r.nextInt(6, 15);
    boolean[] down = new boolean[servers + 1];
    for (int i = 0; i < length; i++) {
      int roll = r.nextInt(20);
      if (roll == 0) {
        int s = r.nextInt(1, servers + 1);
        down[s] = !down[s];
        steps.add(new Step("admin", down[s] ? "maint" : "ready", null, List.of(), null, null, "s" + s, 0));
        continue;
      }
      if (roll == 1 && expire > 0) {
        steps.add(new Step("pause", null, null, List.of(), null, null, null, r.nextBoolean() ? 400 : 1300));
        continue;
      }
      int c = r.nextInt(clients);
      List<String[]> headers = new ArrayList<>();
      String target = "/app?lb=" + r.nextInt(1_000_000);
      String setCookie = null;
      String session = null;
      switch (family) {
        case 1 -> {
          if (sessions[c] != null) {
            headers.add(new String[] {"Cookie", "JSESSIONID=" + sessions[c]});
          }
          if (sessions[c] == null || r.nextInt(6) == 0) {
            sessions[c] = Long.toHexString(r.nextLong());
            setCookie = "JSESSIONID=" + sessions[c] + "; Path=/";
          }
        }
        case 2 -> headers.add(new String[] {"X-User", ids[c]});
        case 3 -> target += "&id=" + ids[c];
        case 5 -> {
          if (sessions[c] != null) {
            headers.add(new String[] {"X-Session", sessions[c]});
          }
          if (sessions[c] == null || r.nextInt(6) == 0) {
            sessions[c] = sharedPrefix + "session-" + Long.toHexString(r.nextLong()) + (r.nextBoolean() ? "-" + c : "");
            session = sessions[c];
          }
        }
        default -> { }
      }
      steps.add(new Step("request", target, srcs[c], headers, setCookie, session, null, 0));
    }
    return new Sequence(name, FAMILIES[family], sb.toString(), servers, expire, steps);
  }
}
