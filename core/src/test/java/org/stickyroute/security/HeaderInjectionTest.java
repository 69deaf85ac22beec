package org.stickyroute.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.stickyroute.AdminState;
import org.stickyroute.Backend;
import org.stickyroute.Decision;
import org.stickyroute.Health;
import org.stickyroute.http.RequestView;
import org.stickyroute.http.ResponseView;
import org.stickyroute.Router;
import org.stickyroute.config.BackendConfig;
import org.stickyroute.config.ConfigException;
import org.stickyroute.config.ConfigLoader;
import org.stickyroute.config.CookieConfig;
import org.stickyroute.config.RoutingConfig;
import org.stickyroute.config.ServerConfig;
import org.stickyroute.config.StickyOptions;
import org.stickyroute.config.StickyProperties;
import org.stickyroute.persist.CookieDate;
import org.stickyroute.persist.CookieMatch;
import org.stickyroute.persist.CookiePersistence;
import org.stickyroute.BackendSnapshot;
import org.stickyroute.config.CookieSigning;

/**
 * No CR, LF or other control character, and no {@code ;}-separated attribute beyond the configured ones, can
 * reach a {@code Set-Cookie} header: not through the HAProxy-syntax loader, not through the Java builders'
 * records, not through a properties overlay, and not through a request. Seeds are printed; replay with
 * {@code -Dsecurity.seed=N}.
 */
class HeaderInjectionTest {
  static final long NOW = 1_790_000_000L;

  /** Bytes that must never reach a Set-Cookie from configuration, as HAProxy-syntax escapes and as chars. */
  static final String[][] NASTY = {
    {"\\r", "\r"}, {"\\n", "\n"}, {"\\r\\nSet-Cookie:\\ evil=1", "\r\nSet-Cookie: evil=1"}, {"\\x00", "\0"},
    {"\\x7f", "\u007f"}, {"\\x1b", "\u001b"}, {"\\t", "\t"}, {";", ";"}, {",", ","}, {"\\ ", " "},
    {"\\xe9", "\u00e9"},
  };

  static ConfigException loadFails(String cfg) {
    return assertThrows(ConfigException.class, () -> ConfigLoader.parse(cfg, "inj.cfg", false), cfg);
  }

  @Test
  void theLoaderRejectsControlCharactersAndSeparatorsInEverythingThatReachesSetCookie() {
    int checked = 0;
    for (String[] n : NASTY) {
      String e = n[0];
      String[] configs = {
        "backend be\ncookie \"SRV" + e + "x\" insert\nserver s1 10.0.0.1:80 cookie a\n",
        "backend be\ncookie SRV insert domain \".example.com" + e + "x\"\nserver s1 10.0.0.1:80 cookie a\n",
        "backend be\ncookie SRV insert attr \"SameSite=Lax" + e + "x\"\nserver s1 10.0.0.1:80 cookie a\n",
        "backend be\ncookie SRV insert\nserver s1 10.0.0.1:80 cookie \"a" + e + "x\"\n",
        "defaults\ncookie SRV insert attr \"x" + e + "\"\nbackend be\nserver s1 10.0.0.1:80 cookie a\n",
      };
      for (String cfg : configs) {
        ConfigException ex = loadFails(cfg);
        assertTrue(ex.getMessage().matches("inj\\.cfg:\\d+: '.*': .+"), ex.getMessage());
        assertTrue(ex.getMessage().indexOf('\r') < 0 && ex.getMessage().indexOf('\n') < 0, ex.getMessage());
        checked++;
      }
    }
    // the same through raw bytes inside quotes (the file is read as ISO-8859-1; a raw LF ends the line)
    for (char c : new char[] {'\r', '\0', '\u007f', '\u0001', ';', ',', '\u00e9'}) {
      loadFails("backend be\ncookie SRV insert attr \"x" + c + "y\"\nserver s1 10.0.0.1:80 cookie a\n");
      loadFails("backend be\ncookie SRV insert\nserver s1 10.0.0.1:80 cookie \"a" + c + "b\"\n");
      checked += 2;
    }
    System.out.println("HeaderInjectionTest: " + checked + " injecting configurations rejected by the loader");
  }

  /**
   * Regression: the records behind the Java builders accepted anything, so {@code new CookieConfig("SRV\r\n
   * Set-Cookie: evil=1", ...)}, a domain or attr with CR/LF, or {@code ServerConfig.builder(...).cookie("a\r\n
   * ...")} went straight into the Set-Cookie header. They now apply the loader's rules.
   */
  @Test
  void theBuilderRecordsRejectTheSameBytes() {
    for (String[] n : NASTY) {
      String c = n[1];
      assertThrows(IllegalArgumentException.class, () -> cookie("SRV" + c + "x", List.of(), List.of()), n[0]);
      assertThrows(IllegalArgumentException.class, () -> cookie("SRV", List.of(".example.com" + c + "x"), List.of()), n[0]);
      assertThrows(IllegalArgumentException.class, () -> cookie("SRV", List.of(), List.of("SameSite=Lax" + c + "x")), n[0]);
      assertThrows(IllegalArgumentException.class,
          () -> ServerConfig.builder("s1", "10.0.0.1", 80).cookie("a" + c + "b").build(), n[0]);
    }
    assertThrows(IllegalArgumentException.class, () -> cookie("", List.of(), List.of()));
    assertThrows(IllegalArgumentException.class, () -> ServerConfig.builder("s1", "10.0.0.1", 80).cookie("").build());
    // what is allowed still builds, and is emitted verbatim
    CookieConfig ok = cookie("SRV", List.of(".example.com"), List.of("SameSite=Lax", "Partitioned"));
    BackendConfig be = BackendConfig.builder("be").cookie(ok)
        .server(ServerConfig.builder("s1", "10.0.0.1", 80).cookie("a-1.B_2").build()).build();
    Router r = Router.create(RoutingConfig.builder().backend(be).build());
    try (Decision d = new Decision()) {
      r.route(r.backend("be"), RequestView.of("GET", "/"), d);
      r.respond(d, ResponseView.of(200));
      assertEquals("SRV=a-1.B_2; path=/; domain=.example.com; SameSite=Lax; Partitioned", d.setCookie());
    }
  }

  static CookieConfig cookie(String name, List<String> domains, List<String> attrs) {
    return new CookieConfig(name, CookieConfig.Mode.INSERT, false, false, false, false, false, false, domains, 0, 0,
        false, attrs);
  }

  @Test
  void aPropertiesOverlayCannotInjectEither() {
    RoutingConfig base = ConfigLoader.parse(
        "backend be\ncookie SRV insert indirect\nserver s1 10.0.0.1:80 cookie a\n", "p.cfg", false);
    String[][] bad = {
      {"backend.be.sticky-failure", "strict\r\nSet-Cookie: x=1"}, {"backend.be.strict-status", "503\r\nX: y"},
      {"backend.be.signed.secret", "0123456789abcdef0123"}, // needs a valid lifetime below
    };
    assertThrows(ConfigException.class, () -> StickyProperties.apply(base, Map.of(bad[0][0], bad[0][1]), "p.properties"));
    assertThrows(ConfigException.class, () -> StickyProperties.apply(base, Map.of(bad[1][0], bad[1][1]), "p.properties"));
    assertThrows(ConfigException.class, () -> StickyProperties.apply(base,
        Map.of(bad[2][0], bad[2][1], "backend.be.signed.lifetime", "8h\r\nX: y"), "p.properties"));
    // a secret may hold any bytes: it only keys the MAC, it never appears in the header
    RoutingConfig signed = StickyProperties.apply(base,
        Map.of("backend.be.signed.secret", "secret\r\nSet-Cookie: evil=1;;", "backend.be.signed.lifetime", "1h"),
        "p.properties");
    Router r = Router.create(signed, Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC));
    try (Decision d = new Decision()) {
      r.route(r.backend("be"), RequestView.of("GET", "/"), d);
      r.respond(d, ResponseView.of(200));
      String sc = d.setCookie();
      assertTrue(sc.matches("SRV=a\\|" + (NOW + 3600) + "\\|[A-Za-z0-9_-]{22}; path=/"), sc);
    }
  }

  // ------------------------------------------------------------------------------- requests

  static final String SERVERS = "server s1 10.0.0.1:80 cookie s1\nserver s2 10.0.0.2:80 cookie s2\n"
      + "server s3 10.0.0.3:80\nserver s4 10.0.0.4:80 cookie s4\nserver s5 10.0.0.5:80\n";
  static final String[] LINES = {
    "cookie SERVERID insert indirect nocache httponly secure domain .example.com domain .example.org"
        + " attr SameSite=Lax attr Partitioned",
    "cookie SERVERID insert indirect nocache",
    "cookie SERVERID insert maxidle 30m maxlife 8h httponly",
    "cookie SERVERID insert postonly preserve secure",
    "cookie SERVERID insert dynamic attr SameSite=None",
    "cookie SERVERID rewrite", "cookie SERVERID prefix", "cookie SERVERID",
  };

  static Router router(String line, boolean signed) {
    RoutingConfig c = ConfigLoader.parse("backend be\nbalance uri\ndynamic-cookie-key k3y\n" + line + "\n" + SERVERS,
        "h.cfg", false);
    BackendConfig be = c.backend("be");
    if (signed) {
      be = be.withSticky(StickyOptions.HAPROXY.withSigning(CookieSigning.of("0123456789abcdef0123", Duration.ofHours(1))));
    }
    return Router.create(RoutingConfig.builder().backend(be).build(),
        Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC));
  }

  static final String HOSTILE = "SERVERID=s1;, \t\"\\$|~=\r\n\u0000\u0001\u007f\u0080\u00ff\u0100\ud800\udfff"
      + "Set-Cookie: evil=1; path=/; domain=.evil.com; Expires=Thu";

  /** A value with dates a maxidle/maxlife configuration accepts: its first date is re-emitted. */
  static final String DATED = "s2|" + CookieDate.encodeSeconds(NOW - 600) + "|" + CookieDate.encodeSeconds(NOW - 7200);

  static String hostileHeader(SplittableRandom r, int max) {
    StringBuilder sb = new StringBuilder();
    int len = r.nextInt(max + 1);
    while (sb.length() < len) {
      switch (r.nextInt(6)) {
        case 0 -> sb.append("SERVERID=").append(new String[] {"s1", "s2", "s4", "x", "", "s1|AAAAA|AAAAA", DATED}[r.nextInt(7)]);
        case 1 -> sb.append(HOSTILE, r.nextInt(HOSTILE.length()), HOSTILE.length());
        case 2 -> sb.append("; ");
        default -> sb.append(HOSTILE.charAt(r.nextInt(HOSTILE.length())));
      }
    }
    return sb.toString();
  }

  /**
   * Property over random hostile requests and responses, every configuration: the Set-Cookie stickyroute
   * emits is free of control characters and non-ASCII, its value is a cookie-octet string the configuration
   * produced (a server value, a dynamic value, dates encoded from the clock or a validated date, or a
   * signature), and its attributes are exactly the configured ones in HAProxy's order; a rewritten server
   * Set-Cookie holds only the response's and the configuration's bytes; forwarded Cookie headers hold only
   * the request's bytes (plus the single space HAProxy writes after a delimiter when it deletes a cookie).
   */
  @Test
  void randomHostileRequestsNeverInjectIntoEmittedHeaders() {
    long seed = Long.getLong("security.seed", System.nanoTime());
    System.out.println("HeaderInjectionTest seed " + seed + " (-Dsecurity.seed=" + seed + ")");
    SplittableRandom rnd = new SplittableRandom(seed);
    int emitted = 0;
    int rewritten = 0;
    int reemittedFirstDate = 0;
    for (String line : LINES) {
      for (boolean signed : line.startsWith("cookie SERVERID insert indirect nocache") ? new boolean[] {false, true}
          : new boolean[] {false}) {
        Router router = router(line, signed);
        Backend be = router.backend("be");
        CookiePersistence p = CookiePersistence.of(be.config());
        CookieConfig cc = be.config().cookie();
        for (int i = 0; i < 500; i++) {
          if (rnd.nextInt(10) == 0) {
            String s = be.snapshot().server(rnd.nextInt(be.snapshot().serverCount())).name();
            be.setHealth(s, rnd.nextBoolean() ? Health.UP : Health.DOWN);
            be.setAdmin(s, AdminState.values()[rnd.nextInt(3)]);
          }
          String[] headers = new String[rnd.nextInt(4)];
          for (int h = 0; h < headers.length; h++) {
            headers[h] = hostileHeader(rnd, rnd.nextInt(30) == 0 ? 4096 : 100);
          }
          String serverSetCookie = "SERVERID=" + hostileHeader(rnd, 20);
          ResponseView resp = ResponseView.of(rnd.nextBoolean() ? 200 : 404, "Set-Cookie", serverSetCookie,
              "ETag", "\"x\"", "Cache-Control", hostileHeader(rnd, 20));
          String method = new String[] {"GET", "POST", "HEAD", "get", "PO\r\nST"}[rnd.nextInt(5)];
          String ctx = "seed " + seed + " [" + line + "] signed=" + signed + " headers " + List.of(headers).toString()
              .replace("\r", "\\r").replace("\n", "\\n");
          try (Decision d = new Decision()) {
            router.route(be, RequestView.of(method, "/p/" + i, headers), d);
            for (int h = 0; h < headers.length; h++) {
              CharSequence f = d.forwardedCookie(h);
              if (f != null && f != headers[h]) {
                assertTrue(onlyInputBytes(f.toString(), headers[h]), "forwarded Cookie invents bytes: " + ctx);
              }
            }
            if (!d.ok()) {
              continue;
            }
            router.respond(d, resp, NOW);
            CharSequence rwv = d.responseHeader(0, serverSetCookie);
            if (rwv != null && rwv != serverSetCookie) {
              rewritten++;
              String rw = rwv.toString();
              String allowed = serverSetCookie + p.value(d.server()) + "~";
              for (char c : rw.toCharArray()) {
                assertTrue(allowed.indexOf(c) >= 0, "rewritten Set-Cookie holds a request byte: " + ctx);
              }
            }
            String sc = d.setCookie();
            if (sc != null) {
              emitted++;
              // the request's analysis, for the dates it carried (they depend on the header text and the clock only)
              CookieMatch m = new CookieMatch();
              BackendSnapshot snap = d.snapshot();
              p.analyse(RequestView.of(method, "/p/" + i, headers), s -> snap.state(s).acceptsPersistent(), NOW, m);
              checkSetCookie(sc, cc, p, d.server(), m, signed, ctx);
              if (sc.contains("|" + DATED.substring(DATED.lastIndexOf('|') + 1) + ";")) {
                reemittedFirstDate++;
              }
            }
          }
        }
      }
    }
    System.out.printf("HeaderInjectionTest: %,d Set-Cookie headers (%,d re-emitting a request's first date) and"
        + " %,d rewritten server cookies checked%n", emitted, reemittedFirstDate, rewritten);
    assertTrue(emitted > 1000 && rewritten > 50 && reemittedFirstDate > 0, "the generator reaches every path");
  }

  /** The Set-Cookie value against what the configuration can produce. */
  static void checkSetCookie(String sc, CookieConfig cc, CookiePersistence p, int server, CookieMatch m,
      boolean signed, String ctx) {
    for (char c : sc.toCharArray()) {
      assertTrue(c >= 0x20 && c < 0x7F, () -> "control or non-ASCII character in Set-Cookie: " + ctx);
    }
    List<String> attrs = new ArrayList<>(List.of(sc.split("; ", -1)));
    String first = attrs.remove(0);
    List<String> expected = new ArrayList<>();
    String v = p.value(server);
    if (v == null) {
      assertEquals(cc.name() + "=", first, ctx);
      expected.add("Expires=Thu, 01-Jan-1970 00:00:01 GMT");
    } else {
      assertTrue(first.startsWith(cc.name() + "="), ctx);
      String value = first.substring(cc.name().length() + 1);
      for (char c : value.toCharArray()) {
        assertTrue(c > 0x20 && c < 0x7F && "\",;\\".indexOf(c) < 0, () -> "not a cookie-octet: " + ctx);
      }
      if (signed) {
        assertTrue(value.matches(java.util.regex.Pattern.quote(v) + "\\|" + (NOW + 3600) + "\\|[A-Za-z0-9_-]{22}"),
            () -> value + " " + ctx);
      } else if (cc.maxIdleSeconds() == 0 && cc.maxLifeSeconds() == 0) {
        assertEquals(v, value, ctx);
      } else {
        String now5 = CookieDate.encodeSeconds(NOW);
        assertTrue(value.startsWith(v + "|" + now5), () -> value + " " + ctx);
        if (cc.maxLifeSeconds() != 0) {
          String first5 = value.substring(v.length() + 6);
          assertTrue(first5.startsWith("|") && first5.length() == 6, ctx);
          long firstDate = (long) CookieDate.decode(first5, 1) << 2;
          // either issued now, or the validated first date the request carried (within maxlife / tolerance)
          assertTrue(first5.substring(1).equals(now5)
              || (firstDate == m.firstDate() && NOW - firstDate <= cc.maxLifeSeconds() && firstDate - NOW <= 86_400),
              () -> value + " " + ctx);
        } else {
          assertEquals(v.length() + 6, value.length(), ctx);
        }
      }
    }
    expected.add("path=/");
    cc.domains().forEach(dm -> expected.add("domain=" + dm));
    if (cc.httpOnly()) {
      expected.add("HttpOnly");
    }
    if (cc.secure()) {
      expected.add("Secure");
    }
    expected.addAll(cc.attrs());
    assertEquals(expected, attrs, () -> "attributes are exactly the configured ones: " + ctx);
  }

  /**
   * Whether {@code out} is {@code in} with characters deleted and single spaces inserted (HAProxy's
   * delimiter rewrite when it deletes a cookie): ignoring spaces, {@code out} is a subsequence of {@code in}.
   */
  static boolean onlyInputBytes(String out, String in) {
    int j = 0;
    for (int i = 0; i < out.length(); i++) {
      char c = out.charAt(i);
      if (c == ' ') {
        continue;
      }
      while (j < in.length() && in.charAt(j) != c) {
        j++;
      }
      if (j == in.length()) {
        return false;
      }
      j++;
    }
    return true;
  }

  @Test
  void theSubsequenceCheckCanFail() {
    assertTrue(onlyInputBytes("a=1; b=2", "a=1;SERVERID=x;b=2"));
    assertTrue(!onlyInputBytes("a=1; evil=2", "a=1;SERVERID=x;b=2"));
    assertNotNull(HOSTILE);
  }
}
