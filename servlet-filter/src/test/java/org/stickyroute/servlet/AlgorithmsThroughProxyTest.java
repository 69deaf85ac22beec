package org.stickyroute.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.stickyroute.BackendSnapshot;
import org.stickyroute.Router;
import org.stickyroute.config.ConfigLoader;
import org.stickyroute.http.BasicRequest;
import org.stickyroute.http.RequestView;
import org.stickyroute.servlet.testing.Containers;
import org.stickyroute.servlet.testing.Http;
import org.stickyroute.servlet.testing.ServletContainer;
import org.stickyroute.servlet.testing.TestBackend;

/**
 * The algorithms that read more than the request-target, through the filter and the Jetty proxy in a real
 * container: {@code url_param} on a form body (the server gets the whole body, however long), {@code hdr()},
 * and {@code source} with the client a trusted proxy reports. Each request reaches the server the library
 * picks for the same request.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Containers.class)
class AlgorithmsThroughProxyTest {
  static final String CONFIG = """
      frontend fe
          acl is_form path_beg /form
          acl is_api path_beg /api
          use_backend byuser if is_form
          use_backend bytenant if is_api
          default_backend bysource

      backend byuser
          balance url_param user check_post
          server b1 127.0.0.1:P1
          server b2 127.0.0.1:P2

      backend bytenant
          balance hdr(X-Tenant)
          hash-type consistent
          server b1 127.0.0.1:P1
          server b2 127.0.0.1:P2

      backend bysource
          balance source
          server b1 127.0.0.1:P1
          server b2 127.0.0.1:P2
      """;

  @Parameter Containers kind;

  static TestBackend b1;
  static TestBackend b2;
  static Router router;
  /** The same configuration, for the expected picks (its round-robin cursors are its own). */
  static Router expected;
  static ServletContainer proxy;
  static int port;

  @BeforeParameterizedClassInvocation
  static void start(Containers kind) throws Exception {
    b1 = new TestBackend("b1");
    b2 = new TestBackend("b2");
    String cfg = CONFIG.replace("P1", Integer.toString(b1.port())).replace("P2", Integer.toString(b2.port()));
    router = Router.create(ConfigLoader.parse(cfg, "algorithms.cfg", true));
    expected = Router.create(ConfigLoader.parse(cfg, "algorithms.cfg", true));
    StickyRouteFilter.Options options = StickyRouteFilter.Options.builder()
        .trustedProxies(TrustedProxies.parse("127.0.0.1, ::1")).build();
    proxy = kind.get()
        .filterForServlet("sticky", new StickyRouteFilter(router, options), "proxy", Map.of())
        .servlet("proxy", new StickyProxyServlet(), "/*")
        .start();
    port = proxy.port();
  }

  @AfterParameterizedClassInvocation
  static void stop() throws Exception {
    proxy.close();
    b1.close();
    b2.close();
  }

  private static String pick(String backend, RequestView r) {
    BackendSnapshot s = expected.backend(backend).snapshot();
    return s.server(s.select(r)).name();
  }

  private static String servedBy(HttpResponse<String> r) {
    return r.headers().firstValue("X-Served-By").orElse("none");
  }

  @Test
  void urlParamOnAFormBodyKeepsTheWholeBody() {
    for (int i = 0; i < 12; i++) {
      String form = "a=" + "x".repeat(i * 1500) + "&user=u" + i + "&z=1";
      HttpResponse<String> r = Http.send("POST", port, "/form/save", form, "Content-Type",
          "application/x-www-form-urlencoded");
      assertEquals(200, r.statusCode(), r.body());
      assertTrue(r.body().endsWith("\n" + form), "the server got the whole body of " + form.length() + " bytes");
      if (form.indexOf("&z=1") > BodyPrefix.BOUND) {
        continue; // the parameter lies beyond the prefix read: no key, round robin
      }
      BasicRequest same = BasicRequest.builder("POST", "/form/save").body(form).build();
      assertEquals(pick("byuser", same), servedBy(r), "user=u" + i + " at byte " + form.indexOf("user="));
    }
  }

  @Test
  void hdrAndSourceFollowTheRequest() {
    for (String tenant : new String[] {"acme", "globex", "initech", "umbrella", "hooli"}) {
      HttpResponse<String> r = Http.get(port, "/api/x", "X-Tenant", tenant);
      assertEquals(pick("bytenant", BasicRequest.builder("GET", "/").header("X-Tenant", tenant).build()), servedBy(r));
    }
    for (String client : new String[] {"192.0.2.1", "192.0.2.2", "2001:db8::1", "::ffff:10.0.0.9", "198.51.100.7"}) {
      HttpResponse<String> r = Http.get(port, "/", "X-Forwarded-For", client);
      assertEquals(pick("bysource", BasicRequest.builder("GET", "/").client(client).build()), servedBy(r), client);
    }
  }
}
