package org.stickyroute.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
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
import org.stickyroute.config.CookieConfig;
import org.stickyroute.config.RoutingConfig;
import org.stickyroute.config.StickyFailure;
import org.stickyroute.config.StickyOptions;
import org.stickyroute.fuzz.FuzzInput;

/**
 * Hostile {@code Cookie} headers (and server {@code Set-Cookie} headers) through {@link
 * CookiePersistence#analyse} and {@link CookiePersistence#respond}, via {@link Router}, under every cookie
 * mode, option, sticky-failure policy, signing and server state. Checked on every input:
 *
 * <ul>
 *   <li>nothing throws;
 *   <li>a cookie only selects a server of the backend that has a cookie value, carries that value, and
 *       accepts persistent traffic (or, under {@code persist}, exists); otherwise the algorithm picks a usable
 *       server, or the request fails with 503 / the strict status;
 *   <li>a {@code Set-Cookie} is added exactly when HAProxy 2.6 adds one ({@code http_process_res_common}: insert
 *       mode, not {@code postonly} unless POST, not cancelled by {@code preserve}, and the request was not direct or
 *       a date needs setting or refreshing), or, for signed cookies, when a valid cookie was not presented or has
 *       less than half its lifetime left;
 *   <li>the {@code Set-Cookie} stickyroute adds is one the configuration can produce: a server's value (or
 *       its deletion cookie), dates from the clock or a validated request date, a fresh signature (computed
 *       here with {@code javax.crypto}'s HmacSHA256, independently of the library), and exactly the configured
 *       attributes — nothing else from the request;
 *   <li>forwarded {@code Cookie} headers contain only the request's bytes (HAProxy may write one space after
 *       a delimiter it keeps), never grow, and in {@code insert indirect} mode no longer carry the cookie
 *       (analysing them again changes nothing);
 *   <li>a rewritten server {@code Set-Cookie} holds only the response's and the configuration's bytes.
 * </ul>
 *
 * <p>Input: byte 0 = configuration ({@link #LINES}, modulo), byte 1 = server states (2 bits per server:
 * up, down, maint, drain), byte 2 = bits 0-2 method, bit 3 status 200/404, bits 4-5 policy; byte 3 = number
 * of {@code Cookie} headers; then fields separated by 0xFE: the {@code Cookie} headers, then the server's
 * {@code Set-Cookie} values.
 */
class CookieFuzzTest {
  static final long NOW = 1_790_000_000L;
  static final String SERVERS = "server s1 10.0.0.1:80 cookie s1\nserver s2 10.0.0.2:80 cookie s2\n"
      + "server s3 10.0.0.3:80\nserver g1 10.0.0.4:80 cookie grp\nserver g2 10.0.0.5:80 cookie grp\n"
      + "server d1 10.0.0.6:8080\n";
  static final String[] LINES = {
    "cookie SERVERID insert indirect nocache",
    "cookie SERVERID insert",
    "cookie SERVERID rewrite",
    "cookie SERVERID prefix",
    "cookie SERVERID",
    "cookie SERVERID insert indirect maxidle 30m maxlife 2h preserve",
    "cookie SERVERID insert indirect postonly httponly secure domain .a.example domain .b.example attr SameSite=None"
        + " attr Partitioned",
    "cookie SERVERID insert indirect nocache dynamic",
    "cookie SERVERID insert maxidle 1h",
    "cookie SERVERID insert indirect nocache maxlife 1d",
    "cookie SERVERID prefix indirect",
    "cookie JSESSIONID prefix nocache",
  };
  static final String[] METHODS = {"GET", "POST", "HEAD", "OPTIONS", "TRACE", "PUT", "get", ""};
  static final String SECRET = "0123456789abcdef0123";

  /** Routers per (configuration, policy, signed), built once: the fuzzer changes states, not configurations. */
  private static final Router[][][] ROUTERS = new Router[LINES.length][4][2];

  static Router router(int line, int policy, boolean signed) {
    Router r = ROUTERS[line][policy][signed ? 1 : 0];
    if (r == null) {
      RoutingConfig c = ConfigLoader.parse("backend be\nbalance uri\ndynamic-cookie-key K3y\n" + LINES[line] + "\n"
          + SERVERS, "fuzz.cfg", false);
      BackendConfig be = c.backend("be");
      StickyOptions o = StickyOptions.HAPROXY.withFailure(policy == 3 ? null : StickyFailure.values()[policy]);
      if (signed) {
        o = o.withSigning(CookieSigning.of(SECRET, Duration.ofHours(1)));
      }
      r = Router.create(RoutingConfig.builder().backend(be.withSticky(o)).build(),
          Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC));
      ROUTERS[line][policy][signed ? 1 : 0] = r;
    }
    return r;
  }

  /** Cookie names, values and separators of the configurations above. */
  @DictionaryEntries({
    "SERVERID=", "JSESSIONID=", "s1", "s2", "grp", "; ", ",", "=", "\"", "$Path=/", "~", "|", "AAAAA",
    "Set-Cookie", "SERVERID=s1|", " = "
  })
  @FuzzTest(maxDuration = "5m")
  void analyseAndRespond(byte[] data) {
    int line = FuzzInput.u8(data, 0, 0) % LINES.length;
    int states = FuzzInput.u8(data, 1, 0);
    int misc = FuzzInput.u8(data, 2, 0);
    int cookieCount = FuzzInput.u8(data, 3, 1);
    List<String> fields = FuzzInput.fields(data, Math.min(4, data.length));
    boolean signed = LINES[line].startsWith("cookie SERVERID insert indirect nocache") && (misc & 0x80) != 0
        && !LINES[line].contains("max");
    int policy = (misc >>> 4) & 3;
    Router router = router(line, policy, signed);
    Backend be = router.backend("be");
    // server states, one snapshot: every server reset, then 2 bits per server for the first four
    be.update(all -> {
      for (int i = 0; i < all.length; i++) {
        int st = i < 4 ? (states >>> (2 * i)) & 3 : 0;
        all[i] = all[i].withHealth(st == 1 ? Health.DOWN : Health.UP)
            .withAdmin(st == 2 ? AdminState.MAINT : st == 3 ? AdminState.DRAIN : AdminState.READY);
      }
      return all;
    });
    int n = Math.min(cookieCount, fields.size());
    String[] cookies = fields.subList(0, n).toArray(new String[0]);
    List<CharSequence> resp = new ArrayList<>();
    for (String sc : fields.subList(n, Math.min(fields.size(), n + 3))) {
      resp.add("Set-Cookie");
      resp.add(sc);
    }
    resp.add("ETag");
    resp.add("\"v1\"");
    String method = METHODS[misc & 7];
    int status = (misc & 8) != 0 ? 404 : 200;
    CookieConfig cc = be.config().cookie();
    CookiePersistence p = CookiePersistence.of(be.config());

    try (Decision d = new Decision()) {
      router.route(be, RequestView.of(method, "/p", cookies), d);
      BackendSnapshot snap = d.snapshot();
      StickyFailure failure = p.failure();
      if (d.direct()) {
        int s = d.server();
        assertTrue(s >= 0 && s < snap.serverCount(), "an existing server");
        assertNotNull(p.value(s), "only a server with a cookie value");
        assertTrue(snap.state(s).acceptsPersistent() || failure == StickyFailure.PERSIST,
            "a stopped server only under persist");
        assertTrue(String.join(";", cookies).contains(p.value(s)), "the request carried its value");
      } else if (d.ok()) {
        assertTrue(snap.usable(d.server()), "load balancing picks a usable server");
      } else {
        assertTrue(d.status() == 503 || (failure == StickyFailure.STRICT && d.stickyFailure()),
            "status " + d.status());
      }
      for (int h = 0; h < cookies.length; h++) {
        CharSequence f = d.forwardedCookie(h);
        if (f == null || f == cookies[h]) {
          continue;
        }
        String fs = f.toString();
        assertTrue(fs.length() < cookies[h].length(), "a rewritten header only shrinks");
        assertTrue(subsequenceIgnoringSpaces(fs, cookies[h]), () -> "invented bytes: [" + fs + "]");
      }
      if (cc.mode() == CookieConfig.Mode.INSERT && cc.indirect()) {
        List<CharSequence> forwarded = new ArrayList<>();
        for (int h = 0; h < cookies.length; h++) {
          if (d.forwardedCookie(h) != null) {
            forwarded.add(d.forwardedCookie(h).toString());
          }
        }
        CookieMatch again = new CookieMatch();
        p.analyse(RequestView.of(method, "/p", forwarded.toArray(new CharSequence[0])), i -> snap.state(i).acceptsPersistent(), NOW, again);
        assertEquals('N', again.flag(), "indirect: the persistence cookie is gone");
        assertTrue(!again.cookiesChanged(), "stripping is idempotent");
      }
      if (!d.ok()) {
        return;
      }
      router.respond(d, ResponseView.of(status, resp.toArray(new CharSequence[0])), NOW);
      String sc = d.setCookie();
      // the request's analysis, for what the cookie carried (dates, signed expiry: they depend on the header text
      // and the clock only, so a second analysis of the same request finds the same)
      CookieMatch m = new CookieMatch();
      p.analyse(RequestView.of(method, "/p", cookies), i -> snap.state(i).acceptsPersistent(), NOW, m);
      Boolean required = setCookieRequired(cc, method, d, m, resp, signed);
      if (required != null) {
        assertEquals(required, sc != null, () -> "a Set-Cookie is " + (required ? "required" : "not wanted") + ", got "
            + sc + " (flag " + d.cookieFlag() + ", direct " + d.direct() + ", method " + method + ")");
      }
      if (sc != null) {
        checkSetCookie(sc, cc, p, d.server(), m, signed);
      }
      for (int h = 0; h < resp.size() / 2; h++) {
        CharSequence original = resp.get(2 * h + 1);
        CharSequence rewritten = d.responseHeader(h, original);
        if (rewritten != null && rewritten != original) {
          String allowed = original + p.value(d.server()) + "~";
          for (char c : rewritten.toString().toCharArray()) {
            assertTrue(allowed.indexOf(c) >= 0, "a rewritten server cookie holds only response/config bytes");
          }
        }
      }
    }
  }

  /** The Set-Cookie value against what the configuration can produce (see the class comment). */
  static void checkSetCookie(String sc, CookieConfig cc, CookiePersistence p, int server, CookieMatch m, boolean signed) {
    for (int i = 0; i < sc.length(); i++) {
      char c = sc.charAt(i);
      assertTrue(c >= 0x20 && c < 0x7F, "only printable ASCII in Set-Cookie");
    }
    StringBuilder suffix = new StringBuilder("; path=/");
    cc.domains().forEach(d -> suffix.append("; domain=").append(d));
    if (cc.httpOnly()) {
      suffix.append("; HttpOnly");
    }
    if (cc.secure()) {
      suffix.append("; Secure");
    }
    cc.attrs().forEach(a -> suffix.append("; ").append(a));
    String v = p.value(server);
    if (v == null) {
      assertEquals(cc.name() + "=; Expires=Thu, 01-Jan-1970 00:00:01 GMT" + suffix, sc);
      return;
    }
    assertTrue(sc.startsWith(cc.name() + "=" + v) && sc.endsWith(suffix.toString()), () -> "Set-Cookie " + sc);
    String rest = sc.substring(cc.name().length() + 1 + v.length(), sc.length() - suffix.length());
    if (signed) {
      long expiry = NOW + 3600;
      assertEquals("|" + expiry + "|" + mac(cc.name(), v, expiry), rest, "a fresh signature");
      return;
    }
    if (cc.maxIdleSeconds() == 0 && cc.maxLifeSeconds() == 0) {
      assertEquals("", rest);
      return;
    }
    String now5 = CookieDate.encodeSeconds(NOW);
    if (cc.maxLifeSeconds() == 0) {
      assertEquals("|" + now5, rest);
      return;
    }
    assertEquals(12, rest.length(), rest);
    assertEquals("|" + now5 + "|", rest.substring(0, 7));
    String first5 = rest.substring(7);
    long first = (long) CookieDate.decode(first5, 0) << 2;
    assertTrue(first5.equals(now5)
        || (first == m.firstDate() && NOW - first <= cc.maxLifeSeconds() && first - NOW <= 86_400),
        () -> "first date " + first5 + " is the clock's or a validated one from the request");
  }

  /**
   * Whether HAProxy 2.6 adds a {@code Set-Cookie} to this response (its condition in {@code http_process_res_common},
   * src/http_ana.c), or for signed cookies the documented renewal rule; {@code null} when this test cannot tell
   * ({@code preserve} with a server {@code Set-Cookie} that may set our cookie).
   */
  static Boolean setCookieRequired(
      CookieConfig cc, String method, Decision d, CookieMatch m, List<CharSequence> resp, boolean signed) {
    if (cc.mode() != CookieConfig.Mode.INSERT) {
      return false;
    }
    if (cc.preserve()) {
      for (int i = 1; i < resp.size(); i += 2) {
        if (resp.get(i - 1).toString().equalsIgnoreCase("set-cookie") && resp.get(i).toString().contains(cc.name())) {
          return null; // the server may set the cookie itself (TX_SCK_FOUND): preserve then adds none
        }
      }
    }
    if (cc.postonly() && !method.equals("POST")) {
      return false;
    }
    if (!d.direct()) {
      return true;
    }
    if (signed) {
      return m.signedPrevious || m.signedExpiry() - NOW < 3600 / 2;
    }
    long last = m.lastDate();
    long first = m.firstDate();
    return ((cc.maxIdleSeconds() != 0 || last != 0) && (last == 0 || last - NOW < 0))
        || (cc.maxLifeSeconds() != 0 && first == 0)
        || (cc.maxLifeSeconds() == 0 && first != 0);
  }

  /** The signature of {@code id|expiry}, by CookieSigning's documented construction, with javax.crypto. */
  static String mac(String name, String id, long expiry) {
    try {
      javax.crypto.Mac m = javax.crypto.Mac.getInstance("HmacSHA256");
      m.init(new javax.crypto.spec.SecretKeySpec(SECRET.getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA256"));
      byte[] full = m.doFinal(("sr1\0" + name + "\0" + id + "\0" + expiry).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(full, 16));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Ignoring spaces, whether {@code out} is a subsequence of {@code in}. */
  static boolean subsequenceIgnoringSpaces(String out, String in) {
    int j = 0;
    for (int i = 0; i < out.length(); i++) {
      char c = out.charAt(i);
      if (c == ' ') {
        continue;
      }
      while (j < in.length() && in.charAt(j) != c) {
        j++;
      }
      if (j++ == in.length()) {
        return false;
      }
    }
    return true;
  }
}
