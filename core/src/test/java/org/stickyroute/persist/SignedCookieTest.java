package org.stickyroute.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.stickyroute.Decision;
import org.stickyroute.http.RequestView;
import org.stickyroute.http.ResponseView;
import org.stickyroute.Router;
import org.stickyroute.config.CookieSigning;
import org.stickyroute.config.BackendConfig;
import org.stickyroute.config.Balance;
import org.stickyroute.config.CookieConfig;
import org.stickyroute.config.RoutingConfig;
import org.stickyroute.config.ServerConfig;
import org.stickyroute.config.StickyOptions;

/** Signed cookies: authenticity, expiry, sliding renewal, rotation, cross-instance acceptance. */
class SignedCookieTest {
  static final long NOW = 1_790_000_000L;
  static final String SECRET = "correct horse battery staple";
  static final Duration LIFE = Duration.ofHours(8);

  static Router router(CookieSigning signing, long now) {
    BackendConfig be = BackendConfig.builder("be")
        .balance(Balance.uri())
        .cookie(new CookieConfig("SRV", CookieConfig.Mode.INSERT, true, false, false, false, true, true,
            List.of(), 0, 0, false, List.of()))
        .server(ServerConfig.builder("s1", "10.0.0.1", 8080).cookie("app-a").build())
        .server(ServerConfig.builder("s2", "10.0.0.2", 8080).cookie("app-b").build())
        .sticky(StickyOptions.HAPROXY.withSigning(signing))
        .build();
    return Router.create(RoutingConfig.builder().backend(be).build(),
        Clock.fixed(Instant.ofEpochSecond(now), ZoneOffset.UTC));
  }

  /** Routes one GET with the given Cookie header and returns {server, flag, set-cookie or null}. */
  static String[] exchange(Router r, String cookie) {
    try (Decision d = new Decision()) {
      r.route(r.backend("be"), cookie == null ? RequestView.of("GET", "/x") : RequestView.of("GET", "/x", cookie), d);
      r.respond(d, ResponseView.of(200));
      return new String[] {d.serverName(), String.valueOf(d.cookieFlag()), d.setCookie()};
    }
  }

  static String clientValue(CookieSigning s, int server, long now) {
    Router r = router(s, now);
    return r.backend("be").snapshot().clientCookieValue(server, now);
  }

  static String value(String setCookie) {
    return setCookie.substring(setCookie.indexOf('=') + 1, setCookie.indexOf(';'));
  }

  @Test
  void issuedCookieIsSignedOpaqueAndAcceptedByAnotherInstanceWithTheSameSecret() {
    Router a = router(CookieSigning.of(SECRET, LIFE), NOW);
    String[] first = exchange(a, null);
    String sc = first[2];
    assertTrue(sc.startsWith("SRV=app-"), sc);
    assertTrue(sc.endsWith("; path=/; HttpOnly; Secure"), sc);
    String v = value(sc);
    assertTrue(v.matches("app-[ab]\\|" + (NOW + LIFE.getSeconds()) + "\\|[A-Za-z0-9_-]{22}"), v);
    assertFalse(v.contains("10.0.0"), "never reveals an address");
    Router b = router(CookieSigning.of(SECRET, LIFE), NOW + 60);
    String[] again = exchange(b, "SRV=" + v);
    assertEquals(first[0], again[0]);
    assertEquals("V", again[1]);
    assertNull(again[2], "fresh signed cookie is not re-issued");
  }

  @Test
  void forgedAlteredUnsignedAndExpiredCookiesAreIgnored() {
    Router r = router(CookieSigning.of(SECRET, LIFE), NOW);
    String good = r.backend("be").snapshot().clientCookieValue(1, NOW);
    assertEquals("V", exchange(r, "SRV=" + good)[1]);
    assertEquals("app-b", good.substring(0, 5));
    String otherServer = "app-a" + good.substring(5);
    String laterExpiry = good.replace("|" + (NOW + LIFE.getSeconds()) + "|", "|" + (NOW + LIFE.getSeconds() + 1) + "|");
    char last = good.charAt(good.length() - 1);
    String flipped = good.substring(0, good.length() - 1) + (last == 'A' ? 'B' : 'A');
    for (String bad : new String[] {otherServer, laterExpiry, flipped, "app-b", "app-b|1|x", "app-b||", ""}) {
      String[] out = exchange(r, "SRV=" + bad);
      assertEquals("I", out[1], bad);
      assertTrue(out[2] != null && out[2].startsWith("SRV=app-"), "a new cookie is issued for " + bad);
    }
    Router other = router(CookieSigning.of("another secret of 16+ bytes", LIFE), NOW);
    assertEquals("I", exchange(other, "SRV=" + good)[1], "another secret does not accept it");
    Router late = router(CookieSigning.of(SECRET, LIFE), NOW + LIFE.getSeconds());
    assertEquals("E", exchange(late, "SRV=" + good)[1], "expired at its expiry second");
  }

  @Test
  void slidingRenewalAfterHalfTheLifetime() {
    CookieSigning s = CookieSigning.of(SECRET, LIFE);
    String v = clientValue(s, 0, NOW);
    long half = LIFE.getSeconds() / 2;
    assertNull(exchange(router(s, NOW + half), "SRV=" + v)[2], "exactly half left: not yet");
    String[] renewed = exchange(router(s, NOW + half + 1), "SRV=" + v);
    assertEquals("V", renewed[1]);
    assertEquals("app-a", value(renewed[2]).substring(0, 5));
    assertTrue(value(renewed[2]).contains("|" + (NOW + half + 1 + LIFE.getSeconds()) + "|"), renewed[2]);
  }

  @Test
  void rotationAcceptsThePreviousSecretUntilTheGivenInstantAndReissues() {
    String oldValue = clientValue(CookieSigning.of("the old secret, 16+ bytes", LIFE), 1, NOW);
    CookieSigning rotated = CookieSigning.of(SECRET, LIFE)
        .withPrevious("the old secret, 16+ bytes", Instant.ofEpochSecond(NOW + 3600));
    String[] during = exchange(router(rotated, NOW + 10), "SRV=" + oldValue);
    assertEquals("s2", during[0]);
    assertEquals("V", during[1]);
    assertNotEquals(null, during[2], "re-issued under the current secret");
    String[] withNew = exchange(router(CookieSigning.of(SECRET, LIFE), NOW + 20), "SRV=" + value(during[2]));
    assertEquals("V", withNew[1]);
    assertEquals("I", exchange(router(rotated, NOW + 3600), "SRV=" + oldValue)[1], "grace period over");
  }

  @Test
  void hmacConstructionEqualsJavaxCryptoMac() throws Exception {
    java.util.SplittableRandom r = new java.util.SplittableRandom(42);
    for (int i = 0; i < 200; i++) {
      byte[] key = new byte[16 + r.nextInt(120)];
      byte[] msg = new byte[r.nextInt(300)];
      r.nextBytes(key);
      r.nextBytes(msg);
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
      org.junit.jupiter.api.Assertions.assertArrayEquals(mac.doFinal(msg), CookieSigner.hmacForTest(key, msg));
    }
  }

  @Test
  void configurationIsValidated() {
    assertThrows(IllegalArgumentException.class, () -> CookieSigning.of("short", LIFE));
    assertThrows(IllegalArgumentException.class, () -> CookieSigning.of(SECRET, Duration.ZERO));
    assertFalse(CookieSigning.of(SECRET, LIFE).toString().contains(SECRET));
    BackendConfig.Builder passive = BackendConfig.builder("p")
        .cookie(new CookieConfig("SRV", CookieConfig.Mode.PASSIVE, false, false, false, false, false, false,
            List.of(), 0, 0, false, List.of()))
        .sticky(StickyOptions.HAPROXY.withSigning(CookieSigning.of(SECRET, LIFE)));
    assertThrows(IllegalArgumentException.class, passive::build);
  }
}
