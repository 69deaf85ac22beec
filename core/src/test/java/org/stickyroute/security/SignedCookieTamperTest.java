package org.stickyroute.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.stickyroute.Decision;
import org.stickyroute.http.RequestView;
import org.stickyroute.http.ResponseView;
import org.stickyroute.Router;
import org.stickyroute.config.BackendConfig;
import org.stickyroute.config.Balance;
import org.stickyroute.config.CookieConfig;
import org.stickyroute.config.RoutingConfig;
import org.stickyroute.config.ServerConfig;
import org.stickyroute.config.StickyOptions;
import org.stickyroute.config.CookieSigning;

/**
 * Signed cookies under attack: every tampered value is rejected (never {@code V}, never an exception) —
 * single-bit flips of every character of every part, every truncation, extensions, parts swapped between
 * servers, values signed with another secret, expired values, authentic values dated beyond the future
 * tolerance, and values signed with the previous secret after its end instant. Values are produced by an
 * independent reference signer over {@code javax.crypto.Mac}, so the tests also pin the documented format.
 */
class SignedCookieTamperTest {
  static final long NOW = 1_790_000_000L;
  static final String NAME = "SRV";
  static final String SECRET = "correct horse battery staple";
  static final String OLD = "the previous secret, 16+ bytes";
  static final Duration LIFE = Duration.ofHours(8);
  static final long UNTIL = NOW + 3600;
  static final long TOLERANCE = 86_400;

  static final CookieSigning SIGNING =
      CookieSigning.of(SECRET, LIFE).withPrevious(OLD, Instant.ofEpochSecond(UNTIL));

  static Router router(long now) {
    BackendConfig be = BackendConfig.builder("be")
        .balance(Balance.uri())
        .cookie(new CookieConfig(NAME, CookieConfig.Mode.INSERT, true, true, false, false, true, true,
            List.of(), 0, 0, false, List.of()))
        .server(ServerConfig.builder("s1", "10.0.0.1", 8080).cookie("app-a").build())
        .server(ServerConfig.builder("s2", "10.0.0.2", 8080).cookie("app-b").build())
        .sticky(StickyOptions.HAPROXY.withSigning(SIGNING))
        .build();
    return Router.create(RoutingConfig.builder().backend(be).build(),
        Clock.fixed(Instant.ofEpochSecond(now), ZoneOffset.UTC));
  }

  /** The documented format: ID|EXPIRY|first 16 bytes of HMAC-SHA256(secret, "sr1" 0 NAME 0 ID 0 EXPIRY), base64url. */
  static String sign(String secret, String id, String expiry) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      byte[] msg = ("sr1\0" + NAME + "\0" + id + "\0" + expiry).getBytes(StandardCharsets.ISO_8859_1);
      byte[] tag = Arrays.copyOf(mac.doFinal(msg), 16);
      return id + "|" + expiry + "|" + Base64.getUrlEncoder().withoutPadding().encodeToString(tag);
    } catch (java.security.GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  static String sign(String secret, String id, long expiry) {
    return sign(secret, id, Long.toString(expiry));
  }

  /** Routes a GET carrying {@code SRV=value} at {@code now}: {flag, server, set-cookie}. */
  static String[] exchange(Router r, String value) {
    try (Decision d = new Decision()) {
      r.route(r.backend("be"), RequestView.of("GET", "/x", "a=1; " + NAME + "=" + value + "; b=2"), d);
      r.respond(d, ResponseView.of(200));
      return new String[] {String.valueOf(d.cookieFlag()), d.serverName(), d.setCookie()};
    }
  }

  @Test
  void theReferenceSignerReproducesIssuedValues() {
    Router r = router(NOW);
    String issued = r.backend("be").snapshot().clientCookieValue(1, NOW);
    assertEquals(sign(SECRET, "app-b", NOW + LIFE.getSeconds()), issued);
    String[] out = exchange(r, issued);
    assertEquals("V", out[0]);
    assertEquals("s2", out[1]);
  }

  @Test
  void everySingleBitFlipTruncationAndExtensionIsRejected() {
    Router r = router(NOW);
    String good = sign(SECRET, "app-b", NOW + LIFE.getSeconds());
    List<String> tampered = new ArrayList<>();
    for (int i = 0; i < good.length(); i++) {
      for (int bit = 0; bit < 16; bit++) {
        char[] c = good.toCharArray();
        c[i] ^= (char) (1 << bit);
        tampered.add(new String(c));
      }
    }
    for (int len = 0; len < good.length(); len++) {
      tampered.add(good.substring(0, len));
    }
    // Spaces, tabs, ';' and ',' around a value are not part of it (HAProxy strips or splits there): skip them.
    String extra = "0123456789|=-_~!\"'\\/ABCxyz\u00e9\u0000\u007f\u4e2d";
    for (char c : extra.toCharArray()) {
      tampered.add(good + c);
      tampered.add(c + good);
      int bar = good.indexOf('|');
      tampered.add(good.substring(0, bar) + c + good.substring(bar)); // id extended
      int bar2 = good.lastIndexOf('|');
      tampered.add(good.substring(0, bar2) + c + good.substring(bar2)); // expiry extended
    }
    int checked = 0;
    for (String t : tampered) {
      String[] out = exchange(r, t);
      assertNotEquals("V", out[0], () -> "tampered value validated: [" + t + "]");
      assertNotNull(out[2], () -> "a new cookie is issued instead: [" + t + "]");
      checked++;
    }
    assertEquals("V", exchange(r, good)[0], "the untampered value still validates");
    System.out.println("SignedCookieTamperTest: " + checked + " tampered values rejected");
  }

  @Test
  void partsSwappedBetweenServersOrExpiriesAreRejected() {
    Router r = router(NOW);
    long exp = NOW + LIFE.getSeconds();
    String a = sign(SECRET, "app-a", exp);
    String b = sign(SECRET, "app-b", exp);
    String macA = a.substring(a.lastIndexOf('|') + 1);
    String macB = b.substring(b.lastIndexOf('|') + 1);
    String[] swapped = {
      "app-a|" + exp + "|" + macB, "app-b|" + exp + "|" + macA, "app-b|" + (exp + 1) + "|" + macB,
      "app-b|" + (exp - 1) + "|" + macB, "app-b|0" + exp + "|" + macB, "app-b|+" + exp + "|" + macB,
      "app-b|" + exp + "|" + macB + "|" + macB, "app-b|" + exp, "app-b", "|" + exp + "|" + macB,
      "app-b||" + macB, "app-b|" + exp + "|", "\"" + b + "\"", b.replace('|', ','),
      "app-b|" + "\u0661\u0667\u0669" + "|" + macB, // Arabic-Indic digits are not digits here
    };
    for (String s : swapped) {
      String[] out = exchange(r, s);
      assertNotEquals("V", out[0], s);
    }
  }

  @Test
  void anotherSecretExpiredAndFarFutureValuesAreRejected() {
    Router r = router(NOW);
    long life = LIFE.getSeconds();
    assertEquals("I", exchange(r, sign("some other secret of 16+ bytes", "app-b", NOW + life))[0]);
    assertEquals("E", exchange(r, sign(SECRET, "app-b", NOW))[0], "expires at its expiry second");
    assertEquals("E", exchange(r, sign(SECRET, "app-b", NOW - 1))[0]);
    assertEquals("E", exchange(r, sign(SECRET, "app-b", 1))[0]);
    // authentic, but dated beyond lifetime + the 86400 s future tolerance: not honoured
    assertEquals("V", exchange(r, sign(SECRET, "app-b", NOW + life + TOLERANCE))[0], "at the tolerance");
    assertEquals("E", exchange(r, sign(SECRET, "app-b", NOW + life + TOLERANCE + 1))[0], "beyond it");
    assertEquals("E", exchange(r, sign(SECRET, "app-b", 999_999_999_999L))[0], "year 33658");
    assertEquals("I", exchange(r, sign(SECRET, "app-b", "9999999999999"))[0], "13 digits");
  }

  @Test
  void thePreviousSecretIsAcceptedOnlyBeforeItsEndInstant() {
    String old = sign(OLD, "app-a", NOW + LIFE.getSeconds());
    String[] before = exchange(router(UNTIL - 1), old);
    assertEquals("V", before[0]);
    assertEquals("s1", before[1]);
    assertTrue(before[2].startsWith(NAME + "=" + sign(SECRET, "app-a", UNTIL - 1 + LIFE.getSeconds()) + ";"),
        "re-issued under the current secret: " + before[2]);
    assertEquals("I", exchange(router(UNTIL), old)[0], "the end instant is exclusive");
    assertEquals("I", exchange(router(UNTIL + 1), old)[0]);
    assertEquals("I", exchange(router(NOW), sign(OLD + "x", "app-a", NOW + 60))[0]);
  }
}
