package org.stickyroute.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.stickyroute.servlet.testing.Http.get;
import static org.stickyroute.servlet.testing.Http.header;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.stickyroute.servlet.testing.ServletContainer;
import org.stickyroute.servlet.testing.TestBackend;

/**
 * Scale-out: two independent proxies — one in Jetty 12, one in Tomcat 11, each with its own router built
 * from the same configuration file and the same signing secret — in front of the same three servers. The
 * same request-targets reach the same servers through either, and a cookie issued by one is honoured by
 * the other, for HAProxy's plain cookie values and for signed cookies.
 */
class ScaleOutTest {
  static final String CONFIG = """
      frontend fe
          acl is_project path_beg /project
          acl is_signed path_beg /signed
          use_backend projects if is_project
          use_backend signed if is_signed
          default_backend app

      backend projects
          balance uri depth 2
          hash-type consistent
          server b1 127.0.0.1:P1
          server b2 127.0.0.1:P2
          server b3 127.0.0.1:P3

      backend app
          balance leastconn
          cookie SERVERID insert indirect nocache
          server b1 127.0.0.1:P1 cookie b1
          server b2 127.0.0.1:P2 cookie b2
          server b3 127.0.0.1:P3 cookie b3

      backend signed
          balance roundrobin
          cookie STICKY insert indirect httponly
          server b1 127.0.0.1:P1 cookie b1
          server b2 127.0.0.1:P2 cookie b2
          server b3 127.0.0.1:P3 cookie b3
      """;

  static TestBackend[] backends = new TestBackend[3];
  static ServletContainer jetty;
  static ServletContainer tomcat;
  static Path dir;

  private static ServletContainer proxy(ServletContainer c, Path cfg) throws Exception {
    return c.filterForServlet("sticky", new StickyRouteFilter(), "proxy", Map.of(
            "config", cfg.toString(),
            "strict", "true",
            "backend.signed.signed.secret", "the same secret on every instance",
            "backend.signed.signed.lifetime", "8h"))
        .servlet("proxy", new StickyProxyServlet(), "/*")
        .start();
  }

  @BeforeAll
  static void start() throws Exception {
    String cfg = CONFIG;
    for (int i = 0; i < 3; i++) {
      backends[i] = new TestBackend("b" + (i + 1));
      cfg = cfg.replace("P" + (i + 1), Integer.toString(backends[i].port()));
    }
    dir = Files.createTempDirectory("scale-out");
    Path file = Files.writeString(dir.resolve("haproxy.cfg"), cfg);
    jetty = proxy(ServletContainer.jetty(), file);
    tomcat = proxy(ServletContainer.tomcat(), file);
  }

  @AfterAll
  static void stop() throws Exception {
    jetty.close();
    tomcat.close();
    for (TestBackend b : backends) {
      b.close();
    }
    Files.walk(dir).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
  }

  @Test
  void theSameTargetsReachTheSameServersThroughEitherProxy() {
    long seed = new SplittableRandom().nextLong();
    SplittableRandom random = new SplittableRandom(seed);
    Set<String> used = new HashSet<>();
    for (int i = 0; i < 60; i++) {
      String target = "/project/" + Long.toHexString(random.nextLong()) + "/" + (random.nextBoolean() ? "compile" : "output.pdf")
          + (random.nextInt(4) == 0 ? "?rev=" + random.nextInt(100) : "");
      String viaJetty = header(get(jetty.port(), target), "X-Served-By");
      String viaTomcat = header(get(tomcat.port(), target), "X-Served-By");
      assertNotNull(viaJetty, target);
      assertEquals(viaJetty, viaTomcat, "seed " + seed + ", target " + target);
      used.add(viaJetty);
    }
    assertEquals(3, used.size(), "seed " + seed + ": 60 projects spread over all three servers");
  }

  private static void crossHonoured(String path, String cookieName, ServletContainer issuer, ServletContainer other) {
    for (int i = 0; i < 6; i++) {
      HttpResponse<String> first = get(issuer.port(), path + "?visit=" + i);
      String setCookie = header(first, "set-cookie");
      assertNotNull(setCookie, "a new visitor gets a cookie");
      assertTrue(setCookie.startsWith(cookieName + "="), setCookie);
      String cookie = setCookie.substring(0, setCookie.indexOf(';'));
      HttpResponse<String> second = get(other.port(), path, "Cookie", cookie + "; lang=fr");
      assertEquals(header(first, "X-Served-By"), header(second, "X-Served-By"), cookie);
      assertNull(header(second, "set-cookie"), "the other instance accepts it as valid: " + cookie);
      assertEquals("lang=fr", header(second, "X-Got-Cookie"), "and strips it (indirect)");
    }
  }

  @Test
  void aPlainCookieFromOneInstanceIsHonouredByTheOther() {
    crossHonoured("/app", "SERVERID", jetty, tomcat);
    crossHonoured("/app", "SERVERID", tomcat, jetty);
  }

  @Test
  void aSignedCookieFromOneInstanceIsHonouredByTheOther() {
    crossHonoured("/signed/x", "STICKY", jetty, tomcat);
    crossHonoured("/signed/x", "STICKY", tomcat, jetty);
    HttpResponse<String> first = get(jetty.port(), "/signed/x");
    String cookie = header(first, "set-cookie");
    assertTrue(cookie.matches("STICKY=b[123]\\|\\d+\\|[A-Za-z0-9_-]{22}; path=/; HttpOnly"), cookie);
    String unsigned = cookie.substring(0, cookie.indexOf('|'));
    HttpResponse<String> forged = get(tomcat.port(), "/signed/x", "Cookie", unsigned);
    assertNotNull(header(forged, "set-cookie"), "an unsigned value is not accepted where cookies are signed");
  }
}
