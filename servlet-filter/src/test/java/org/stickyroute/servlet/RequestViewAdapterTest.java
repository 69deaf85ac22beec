package org.stickyroute.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.stickyroute.Router;
import org.stickyroute.config.ConfigLoader;
import org.stickyroute.http.IpAddress;
import org.stickyroute.servlet.testing.Containers;
import org.stickyroute.servlet.testing.Http;
import org.stickyroute.servlet.testing.ServletContainer;

/**
 * What the filter's {@link Exchange} shows core of a real request in a real container (Jetty 12, Tomcat
 * 11): headers by name with every occurrence, the client address through the trusted-proxy rule, and the
 * body's beginning, after which the application still reads the whole body and its form parameters.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Containers.class)
class RequestViewAdapterTest {
  @Parameter Containers kind;

  static ServletContainer container;
  static int port;

  /** Reports the exchange's view of the request, reading the body prefix as an algorithm would. */
  static final class ViewServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      Exchange ex = StickyRouteFilter.exchange(req);
      StringBuilder sb = new StringBuilder();
      int n = ex.headerCount("x-tenant");
      sb.append("count=").append(n);
      for (int i = 0; i <= n; i++) {
        sb.append(" [").append(ex.header("X-Tenant", i)).append(']');
      }
      IpAddress a = new IpAddress();
      if (ex.clientAddressFamily() == IpAddress.V4) {
        a.setV4((int) ex.clientAddressLow());
      } else if (ex.clientAddressFamily() == IpAddress.V6) {
        a.setV6(ex.clientAddressHigh(), ex.clientAddressLow());
      }
      sb.append(" client=").append(a);
      if ("POST".equals(req.getMethod())) { // (getParameter first would let the container take the body)
        sb.append(" prefix=").append(ex.bodyPrefix());
        if (req.getHeader("x-read-stream") != null) {
          sb.append(" stream=").append(new String(req.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1));
        } else {
          sb.append(" user=").append(req.getParameter("user")).append(" ids=")
              .append(String.join("|", req.getParameterValues("id") == null ? new String[0] : req.getParameterValues("id")));
        }
      }
      resp.setContentType("text/plain");
      resp.getWriter().print(sb);
    }
  }

  @BeforeParameterizedClassInvocation
  static void start(Containers kind) throws Exception {
    Router router = Router.create(ConfigLoader.parse(
        "backend app\n  balance roundrobin\n  server s1 127.0.0.1:5001\n", "view.cfg", true));
    StickyRouteFilter.Options options = StickyRouteFilter.Options.builder()
        .trustedProxies(TrustedProxies.parse("127.0.0.1, ::1")).build();
    container = kind.get()
        .filter("sticky", new StickyRouteFilter(router, options), "/*", Map.of())
        .servlet("view", new ViewServlet(), "/*")
        .start();
    port = container.port();
  }

  @AfterParameterizedClassInvocation
  static void stop() throws Exception {
    container.close();
  }

  @Test
  void headersByNameWithEveryOccurrenceInOrder() {
    HttpResponse<String> r = Http.get(port, "/x", "X-Tenant", "a, b", "x-tenant", "c");
    assertEquals("count=2 [a, b] [c] [null] client=127.0.0.1", r.body());
    assertEquals("count=0 [null] client=127.0.0.1", Http.get(port, "/x").body());
  }

  @Test
  void theClientIsTheHopATrustedProxyReports() {
    assertEquals("count=0 [null] client=::ffff:10.1.2.3",
        Http.get(port, "/x", "X-Forwarded-For", "192.0.2.9, ::ffff:10.1.2.3").body());
    assertEquals("count=0 [null] client=2001:db8::7",
        Http.get(port, "/x", "X-Forwarded-For", "2001:db8::7, 127.0.0.1").body());
  }

  @Test
  void theApplicationStillReadsTheWholeFormBody() {
    String form = "user=alice&id=1&id=2";
    HttpResponse<String> r = Http.send("POST", port, "/f?id=0", form, "Content-Type",
        "application/x-www-form-urlencoded");
    assertEquals("count=0 [null] client=127.0.0.1 prefix=" + form + " user=alice ids=0|1|2", r.body());
    r = Http.send("POST", port, "/f", form, "Content-Type", "application/x-www-form-urlencoded", "x-read-stream", "1");
    assertEquals("count=0 [null] client=127.0.0.1 prefix=" + form + " stream=" + form, r.body());
  }

  @Test
  void aLongBodyIsReadUpToTheBoundAndReplayedWhole() {
    String form = "a=" + "x".repeat(BodyPrefix.BOUND) + "&user=bob";
    HttpResponse<String> r = Http.send("POST", port, "/f", form, "Content-Type",
        "application/x-www-form-urlencoded", "x-read-stream", "1");
    String expected = "count=0 [null] client=127.0.0.1 prefix=" + form.substring(0, BodyPrefix.BOUND) + " stream=" + form;
    assertEquals(expected.length(), r.body().length(), "length");
    assertEquals(expected.hashCode(), r.body().hashCode(), "content");
  }

  @Test
  void otherBodiesAreNotRead() {
    HttpResponse<String> r = Http.send("POST", port, "/f", "{\"user\":1}", "Content-Type", "application/json",
        "x-read-stream", "1");
    assertEquals("count=0 [null] client=127.0.0.1 prefix= stream={\"user\":1}", r.body());
  }
}
