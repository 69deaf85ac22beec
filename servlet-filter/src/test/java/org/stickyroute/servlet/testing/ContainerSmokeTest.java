package org.stickyroute.servlet.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Both containers start on loopback and serve the raw request-target the filter will see. */
class ContainerSmokeTest {
  static Stream<ServletContainer> containers() {
    return Stream.of(ServletContainer.jetty(), ServletContainer.tomcat());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("containers")
  void servesOnLoopback(ServletContainer c) throws Exception {
    try (c) {
      c.servlet("echo", new HttpServlet() {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
          resp.setHeader("X-Uri", req.getRequestURI() + (req.getQueryString() == null ? "" : "?" + req.getQueryString()));
          resp.getWriter().print("ok");
        }
      }, "/*").filter("noop", (req, resp, chain) -> chain.doFilter(req, resp), "/*", Map.of()).start();
      HttpResponse<String> r = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + c.port() + "/Project/%41b/x?q=1/2")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode());
      assertEquals("ok", r.body());
      // The raw (undecoded, case-preserved) target is what balance uri must hash.
      assertEquals("/Project/%41b/x?q=1/2", r.headers().firstValue("X-Uri").orElseThrow(), c.name());
    }
  }
}
