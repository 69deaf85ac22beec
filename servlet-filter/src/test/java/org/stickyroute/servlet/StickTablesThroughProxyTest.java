package org.stickyroute.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.stickyroute.servlet.testing.Http.get;
import static org.stickyroute.servlet.testing.Http.header;

import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.stickyroute.Router;
import org.stickyroute.config.ConfigLoader;
import org.stickyroute.servlet.testing.Containers;
import org.stickyroute.servlet.testing.EchoServlet;
import org.stickyroute.servlet.testing.Http;
import org.stickyroute.servlet.testing.ServletContainer;
import org.stickyroute.servlet.testing.TestBackend;

/**
 * Stick tables through the filter and the Jetty proxy, in Jetty 12 and Tomcat 11: the application's own cookie,
 * set by the server that answered ({@code stick store-response res.cook(theme)}), keeps the client on that
 * server afterwards ({@code stick match req.cook(theme)}) where round robin would alternate; {@code stick on
 * req.hdr(x-user)} learns from the request and keeps each user on its first server.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Containers.class)
class StickTablesThroughProxyTest {
  static final String CONFIG = """
      frontend fe
          acl is_user path_beg /user
          use_backend users if is_user
          default_backend app

      backend app
          balance roundrobin
          stick-table type string len 32 size 100 expire 10m
          stick store-response res.cook(theme)
          stick match req.cook(theme)
          server s1 127.0.0.1:P1
          server s2 127.0.0.1:P2

      backend users
          balance roundrobin
          stick-table type string size 100
          stick on req.hdr(x-user)
          server u1 127.0.0.1:P1
          server u2 127.0.0.1:P2
      """;

  @Parameter Containers kind;

  static TestBackend b1;
  static TestBackend b2;
  static Router router;
  static ServletContainer proxy;
  static int port;

  @BeforeParameterizedClassInvocation
  static void start(Containers kind) throws Exception {
    b1 = new TestBackend("b1");
    b2 = new TestBackend("b2");
    String cfg = CONFIG.replace("P1", Integer.toString(b1.port())).replace("P2", Integer.toString(b2.port()));
    router = Router.create(ConfigLoader.parse(cfg, "stick.cfg", false));
    proxy = kind.get()
        .filterForServlet("sticky", new StickyRouteFilter(router, StickyRouteFilter.Options.defaults()), "proxy",
            Map.of())
        .servlet("proxy", new StickyProxyServlet(), "/*")
        .servlet("local", new EchoServlet(), "/local/*")
        .start();
    port = proxy.port();
  }

  @AfterParameterizedClassInvocation
  static void stop() throws Exception {
    proxy.close();
    b1.close();
    b2.close();
  }

  @AfterEach
  void leasesBackToZero() {
    Http.awaitIdle(router);
  }

  @Test
  void theApplicationsCookieIsLearnedFromTheResponse() {
    HttpResponse<String> first = get(port, "/setcookie");
    String learned = header(first, "X-Served-By");
    for (int i = 0; i < 6; i++) {
      assertEquals(learned, header(get(port, "/page?i=" + i, "Cookie", "theme=dark"), "X-Served-By"),
          "the server that set theme=dark keeps the client");
    }
    String a = header(get(port, "/page?x"), "X-Served-By");
    String b = header(get(port, "/page?y"), "X-Served-By");
    assertNotEquals(a, b, "without the cookie, round robin alternates");
  }

  @Test
  void aRequestHeaderIsLearnedFromTheRequest() {
    String alice = header(get(port, "/user/1", "X-User", "alice"), "X-Served-By");
    String bob = header(get(port, "/user/2", "X-User", "bob"), "X-Served-By");
    assertNotEquals(alice, bob, "round robin placed them apart");
    for (int i = 0; i < 4; i++) {
      assertEquals(alice, header(get(port, "/user/x" + i, "X-User", "alice"), "X-Served-By"));
      assertEquals(bob, header(get(port, "/user/y" + i, "X-User", "bob"), "X-Served-By"));
    }
  }
}
