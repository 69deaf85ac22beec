package org.stickyroute.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Cookie settings at load time: validation, the "no cookie value" warning, and the stickyroute overlay. */
class CookieConfigTest {
  static final String INSERT = "backend be\n  cookie SERVERID insert indirect nocache\n";

  static List<ConfigWarning> warnings(String text) {
    return ConfigLoader.parse(text, "t.cfg", false).warnings();
  }

  static Path find(String relative) {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.exists(p.resolve(relative))) {
        return p.resolve(relative);
      }
    }
    return null;
  }

  @Test
  void seedConfigurationTriggersTheNoCookieValueWarning() throws Exception {
    // the seed's configuration as committed beside the tests (a copy of ../shared/seeds/000_c8ac9588080fce76.txt)
    StringBuilder cfg = new StringBuilder(new String(
        getClass().getClassLoader().getResourceAsStream("seed-overleaf.cfg").readAllBytes(),
        java.nio.charset.StandardCharsets.ISO_8859_1));
    List<ConfigWarning> w = ConfigLoader.parse(cfg.toString(), "seed", false).warnings();
    List<ConfigWarning> cookie = w.stream().filter(x -> x.message().contains("have no 'cookie' value")).toList();
    assertEquals(1, cookie.size(), w::toString);
    assertTrue(cookie.get(0).message().contains("sharelatex_generic"), cookie::toString);
    assertTrue(cookie.get(0).message().contains("[docker-0, docker-1]"), cookie::toString);
    assertThrows(ConfigException.class, () -> ConfigLoader.parse(cfg.toString(), "seed", true));
  }

  @Test
  void overleafExampleHasNoCookieWarning() throws Exception {
    Path overleaf = find("examples/overleaf.cfg");
    assertNotNull(overleaf, "examples/overleaf.cfg, committed with the project, not found");
    RoutingConfig c = ConfigLoader.load(overleaf);
    assertTrue(c.warnings().stream().noneMatch(x -> x.word().equals("cookie")), c.warnings()::toString);
    assertEquals("docker-1", c.backend("sharelatex_generic").server("docker-1").cookie());
  }

  @Test
  void serversWithoutValuesAreNamedAndDynamicHostNamesAreFlagged() {
    List<ConfigWarning> w = warnings(INSERT + "  server a 10.0.0.1:80 cookie a\n  server b 10.0.0.2:80\n");
    assertEquals(1, w.size(), w::toString);
    assertEquals("t.cfg:4", w.get(0).location().toString(), "points at the first server without a value");
    assertTrue(warnings(INSERT.replace("insert indirect nocache", "rewrite") + "  server b 10.0.0.2:80\n").isEmpty(),
        "only insert mode inserts");
    String dyn = "backend be\n  dynamic-cookie-key k\n  cookie SERVERID insert dynamic\n"
        + "  server a 10.0.0.1:80\n  server b app.internal:80\n";
    List<ConfigWarning> dw = warnings(dyn);
    assertTrue(dw.stream().anyMatch(x -> x.message().contains("host name")), dw::toString);
    assertTrue(dw.stream().anyMatch(x -> x.message().contains("[b]")), dw::toString);
    List<ConfigWarning> leak = warnings(INSERT + "  server a 10.0.0.1:80 cookie 10.0.0.1\n");
    assertTrue(leak.stream().anyMatch(x -> x.message().contains("contains its address")), leak::toString);
  }

  @ParameterizedTest
  @ValueSource(strings = {"a;b", "a,b", "a\\u0001b", "a\\\"b", "a|b", "caf\\u00e9", "a\\u007fb"})
  void invalidServerCookieValuesAreRejected(String raw) {
    String v = raw.replace("\\u0001", "\u0001").replace("\\u00e9", "\u00e9").replace("\\u007f", "\u007f").replace("\\\"", "\"").replace("\\\\", "\\");
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.parse(INSERT + "  server a 10.0.0.1:80 cookie " + v + "\n", "t.cfg", false));
    assertTrue(e.getMessage().startsWith("t.cfg:3: "), e.getMessage());
  }

  @Test
  void checkersRejectEveryUnsafeCharacter() {
    for (char c = 0; c < 0x100; c++) {
      String v = "a" + c + "b";
      boolean unsafe = c <= 0x20 || c >= 0x7F || c == ';' || c == ',';
      if (unsafe) {
        assertThrows(IllegalArgumentException.class, () -> Cookies.checkAttributeValue(v, "attr"), v);
        assertThrows(IllegalArgumentException.class, () -> Cookies.checkValue(v, "value"), v);
      } else {
        Cookies.checkAttributeValue(v, "attr");
      }
    }
    assertThrows(IllegalArgumentException.class, () -> Cookies.checkValue("a\\b", "value"));
    assertThrows(IllegalArgumentException.class, () -> Cookies.checkValue("", "value"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"domain .a.com;x=1", "domain .a,com", "attr SameSite=Lax;Secure", "attr a\u0007b"})
  void invalidCookieAttributesAreRejected(String option) {
    assertThrows(ConfigException.class,
        () -> ConfigLoader.parse("backend be\n  cookie SERVERID insert " + option + "\n", "t.cfg", false));
  }

  @Test
  void invalidCookieNamesAndCombinationsAreRejected() {
    for (String line : new String[] {"cookie SERVER=ID insert", "cookie SERVERID rewrite indirect",
      "cookie SERVERID insert prefix", "cookie SERVERID preserve", "cookie SERVERID insert bogus"}) {
      assertThrows(ConfigException.class, () -> ConfigLoader.parse("backend be\n  " + line + "\n", "t.cfg", false), line);
    }
  }

  @Test
  void stickyPropertiesOverlayPolicyStatusAndSigning() {
    RoutingConfig c = ConfigLoader.parse(INSERT + "  server a 10.0.0.1:80 cookie a\n"
        + "backend other\n  server x 10.0.0.9:80\n", "t.cfg", false);
    RoutingConfig o = StickyProperties.apply(c, Map.of(
        "backend.be.sticky-failure", "strict",
        "backend.be.strict-status", "503",
        "backend.be.signed.secret-env", "SECRET",
        "backend.be.signed.lifetime", "2h",
        "backend.be.signed.previous-secret", "an old secret of 16+ bytes",
        "backend.be.signed.previous-until", "2030-01-01T00:00:00Z",
        "unrelated.key", "x"), "sticky.properties", k -> k.equals("SECRET") ? "a brand new secret!!" : null);
    BackendConfig be = o.backend("be");
    assertEquals(StickyFailure.STRICT, be.stickyFailure());
    assertEquals(503, be.sticky().strictStatus());
    assertEquals(7200, be.sticky().signing().lifetimeSeconds());
    assertEquals(Instant.parse("2030-01-01T00:00:00Z").getEpochSecond(), be.sticky().signing().previousUntilEpochSeconds());
    assertFalse(be.sticky().toString().contains("brand new"), "secrets are never printed");
    assertEquals(StickyOptions.HAPROXY, o.backend("other").sticky());
    for (Map<String, String> bad : List.<Map<String, String>>of(
        Map.of("backend.nope.sticky-failure", "strict"),
        Map.of("backend.be.sticky-failur", "strict"),
        Map.of("backend.be.sticky-failure", "sometimes"),
        Map.of("backend.be.strict-status", "200"),
        Map.of("backend.be.signed.secret", "short"),
        Map.of("backend.be.signed.lifetime", "1h"),
        Map.of("backend.be.signed.secret-env", "UNSET_VARIABLE"),
        Map.of("backend.other.signed.secret", "0123456789abcdef0123"))) {
      assertThrows(ConfigException.class, () -> StickyProperties.apply(c, bad, "sticky.properties", k -> null),
          bad::toString);
    }
  }
}
