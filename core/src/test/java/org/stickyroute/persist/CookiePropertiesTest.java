package org.stickyroute.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.stickyroute.AdminState;
import org.stickyroute.Backend;
import org.stickyroute.BackendSnapshot;
import org.stickyroute.Decision;
import org.stickyroute.Health;
import org.stickyroute.http.RequestView;
import org.stickyroute.http.ResponseView;
import org.stickyroute.Router;
import org.stickyroute.config.CookieSigning;
import org.stickyroute.config.BackendConfig;
import org.stickyroute.config.ConfigLoader;
import org.stickyroute.config.RoutingConfig;
import org.stickyroute.config.StickyFailure;
import org.stickyroute.config.StickyOptions;

/**
 * Seeded properties over arbitrary input: never throws, a cookie only ever selects an existing server that
 * accepts persistent traffic (or, under persist, exists), rewritten headers only shrink, and the common
 * unchanged case allocates nothing. The seed is printed; replay with {@code -Dprops.seed=N}.
 */
class CookiePropertiesTest {
  static final long NOW = 1_790_000_000L;
  static final String SERVERS = "server s1 10.0.0.1:80 cookie s1\nserver s2 10.0.0.2:80 cookie s2\n"
      + "server s3 10.0.0.3:80\nserver s4 10.0.0.4:80 cookie s4 disabled\nserver g1 10.0.0.5:80 cookie grp\n"
      + "server g2 10.0.0.6:80 cookie grp\n";
  static final String[] COOKIE_LINES = {
    "cookie SERVERID insert indirect nocache", "cookie SERVERID insert", "cookie SERVERID rewrite",
    "cookie SERVERID prefix", "cookie SERVERID", "cookie SERVERID insert indirect maxidle 30m maxlife 2h preserve",
    "cookie SERVERID insert indirect postonly httponly secure domain .a.b attr SameSite=None",
  };
  static final String ALPHABET = "SERVERIDs1234grp=;,\"\\$~| \t|abcXYZ=;;  ==\u00e9\u4e2d\u0001\u007f";

  static Router router(String cookieLine, boolean signed, StickyFailure failure) {
    RoutingConfig c = ConfigLoader.parse("backend be\nbalance uri\n" + cookieLine + "\n" + SERVERS, "p.cfg", false);
    BackendConfig be = c.backend("be");
    StickyOptions o = StickyOptions.HAPROXY.withFailure(failure);
    if (signed) {
      o = o.withSigning(CookieSigning.of("0123456789abcdef0123", Duration.ofHours(1)));
    }
    RoutingConfig.Builder b = RoutingConfig.builder().backend(be.withSticky(o));
    return Router.create(b.build(), Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC));
  }

  static String randomHeader(SplittableRandom r, int max) {
    int len = r.nextInt(max + 1);
    StringBuilder sb = new StringBuilder(len);
    while (sb.length() < len) {
      if (r.nextInt(4) == 0) {
        String[] tokens = {"SERVERID=s1", "SERVERID=s4", "SERVERID=grp", "SERVERID=", "SERVERID = s2 ", "$Path=/",
          "a=\"x;y\"", "; ", ", ", "SERVERID=s1|" + CookieDate.encodeSeconds(NOW), "SERVERID=s2~abc", "k"};
        sb.append(tokens[r.nextInt(tokens.length)]);
      } else {
        sb.append(ALPHABET.charAt(r.nextInt(ALPHABET.length())));
      }
    }
    return sb.toString();
  }

  @Test
  void neverThrowsAndOnlySelectsServersThatMayTakeTheRequest() {
    long seed = Long.getLong("props.seed", System.nanoTime());
    System.out.println("CookiePropertiesTest seed " + seed + " (-Dprops.seed=" + seed + ")");
    SplittableRandom rnd = new SplittableRandom(seed);
    int checked = 0;
    int setCookies = 0;
    int setCookiesWithoutCookie = 0;
    for (String line : COOKIE_LINES) {
      for (StickyFailure f : StickyFailure.values()) {
        boolean signed = line.startsWith("cookie SERVERID insert indirect nocache") && f == StickyFailure.REDISPATCH;
        for (boolean sign : signed ? new boolean[] {false, true} : new boolean[] {false}) {
          Router router = router(line, sign, f);
          Backend be = router.backend("be");
          for (int i = 0; i < 300; i++) {
            if (rnd.nextInt(20) == 0) {
              String s = be.snapshot().server(rnd.nextInt(be.snapshot().serverCount())).name();
              be.setHealth(s, rnd.nextBoolean() ? Health.UP : Health.DOWN);
              be.setAdmin(s, AdminState.values()[rnd.nextInt(3)]);
            }
            int n = rnd.nextInt(4);
            String[] headers = new String[n];
            for (int h = 0; h < n; h++) {
              headers[h] = randomHeader(rnd, rnd.nextInt(50) == 0 ? 8192 : 120);
            }
            String[] resp = {"Set-Cookie", randomHeader(rnd, 60), "Cache-Control", randomHeader(rnd, 20),
              "set-cookie", "SERVERID" + randomHeader(rnd, 30), "ETag", "x"};
            String ctx = "seed " + seed + " line '" + line + "' " + f + " signed " + sign + " headers "
                + java.util.Arrays.toString(headers);
            try (Decision d = new Decision()) {
              router.route(be, RequestView.of(rnd.nextBoolean() ? "GET" : "POST", "/p/" + i, headers), d);
              BackendSnapshot snap = d.snapshot();
              if (d.direct()) {
                int s = d.server();
                assertTrue(s >= 0 && s < snap.serverCount(), ctx);
                assertTrue(snap.state(s).acceptsPersistent() || f == StickyFailure.PERSIST, ctx);
                String v = be.snapshot().cookieValue(s);
                assertTrue(v != null, ctx);
              } else if (d.ok()) {
                assertTrue(snap.usable(d.server()), ctx);
              } else {
                assertTrue(d.status() == 503, ctx);
              }
              for (int h = 0; h < n; h++) {
                CharSequence fw = d.forwardedCookie(h);
                assertTrue(fw == null || fw.length() <= headers[h].length(), ctx);
              }
              router.respond(d, ResponseView.of(rnd.nextBoolean() ? 200 : 404, resp));
              String sc = d.setCookie();
              if (sc != null) {
                assertTrue(sc.startsWith("SERVERID="), ctx);
                for (int k = 0; k < sc.length(); k++) {
                  char c = sc.charAt(k);
                  assertTrue(c >= 0x20 && c < 0x7F, () -> "Set-Cookie carries only configured bytes: " + ctx);
                }
                // nothing from the request is echoed: the value part is a configured value (+ dates/MAC), also
                // when the request had no Cookie header at all
                String v = sc.substring("SERVERID=".length(), sc.indexOf(';'));
                String id = v.indexOf('|') >= 0 ? v.substring(0, v.indexOf('|')) : v;
                assertTrue(id.isEmpty() || List.of("s1", "s2", "s4", "grp").contains(id), ctx + ": " + sc);
                setCookies++;
                if (n == 0) {
                  setCookiesWithoutCookie++;
                }
              }
              checked++;
            }
          }
        }
      }
    }
    System.out.println("CookiePropertiesTest: " + checked + " random exchanges, no exception, every selection safe; "
        + setCookies + " Set-Cookie values checked, " + setCookiesWithoutCookie + " of them for requests without Cookie");
    assertTrue(setCookiesWithoutCookie > 0, "the Set-Cookie check ran for requests without a Cookie header");
  }

  @Test
  void unchangedRequestsAllocateNothing() {
    com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    String header = "_ga=GA1.2.1234567890.1700000000; _gid=GA1.2.987654321.1700000000; lang=en-US; "
        + "theme=dark; csrftoken=abcdef0123456789abcdef0123456789; SERVERID=s2; tz=Europe%2FParis; "
        + "consent=yes; sidebar=collapsed; last_project=5f3c2a1b";
    RequestView req = RequestView.of("GET", "/project/5f3c/compile", header);
    ResponseView resp = ResponseView.of(200, "Content-Type", "text/html", "ETag", "\"x\"");
    for (String line : new String[] {"cookie SERVERID insert", "cookie SERVERID", "cookie SERVERID insert indirect nocache"}) {
      Router router = router(line, false, null);
      Backend be = router.backend("be");
      Decision d = new Decision();
      long bytes = 0;
      for (int round = 0; round < 2; round++) { // first round warms up (buffers grow, JIT)
        long before = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
        for (int i = 0; i < 20_000; i++) {
          router.route(be, req, d);
          router.respond(d, resp, NOW);
          d.close();
        }
        bytes = mx.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
      }
      assertEquals("s2", router.backend("be").snapshot().server(1).name());
      double perOp = bytes / 20_000.0;
      System.out.printf("CookiePropertiesTest: '%s' route+respond %.2f B/op%n", line, perOp);
      // indirect strips SERVERID: the rewritten header lives in the holder's reused buffer, so it is 0 too
      assertTrue(perOp < 1.0, line + ": " + perOp + " B/op");
    }
    Router signed = router("cookie SERVERID insert indirect nocache", true, null);
    Backend be = signed.backend("be");
    String value = be.snapshot().clientCookieValue(1, NOW);
    RequestView sreq = RequestView.of("GET", "/x", header.replace("SERVERID=s2", "SERVERID=" + value));
    Decision d = new Decision();
    long bytes = 0;
    for (int round = 0; round < 2; round++) {
      long before = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
      for (int i = 0; i < 20_000; i++) {
        signed.route(be, sreq, d);
        signed.respond(d, resp, NOW);
        if (d.cookieFlag() != 'V' || d.setCookie() != null) {
          throw new AssertionError("signed cookie not valid: " + d.cookieFlag());
        }
        d.close();
      }
      bytes = mx.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
    }
    double perOp = bytes / 20_000.0;
    System.out.printf("CookiePropertiesTest: signed valid cookie (one HMAC-SHA256) route+respond %.2f B/op%n", perOp);
    assertTrue(perOp < 1.0, perOp + " B/op");
  }
}
