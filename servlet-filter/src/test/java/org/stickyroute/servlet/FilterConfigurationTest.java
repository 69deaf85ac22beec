package org.stickyroute.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.stickyroute.servlet.testing.Http.get;
import static org.stickyroute.servlet.testing.Http.header;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.stickyroute.servlet.testing.Containers;
import org.stickyroute.servlet.testing.EchoServlet;
import org.stickyroute.servlet.testing.ServletContainer;

/**
 * The filter configured the {@code web.xml} way, from init-params only: a configuration file, a sticky
 * properties file and {@code backend.*} init-params (strict policy, signed cookies), {@code
 * trusted-proxies}, {@code secure-cookie}, {@code unavailable}; and the behind-proxy rules, with the test
 * client (127.0.0.1) trusted by one container and not by the other.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Containers.class)
class FilterConfigurationTest {
  static final String CONFIG = """
      frontend web
          acl is_strict path_beg /strict
          acl is_prefix path_beg /prefix
          acl is_rw path_beg /rewrite
          acl is_dead path_beg /dead
          use_backend strict if is_strict
          use_backend prefixed if is_prefix
          use_backend rewritten if is_rw
          use_backend dead if is_dead
          default_backend app

      backend app
          balance roundrobin
          cookie SERVERID insert indirect nocache httponly attr SameSite=Lax
          server a1 127.0.0.1:6001 cookie a1
          server a2 127.0.0.1:6002 cookie a2

      backend strict
          balance roundrobin
          cookie STICKY insert indirect
          server t1 127.0.0.1:6001 cookie t1
          server t2 127.0.0.1:6002 cookie t2 disabled

      backend prefixed
          balance roundrobin
          cookie JSESSIONID prefix
          server p1 127.0.0.1:6001 cookie p1
          server p2 127.0.0.1:6002 cookie p2

      backend rewritten
          balance roundrobin
          cookie SID rewrite
          server r1 127.0.0.1:6001 cookie r1
          server r2 127.0.0.1:6002 cookie r2

      backend dead
          server d1 127.0.0.1:6009 disabled
      """;
  static final String SECRET = "a-shared-secret-of-32-characters";

  @Parameter Containers kind;

  static Path dir;
  static ServletContainer trusting;
  static ServletContainer distrusting;

  @BeforeParameterizedClassInvocation
  static void start(Containers kind) throws Exception {
    dir = Files.createTempDirectory("stickyroute-config");
    Path cfg = Files.writeString(dir.resolve("haproxy.cfg"), CONFIG);
    Path props = Files.writeString(dir.resolve("sticky.properties"),
        "backend.strict.sticky-failure = strict\nbackend.strict.strict-status = 410\n");
    trusting = kind.get()
        .filter("sticky", new StickyRouteFilter(), "/*", Map.of(
            "config", cfg.toString(),
            "strict", "true",
            "sticky-properties", props.toString(),
            "backend.app.signed.secret", SECRET,
            "backend.app.signed.lifetime", "2h",
            "trusted-proxies", "127.0.0.1, ::1",
            "secure-cookie", "auto",
            "unavailable", "pass"))
        .servlet("echo", new EchoServlet(), "/*")
        .start();
    distrusting = kind.get()
        .filter("sticky", new StickyRouteFilter(), "/*", Map.of(
            "config", cfg.toString(),
            "sticky-properties", props.toString(),
            "trusted-proxies", "10.0.0.0/8",
            "secure-cookie", "always"))
        .servlet("echo", new EchoServlet(), "/*")
        .start();
  }

  @AfterParameterizedClassInvocation
  static void stop() throws Exception {
    trusting.close();
    distrusting.close();
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private static final String SIGNED = "SERVERID=a[12]\\|\\d{10}\\|[A-Za-z0-9_-]{22}; path=/; HttpOnly";

  // ----------------------------------------------------------------------------------- behind a proxy

  @Test
  void aTrustedProxysHttpsMakesTheCookieSecure() {
    HttpResponse<String> r = get(trusting.port(), "/login",
        "X-Forwarded-Proto", "https", "X-Forwarded-For", "203.0.113.9");
    assertEquals("https", header(r, "X-Scheme"));
    assertEquals("true", header(r, "X-Secure"));
    assertEquals("203.0.113.9", header(r, "X-Remote"));
    assertEquals("https", header(r, "X-XFP"), "headers from a trusted proxy stay visible");
    String sc = header(r, "set-cookie");
    assertTrue(sc.matches(SIGNED + "; Secure; SameSite=Lax"), sc);
  }

  @Test
  void plainHttpThroughTheProxyGetsNoSecure() {
    HttpResponse<String> r = get(trusting.port(), "/login", "X-Forwarded-Proto", "http");
    assertEquals("http", header(r, "X-Scheme"));
    assertEquals("127.0.0.1", header(r, "X-Remote"));
    String sc = header(r, "set-cookie");
    assertTrue(sc.matches(SIGNED + "; SameSite=Lax"), sc);
  }

  @Test
  void theClientIsTheRightmostUntrustedHop() {
    HttpResponse<String> r = get(trusting.port(), "/login",
        "X-Forwarded-For", "192.0.2.1, 198.51.100.7, 127.0.0.1");
    assertEquals("198.51.100.7", header(r, "X-Remote"), "192.0.2.1 was vouched for by nobody we trust");
    HttpResponse<String> garbage = get(trusting.port(), "/login", "X-Forwarded-For", "evil.example, 127.0.0.1");
    assertEquals("127.0.0.1", header(garbage, "X-Remote"), "a non-address ends the walk");
  }

  @Test
  void forwardedHeadersFromAnUntrustedSenderAreIgnoredAndHidden() {
    HttpResponse<String> r = get(distrusting.port(), "/login",
        "X-Forwarded-Proto", "https", "X-Forwarded-For", "203.0.113.9");
    assertEquals("http", header(r, "X-Scheme"));
    assertEquals("false", header(r, "X-Secure"));
    assertEquals("127.0.0.1", header(r, "X-Remote"));
    assertEquals("null", header(r, "X-XFP"));
    assertEquals("null", header(r, "X-XFF"));
    String sc = header(r, "set-cookie");
    assertTrue(sc.matches("SERVERID=a[12]; path=/; HttpOnly; Secure; SameSite=Lax"), "secure-cookie=always: " + sc);
  }

  // ------------------------------------------------------------------------------------ signed cookies

  @Test
  void aSignedCookieComesBackDirectAndAForgedOneIsReplaced() {
    HttpResponse<String> first = get(trusting.port(), "/login");
    String value = header(first, "set-cookie");
    String cookie = value.substring(0, value.indexOf(';'));
    HttpResponse<String> again = get(trusting.port(), "/login", "Cookie", cookie + "; theme=dark");
    assertEquals(header(first, "X-Server"), header(again, "X-Server"));
    assertEquals("true", header(again, "X-Direct"));
    assertNull(header(again, "set-cookie"));
    assertEquals("theme=dark", header(again, "X-Cookie"));

    String forged = cookie.substring(0, cookie.length() - 2) + (cookie.endsWith("AA") ? "BB" : "AA");
    HttpResponse<String> bad = get(trusting.port(), "/login", "Cookie", forged);
    assertEquals("false", header(bad, "X-Direct"));
    assertTrue(header(bad, "set-cookie").matches(SIGNED + "; SameSite=Lax"));
  }

  // ----------------------------------------------------------------------------- strict and no server

  @Test
  void strictStickyFailureAnswersItsStatusOrPassesThrough() {
    HttpResponse<String> passed = get(trusting.port(), "/strict/x", "Cookie", "STICKY=t2");
    assertEquals(200, passed.statusCode(), "unavailable=pass: the application decides");
    assertEquals("410", header(passed, "X-Status"));
    assertEquals("-", header(passed, "X-Server"));

    HttpResponse<String> refused = get(distrusting.port(), "/strict/x", "Cookie", "STICKY=t2");
    assertEquals(410, refused.statusCode());
    assertNull(header(refused, "X-Status"), "the application was not called");

    HttpResponse<String> fine = get(distrusting.port(), "/strict/x", "Cookie", "STICKY=t1");
    assertEquals("t1", header(fine, "X-Server"));
  }

  @Test
  void noServerPassesThroughWhenConfiguredSo() {
    HttpResponse<String> passed = get(trusting.port(), "/dead/x");
    assertEquals("503", header(passed, "X-Status"));
    assertEquals("dead", header(passed, "X-Backend"));
    assertEquals(503, get(distrusting.port(), "/dead/x").statusCode());
  }

  // ------------------------------------------------------------------------------- prefix and rewrite

  @Test
  void prefixModeStripsAndPrefixes() {
    HttpResponse<String> r = get(trusting.port(), "/prefix/a?mode=session", "Cookie", "JSESSIONID=p2~abc; x=1");
    assertEquals("p2", header(r, "X-Server"));
    assertEquals("JSESSIONID=abc; x=1", header(r, "X-Cookie"));
    assertEquals("JSESSIONID=abc|x=1", header(r, "X-Cookie-Objects"));
    assertEquals(List.of("JSESSIONID=p2~xyz; Path=/"), r.headers().allValues("set-cookie"));
  }

  @Test
  void rewriteModeReplacesTheApplicationsValue() {
    HttpResponse<String> r = get(trusting.port(), "/rewrite/a?mode=sid");
    String server = header(r, "X-Server");
    assertEquals(List.of("SID=" + server + "; Path=/"), r.headers().allValues("set-cookie"));
    HttpResponse<String> back = get(trusting.port(), "/rewrite/a", "Cookie", "SID=r2");
    assertEquals("r2", header(back, "X-Server"));
    assertEquals("SID=r2", header(back, "X-Cookie"), "rewrite mode forwards the cookie unchanged");
  }

  // ------------------------------------------------------------------------------------ bad settings

  @Test
  void aFilterThatCannotLoadItsConfigurationStopsTheApplicationFromStarting() throws Exception {
    Path missing = dir.resolve("missing.cfg");
    ServletContainer broken = kind.get()
        .filter("sticky", new StickyRouteFilter(), "/*", Map.of("config", missing.toString()))
        .servlet("echo", new EchoServlet(), "/*");
    try {
      Exception refused = assertThrows(Exception.class, broken::start, "the container must not serve without routing");
      List<Throwable> chain = new java.util.ArrayList<>();
      for (Throwable t = refused; t != null && !chain.contains(t); t = t.getCause()) {
        chain.add(t);
      }
      assertTrue(chain.stream().anyMatch(t -> t instanceof jakarta.servlet.ServletException
          && ("stickyroute filter 'sticky': " + missing).equals(t.getMessage())), () -> "the filter's error: " + chain);
      assertTrue(chain.stream().anyMatch(t -> t instanceof java.nio.file.NoSuchFileException
          && missing.toString().equals(t.getMessage())), () -> "caused by the missing file: " + chain);
    } finally {
      broken.close();
    }
  }
}
