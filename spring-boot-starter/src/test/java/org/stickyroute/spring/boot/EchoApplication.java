package org.stickyroute.spring.boot;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.stickyroute.Decision;
import org.stickyroute.servlet.StickyRouteFilter;

/** A real Spring Boot MVC application for the starter's tests: it answers with what the filter decided. */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(EchoApplication.Echo.class)
class EchoApplication {
  /** Answers every path with the decision's server (header {@code X-Served-By}), the cookie and client it saw. */
  @RestController
  static class Echo {
    @GetMapping("/**")
    String echo(HttpServletRequest request, HttpServletResponse response) {
      Decision d = StickyRouteFilter.decision(request);
      String server = d == null ? "none" : d.ok() ? d.serverName() : "status-" + d.status();
      response.setHeader("X-Served-By", server);
      if (request.getRequestURI().startsWith("/static/")) {
        response.setHeader("ETag", "\"v1\""); // a validator: the response is cacheable
      }
      String cookie = request.getHeader("Cookie");
      return "server=" + server + "\ncookie=" + (cookie == null ? "-" : cookie) + "\nclient=" + request.getRemoteAddr() + "\n";
    }
  }
}
