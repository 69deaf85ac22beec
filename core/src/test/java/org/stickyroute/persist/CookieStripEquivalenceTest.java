package org.stickyroute.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.stickyroute.Backend;
import org.stickyroute.Decision;
import org.stickyroute.http.RequestView;
import org.stickyroute.Router;
import org.stickyroute.config.ConfigLoader;

/**
 * The forwarded {@code Cookie} header is byte-identical to what the HAProxy transliteration produced ({@link
 * LegacyCookieStrip}, validated against the real haproxy by {@code CookieParityTest}), for random hostile
 * headers in every mode that rewrites headers. Seeded; replay with {@code -Dprops.seed=N}.
 */
class CookieStripEquivalenceTest {
  static final String[] LINES = {
    "cookie SERVERID insert indirect nocache", "cookie SERVERID prefix", "cookie SERVERID insert", "cookie SERVERID",
    "cookie SERVERID prefix indirect",
  };
  static final String[] PIECES = {
    "SERVERID", "SERVERID=s1", "SERVERID=s2~abc", "SERVERID=~", "SERVERID=", "=", ";", ",", " ", "\t", "  ", "$Path=/",
    "$", "a=1", "b = 2", "\"", "\\", "x", "s1", "~", "|", "=\"q;r\"", "k", "SERVERID = s1 ", "serverid=s1", "\u00e9",
  };

  static String header(SplittableRandom r) {
    StringBuilder sb = new StringBuilder();
    int n = r.nextInt(12);
    for (int i = 0; i < n; i++) {
      sb.append(PIECES[r.nextInt(PIECES.length)]);
    }
    return sb.toString();
  }

  @Test
  void forwardedHeadersAreByteIdenticalToTheTransliteration() {
    long seed = Long.getLong("props.seed", System.nanoTime());
    System.out.println("CookieStripEquivalenceTest seed " + seed + " (-Dprops.seed=" + seed + ")");
    SplittableRandom rnd = new SplittableRandom(seed);
    int changed = 0;
    int total = 0;
    for (String line : LINES) {
      Router router = Router.create(ConfigLoader.parse("backend be\n" + line
          + "\nserver s1 10.0.0.1:80 cookie s1\nserver s2 10.0.0.2:80 cookie s2\n", "eq.cfg", false),
          Clock.fixed(Instant.ofEpochSecond(1_790_000_000L), ZoneOffset.UTC));
      Backend be = router.backend("be");
      LegacyCookieStrip legacy = new LegacyCookieStrip("SERVERID", line.contains("prefix"),
          line.contains("insert") && line.contains("indirect"));
      Decision d = new Decision();
      for (int i = 0; i < 20_000; i++) {
        String[] headers = {header(rnd), header(rnd), header(rnd)};
        router.route(be, RequestView.of("GET", "/", headers), d);
        for (int h = 0; h < headers.length; h++) {
          CharSequence f = d.forwardedCookie(h);
          String expected = legacy.strip(headers[h]);
          String actual = f == null ? null : f.toString();
          String hh = headers[h];
          assertEquals(expected, actual, () -> "seed " + seed + " [" + line + "] header [" + hh + "]");
          if (!hh.equals(actual)) {
            changed++;
          }
          total++;
        }
        d.close();
      }
    }
    System.out.printf("CookieStripEquivalenceTest: %,d headers (%,d rewritten or removed) identical%n", total, changed);
  }
}
