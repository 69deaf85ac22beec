package org.stickyroute.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.stickyroute.Decision;
import org.stickyroute.Router;
import org.stickyroute.config.ConfigException;
import org.stickyroute.config.ConfigLoader;
import org.stickyroute.config.RoutingConfig;
import org.stickyroute.config.SecureCookie;
import org.stickyroute.config.StickyProperties;
import org.stickyroute.http.RequestView;
import org.stickyroute.http.ResponseView;

/**
 * The {@code Secure} attribute of the inserted cookie: where HAProxy puts it (after {@code HttpOnly}, before
 * the {@code attr}s, on dated and deletion cookies alike), under every {@link SecureCookie} policy, from the
 * backend's options and from an adapter's override, with the request's scheme read from {@link
 * RequestView#secure()}.
 */
class SecureCookieTest {
  private static final long NOW = 1_790_000_000L;

  private static Router router(String cookieLine, String servers) {
    RoutingConfig c = ConfigLoader.parse("backend be\nbalance uri\n" + cookieLine + "\n" + servers, "t.cfg", false);
    return Router.create(c, Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC));
  }

  private static Router router(String cookieLine) {
    return router(cookieLine, "server s1 127.0.0.1:1 cookie s1\n");
  }

  private static RequestView request(boolean https) {
    RequestView plain = RequestView.of("GET", "/x");
    return new RequestView() {
      @Override
      public CharSequence method() {
        return plain.method();
      }

      @Override
      public CharSequence target() {
        return plain.target();
      }

      @Override
      public int cookieHeaderCount() {
        return 0;
      }

      @Override
      public CharSequence cookieHeader(int i) {
        throw new IndexOutOfBoundsException(i);
      }

      @Override
      public boolean secure() {
        return https;
      }
    };
  }

  /** The Set-Cookie a first request gets, over HTTPS or not, with the adapter's override. */
  private static String setCookie(Router r, boolean https, SecureCookie override) {
    try (Decision d = new Decision()) {
      r.route(r.backend("be"), request(https), d);
      r.respond(d, ResponseView.of(200), override);
      return d.setCookie();
    }
  }

  @Test
  void secureGoesAfterHttpOnlyAndBeforeTheAttrs() {
    Router r = router("cookie SERVERID insert indirect domain .example.com httponly attr SameSite=Lax attr Partitioned");
    String plain = "SERVERID=s1; path=/; domain=.example.com; HttpOnly; SameSite=Lax; Partitioned";
    String secure = "SERVERID=s1; path=/; domain=.example.com; HttpOnly; Secure; SameSite=Lax; Partitioned";
    for (boolean https : new boolean[] {false, true}) {
      assertEquals(plain, setCookie(r, https, SecureCookie.CONFIG), "the cookie line says no secure");
      assertEquals(secure, setCookie(r, https, SecureCookie.ALWAYS));
      assertEquals(plain, setCookie(r, https, SecureCookie.NEVER));
      assertEquals(https ? secure : plain, setCookie(r, https, SecureCookie.AUTO));
    }
  }

  @Test
  void theCookieLinesSecureIsKeptOrRemovedFromItsPlace() {
    Router r = router("cookie SERVERID insert httponly secure attr SameSite=Lax");
    String secure = "SERVERID=s1; path=/; HttpOnly; Secure; SameSite=Lax";
    String plain = "SERVERID=s1; path=/; HttpOnly; SameSite=Lax";
    assertEquals(secure, setCookie(r, false, SecureCookie.CONFIG));
    assertEquals(plain, setCookie(r, true, SecureCookie.NEVER));
    assertEquals(plain, setCookie(r, false, SecureCookie.AUTO));
    assertEquals(secure, setCookie(r, true, SecureCookie.AUTO));
  }

  @Test
  void bareDeletionAndDatedCookies() {
    Router bare = router("cookie SERVERID insert", "server s1 127.0.0.1:1 cookie s1\n");
    assertEquals("SERVERID=s1; path=/; Secure", setCookie(bare, false, SecureCookie.ALWAYS));
    Router noValue = router("cookie SERVERID insert", "server s1 127.0.0.1:1\n");
    assertEquals("SERVERID=; Expires=Thu, 01-Jan-1970 00:00:01 GMT; path=/; Secure",
        setCookie(noValue, false, SecureCookie.ALWAYS));
    Router dated = router("cookie SERVERID insert maxidle 1h maxlife 8h httponly attr SameSite=Strict");
    String date = CookieDate.encodeSeconds(NOW);
    assertEquals("SERVERID=s1|" + date + "|" + date + "; path=/; HttpOnly; Secure; SameSite=Strict",
        setCookie(dated, true, SecureCookie.AUTO));
    assertEquals("SERVERID=s1|" + date + "|" + date + "; path=/; HttpOnly; SameSite=Strict",
        setCookie(dated, false, SecureCookie.AUTO));
  }

  @Test
  void theBackendsPolicyAppliesUnlessAnAdapterOverridesIt() {
    RoutingConfig c = ConfigLoader.parse("backend be\nbalance uri\ncookie SERVERID insert\nserver s1 127.0.0.1:1 cookie s1\n",
        "t.cfg", false);
    RoutingConfig auto = StickyProperties.apply(c, Map.of("backend.be.secure-cookie", "auto"), "test.properties");
    assertEquals(SecureCookie.AUTO, auto.backend("be").sticky().secureCookie());
    Router r = Router.create(auto, Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC));
    try (Decision d = new Decision()) {
      r.route(r.backend("be"), request(true), d);
      r.respond(d, ResponseView.of(200));
      assertEquals("SERVERID=s1; path=/; Secure", d.setCookie(), "the backend's auto, over HTTPS");
    }
    assertEquals("SERVERID=s1; path=/", setCookie(r, false, SecureCookie.CONFIG), "the backend's auto, plain HTTP");
    assertEquals("SERVERID=s1; path=/", setCookie(r, true, SecureCookie.NEVER), "the adapter's override wins");
    ConfigException e = assertThrows(ConfigException.class,
        () -> StickyProperties.apply(c, Map.of("backend.be.secure-cookie", "sometimes"), "test.properties"));
    assertEquals("test.properties: 'backend.be.secure-cookie': expects config, auto, always or never", e.getMessage());
    assertTrue(SecureCookie.parse("AUTO") == SecureCookie.AUTO);
  }
}
