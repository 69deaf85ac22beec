package org.stickyroute.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.stickyroute.AdminState;
import org.stickyroute.Backend;
import org.stickyroute.BackendSnapshot;
import org.stickyroute.Decision;
import org.stickyroute.Health;
import org.stickyroute.http.RequestView;
import org.stickyroute.Router;
import org.stickyroute.config.BackendConfig;
import org.stickyroute.config.ConfigLoader;
import org.stickyroute.config.RoutingConfig;
import org.stickyroute.config.StickyFailure;
import org.stickyroute.config.StickyOptions;
import org.stickyroute.persist.CookiePersistence;

/**
 * Forged persistence cookies never route where they should not. The policy: a cookie routes ("direct") only
 * to a server of the <em>same</em> backend's <em>current</em> configuration whose configured value it
 * carries, and only if that server accepts persistent traffic (UP, DRAIN or weight 0) — or, under the {@code
 * persist} policy, if it exists at all; a stopped server is never chosen without {@code persist}; under {@code
 * strict} a cookie for a stopped server fails the request instead. Forged values (random bytes, another
 * backend's values, a disabled, DOWN or removed server's value) are otherwise load-balanced over usable
 * servers. Seeds are printed; replay with {@code -Dsecurity.seed=N}.
 */
class ForgedCookieTest {
  static final long NOW = 1_790_000_000L;
  static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);

  /** Two backends with disjoint cookie values; backend A has every server state that matters. */
  static final String CFG = """
      frontend fe
          acl is_b path_beg /b/
          use_backend be_b if is_b
          default_backend be_a

      backend be_a
          balance roundrobin
          %s
          server up1 10.0.0.1:80 cookie a-up1
          server up2 10.0.0.2:80 cookie a-up2
          server dis 10.0.0.3:80 cookie a-dis disabled
          server down 10.0.0.4:80 cookie a-down
          server zero 10.0.0.5:80 cookie a-zero weight 0
          server drain 10.0.0.6:80 cookie a-drain
          server none 10.0.0.7:80
          server back 10.0.0.8:80 cookie a-back backup

      backend be_b
          balance roundrobin
          %s
          server b1 10.0.1.1:80 cookie b-1
          server b2 10.0.1.2:80 cookie b-2
      """;

  static final String[] COOKIE_LINES = {
    "cookie SERVERID insert indirect nocache", "cookie SERVERID insert", "cookie SERVERID", "cookie SERVERID rewrite",
    "cookie SERVERID prefix", "cookie SERVERID insert indirect maxidle 30m maxlife 8h",
  };

  static Router router(String cookieLine, StickyFailure policy) {
    RoutingConfig c = ConfigLoader.parse(CFG.formatted(cookieLine, cookieLine), "forged.cfg", false);
    RoutingConfig.Builder b = RoutingConfig.builder();
    c.frontends().forEach(b::frontend);
    for (BackendConfig be : c.backends()) {
      b.backend(be.withSticky(StickyOptions.HAPROXY.withFailure(policy)));
    }
    Router r = Router.create(b.build(), CLOCK);
    Backend a = r.backend("be_a");
    a.setHealth("down", Health.DOWN);
    a.setAdmin("drain", AdminState.DRAIN);
    return r;
  }

  /** Values a client can try: random bytes and chars, other backends', stopped servers', near misses. */
  static String forgedValue(SplittableRandom r) {
    String[] known = {"a-up1", "a-up2", "a-dis", "a-down", "a-zero", "a-drain", "a-back", "b-1", "b-2"};
    String k = known[r.nextInt(known.length)];
    switch (r.nextInt(9)) {
      case 0: {
        StringBuilder sb = new StringBuilder();
        for (int i = r.nextInt(12); i > 0; i--) {
          sb.append((char) r.nextInt(0x10000));
        }
        return sb.toString();
      }
      case 1: {
        StringBuilder sb = new StringBuilder();
        for (int i = r.nextInt(12); i > 0; i--) {
          sb.append((char) r.nextInt(0x100));
        }
        return sb.toString();
      }
      case 2:
        return k.toUpperCase();
      case 3:
        return k + (char) r.nextInt(0x20, 0x7F);
      case 4:
        return (char) r.nextInt(0x20, 0x7F) + k;
      case 5:
        return k.substring(0, r.nextInt(k.length()));
      case 6:
        return k + "~" + k;
      case 7:
        return "\"" + k + "\"";
      default:
        return k;
    }
  }

  @Test
  void forgedValuesOnlyEverRouteToServersThePolicyAllows() {
    long seed = Long.getLong("security.seed", System.nanoTime());
    System.out.println("ForgedCookieTest seed " + seed + " (-Dsecurity.seed=" + seed + ")");
    SplittableRandom rnd = new SplittableRandom(seed);
    int direct = 0;
    int stoppedChosenUnderPersist = 0;
    int strictFailures = 0;
    int total = 0;
    for (String line : COOKIE_LINES) {
      for (StickyFailure policy : StickyFailure.values()) {
        Router router = router(line, policy);
        for (int i = 0; i < 400; i++) {
          String value = forgedValue(rnd);
          boolean toB = rnd.nextInt(3) == 0;
          String header = (rnd.nextBoolean() ? "lang=en; " : "") + "SERVERID=" + value + (rnd.nextBoolean() ? "; x=1" : "");
          String ctx = "seed " + seed + " line '" + line + "' " + policy + " header [" + header + "]";
          Backend be = router.backend(toB ? "be_b" : "be_a");
          try (Decision d = new Decision()) {
            router.route(router.frontend("fe"), RequestView.of("GET", toB ? "/b/x" : "/x", header), d);
            total++;
            assertTrue(d.backend() == be, ctx);
            BackendSnapshot snap = d.snapshot();
            if (d.direct()) {
              direct++;
              int s = d.server();
              CookiePersistence p = CookiePersistence.of(be.config());
              String v = p.value(s);
              assertTrue(v != null, "a server without a cookie value was chosen by a cookie: " + ctx);
              // the cookie designated exactly this server of this backend
              assertEquals(v, id(value, line.endsWith("prefix")), ctx);
              boolean accepts = snap.state(s).acceptsPersistent();
              assertTrue(accepts || policy == StickyFailure.PERSIST, "stopped server without persist: " + ctx);
              if (!accepts) {
                stoppedChosenUnderPersist++;
              }
            } else if (d.ok()) {
              assertTrue(snap.usable(d.server()), "load balancing chose an unusable server: " + ctx);
            } else if (policy == StickyFailure.STRICT && d.stickyFailure()) {
              strictFailures++;
              assertNull(d.serverName(), ctx);
            } else {
              assertEquals(503, d.status(), ctx);
            }
          }
        }
      }
    }
    System.out.printf("ForgedCookieTest: %,d requests, %,d direct, %,d to a stopped server under persist,"
        + " %,d strict failures%n", total, direct, stoppedChosenUnderPersist, strictFailures);
    assertTrue(direct > 0 && stoppedChosenUnderPersist > 0 && strictFailures > 0, "the generator reaches every case");
  }

  @Test
  void anotherBackendsValueIsNeverHonoured() {
    Router r = router("cookie SERVERID insert indirect nocache", StickyFailure.PERSIST);
    for (String v : new String[] {"b-1", "b-2"}) {
      try (Decision d = new Decision()) {
        r.route(r.backend("be_a"), RequestView.of("GET", "/x", "SERVERID=" + v), d);
        assertFalse(d.direct(), v);
        assertEquals('I', d.cookieFlag(), v);
        assertTrue(d.serverName().startsWith("up"), d.serverName());
      }
    }
  }

  @Test
  void disabledAndDownServersAreNeverChosenWithoutPersist() {
    for (StickyFailure policy : new StickyFailure[] {StickyFailure.REDISPATCH, StickyFailure.STRICT}) {
      Router r = router("cookie SERVERID insert indirect nocache", policy);
      for (String v : new String[] {"a-dis", "a-down"}) {
        try (Decision d = new Decision()) {
          r.route(r.backend("be_a"), RequestView.of("GET", "/x", "SERVERID=" + v), d);
          assertFalse(d.direct(), v);
          assertEquals('D', d.cookieFlag(), v);
          if (policy == StickyFailure.STRICT) {
            assertFalse(d.ok(), v);
          } else {
            assertTrue(d.serverName().startsWith("up"), v + " -> " + d.serverName());
          }
        }
      }
    }
    Router persist = router("cookie SERVERID insert indirect nocache", StickyFailure.PERSIST);
    try (Decision d = new Decision()) {
      persist.route(persist.backend("be_a"), RequestView.of("GET", "/x", "SERVERID=a-dis"), d);
      assertEquals("dis", d.serverName(), "persist keeps sending to a server that exists");
    }
  }

  /**
   * Regression: the router compiled each backend's cookie values once, so after {@link Backend#reconfigure} a
   * cookie was looked up by the old server index in the new server list: a removed server's cookie routed to
   * whichever server took its index (here {@code s2}'s to {@code s3}, {@code s3}'s to {@code s4}), and a new
   * server's genuine cookie was invalid.
   */
  @Test
  void aRemovedServersCookieIsNotHonouredAfterReconfigure() {
    String head = "backend be\nbalance roundrobin\ncookie SERVERID insert indirect\n";
    Router r = Router.create(ConfigLoader.parse(head + "server s1 10.0.0.1:80 cookie a1\n"
        + "server s2 10.0.0.2:80 cookie a2\nserver s3 10.0.0.3:80 cookie a3\n", "v1.cfg", false), CLOCK);
    Backend be = r.backend("be");
    be.reconfigure(ConfigLoader.parse(head + "server s1 10.0.0.1:80 cookie a1\nserver s3 10.0.0.3:80 cookie a3\n"
        + "server s4 10.0.0.4:80 cookie a4\n", "v2.cfg", false).backend("be"));
    String[][] expected = {{"a1", "s1", "V"}, {"a2", null, "I"}, {"a3", "s3", "V"}, {"a4", "s4", "V"}};
    for (String[] e : expected) {
      try (Decision d = new Decision()) {
        r.route(be, RequestView.of("GET", "/", "SERVERID=" + e[0]), d);
        assertEquals(e[2], String.valueOf(d.cookieFlag()), e[0]);
        if (e[1] != null) {
          assertTrue(d.direct(), e[0]);
          assertEquals(e[1], d.serverName(), e[0]);
        } else {
          assertFalse(d.direct(), e[0]);
          r.respond(d, org.stickyroute.http.ResponseView.of(200));
          assertTrue(d.setCookie().startsWith("SERVERID=" + be.snapshot().cookieValue(d.server()) + ";"),
              "a new cookie for the server actually chosen: " + d.setCookie());
        }
      }
    }
    assertEquals("a4", be.snapshot().cookieValue(2), "the router reads the current configuration's values");
  }

  /** Random reconfigurations (servers added, removed, reordered, values changed) between requests. */
  @Test
  void cookiesFollowTheCurrentConfigurationThroughRandomReconfigurations() {
    long seed = Long.getLong("security.seed", System.nanoTime());
    System.out.println("ForgedCookieTest reconfigure seed " + seed + " (-Dsecurity.seed=" + seed + ")");
    SplittableRandom rnd = new SplittableRandom(seed);
    Router r = Router.create(ConfigLoader.parse(randomBackend(rnd), "r.cfg", false), CLOCK);
    Backend be = r.backend("be");
    int direct = 0;
    for (int round = 0; round < 200; round++) {
      if (rnd.nextInt(3) == 0) {
        be.reconfigure(ConfigLoader.parse(randomBackend(rnd), "r" + round + ".cfg", false).backend("be"));
      }
      String value = "v" + rnd.nextInt(12);
      try (Decision d = new Decision()) {
        r.route(be, RequestView.of("GET", "/", "SERVERID=" + value), d);
        StringBuilder servers = new StringBuilder();
        for (int i = 0; i < d.snapshot().serverCount(); i++) {
          servers.append(' ').append(d.snapshot().server(i).name()).append('=').append(d.snapshot().server(i).cookie());
        }
        String ctx = "seed " + seed + " round " + round + " value " + value + " servers" + servers;
        if (d.direct()) {
          direct++;
          assertEquals(value, d.snapshot().server(d.server()).cookie(), ctx);
          assertEquals(value, be.snapshot().cookieValue(d.server()), ctx);
        } else {
          assertTrue(firstAccepting(d.snapshot(), value) < 0, "a current, accepting value must be honoured: " + ctx);
        }
      }
    }
    assertTrue(direct > 0, "some cookies matched");
  }

  /**
   * The server id a value carries, as HAProxy reads it: the value ends at {@code ;} or {@code ,}, is trimmed
   * of spaces and tabs, and the id ends at {@code |} (dates) or, in prefix mode, at {@code ~}. (Quotes only
   * matter when they are part of the id, and then no configured value matches.)
   */
  static String id(String value, boolean prefix) {
    String v = value;
    for (char stop : new char[] {';', ','}) {
      int i = v.indexOf(stop);
      if (i >= 0) {
        v = v.substring(0, i);
      }
    }
    int b = 0;
    int e = v.length();
    while (b < e && (v.charAt(b) == ' ' || v.charAt(b) == '\t')) {
      b++;
    }
    while (e > b && (v.charAt(e - 1) == ' ' || v.charAt(e - 1) == '\t')) {
      e--;
    }
    v = v.substring(b, e);
    int cut = v.indexOf(prefix ? '~' : '|');
    return cut >= 0 ? v.substring(0, cut) : v;
  }

  private static int firstAccepting(BackendSnapshot s, String value) {
    for (int i = 0; i < s.serverCount(); i++) {
      if (value.equals(s.server(i).cookie()) && s.state(i).acceptsPersistent()) {
        return i;
      }
    }
    return -1;
  }

  private static String randomBackend(SplittableRandom r) {
    StringBuilder sb = new StringBuilder("backend be\nbalance roundrobin\ncookie SERVERID insert indirect\n");
    List<Integer> ids = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      if (r.nextInt(3) != 0) {
        ids.add(i);
      }
    }
    if (ids.isEmpty()) {
      ids.add(0);
    }
    java.util.Collections.shuffle(ids, new java.util.Random(r.nextLong()));
    for (int i : ids) {
      sb.append("server s").append(i).append(" 10.0.0.").append(i + 1).append(":80 cookie v")
          .append(r.nextInt(4) == 0 ? r.nextInt(12) : i).append('\n');
    }
    return sb.toString();
  }
}
