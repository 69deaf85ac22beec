package org.stickyroute.servlet.testing;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.stickyroute.Decision;
import org.stickyroute.servlet.StickyRouteFilter;

/**
 * The application behind the filter in tests. It reports, as {@code X-*} response headers, what it sees of
 * the request (the decision, the three cookie accessors, scheme and client address, forwarded headers) and
 * answers as the {@code mode} query parameter asks: {@code stream}, {@code error}, {@code redirect}, {@code
 * empty}, {@code etag}, {@code lastmod}, {@code nostore}, {@code throw}, {@code async}, {@code async-empty},
 * {@code async-timeout}, {@code async-error}, {@code async-dispatch}, {@code async-twice}, {@code setcookie}, {@code addcookie}, {@code session}, {@code sid}, {@code reset}.
 */
public final class EchoServlet extends HttpServlet {
  @Override
  protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    String mode = req.getParameter("mode");
    if (req.getDispatcherType() == DispatcherType.ERROR) {
      report(req, resp);
      resp.getWriter().print("error page");
      return;
    }
    if (req.getDispatcherType() == DispatcherType.ASYNC) {
      if ("async-error".equals(mode)) {
        throw new IllegalStateException("failure in the async dispatch (expected by the test)");
      }
      if ("async-twice".equals(mode)) {
        AsyncContext again = req.startAsync();
        again.start(() -> {
          try {
            again.getResponse().getWriter().print("second cycle");
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
          again.complete();
        });
        return;
      }
      resp.setHeader("X-Async-Dispatch", "yes");
      resp.getWriter().print("dispatched");
      return;
    }
    report(req, resp);
    if (mode == null) {
      resp.setContentType("text/plain");
      resp.getWriter().print("ok");
      return;
    }
    switch (mode) {
      case "stream" -> {
        resp.setContentType("text/plain");
        resp.setHeader("Last-Modified", "Sun, 01 Jan 2023 00:00:00 GMT");
        PrintWriter w = resp.getWriter();
        for (int i = 0; i < 20; i++) {
          w.print("chunk " + i + "\n");
          w.flush();
        }
      }
      case "bytes" -> {
        resp.setContentType("application/octet-stream");
        byte[] block = new byte[4096];
        for (int i = 0; i < 64; i++) {
          resp.getOutputStream().write(block);
        }
      }
      case "error" -> resp.sendError(404, "nothing here");
      case "redirect" -> resp.sendRedirect("/elsewhere");
      case "empty" -> resp.setStatus(204);
      case "etag" -> {
        resp.setHeader("ETag", "\"v1\"");
        resp.getWriter().print("tagged");
      }
      case "lastmod" -> {
        resp.setHeader("Last-Modified", "Sun, 01 Jan 2023 00:00:00 GMT");
        resp.getWriter().print("dated");
      }
      case "nostore" -> {
        resp.setHeader("Cache-Control", "no-store");
        resp.setHeader("ETag", "\"v1\"");
        resp.getWriter().print("private");
      }
      case "setcookie" -> {
        resp.addHeader("Set-Cookie", "lang=en; Path=/");
        resp.addHeader("Set-Cookie", "SERVERID=fromapp; Path=/");
        resp.getWriter().print("set");
      }
      case "session" -> {
        resp.addHeader("Set-Cookie", "JSESSIONID=xyz; Path=/");
        resp.getWriter().print("session");
      }
      case "sid" -> {
        resp.addHeader("Set-Cookie", "SID=fromapp; Path=/");
        resp.getWriter().print("sid");
      }
      case "addcookie" -> {
        resp.addCookie(new Cookie("SERVERID", "fromapp"));
        resp.addCookie(new Cookie("theme", "dark"));
        resp.getWriter().print("added");
      }
      case "reset" -> {
        resp.setHeader("X-Before-Reset", "1");
        resp.reset();
        resp.setHeader("X-After-Reset", "1");
        resp.getWriter().print("after reset");
      }
      case "throw" -> throw new IllegalStateException("the application failed (expected by the test)");
      case "async" -> {
        AsyncContext ctx = req.startAsync();
        ctx.start(() -> {
          try {
            ctx.getResponse().getWriter().print("async body");
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
          ctx.complete();
        });
      }
      case "async-empty" -> {
        AsyncContext ctx = req.startAsync();
        ctx.start(() -> {
          ((HttpServletResponse) ctx.getResponse()).setStatus(204);
          ctx.complete();
        });
      }
      case "async-dispatch", "async-twice" -> req.startAsync().dispatch();
      case "async-timeout" -> req.startAsync().setTimeout(150);
      case "async-error" -> req.startAsync().dispatch();
      default -> resp.sendError(400, "unknown mode");
    }
  }

  /** The request as the application sees it, as response headers. */
  static void report(HttpServletRequest req, HttpServletResponse resp) {
    Decision d = StickyRouteFilter.decision(req);
    if (d != null) {
      resp.setHeader("X-Backend", d.backend() == null ? "-" : d.backend().name());
      resp.setHeader("X-Server", d.ok() ? d.serverName() : "-");
      resp.setHeader("X-Status", Integer.toString(d.status()));
      resp.setHeader("X-Direct", Boolean.toString(d.direct()));
      if (d.ok()) {
        resp.setHeader("X-Inflight", Integer.toString(d.snapshot().counters(d.server()).served()));
      }
    }
    resp.setHeader("X-Cookie", String.valueOf(req.getHeader("Cookie")));
    jakarta.servlet.ServletRequest raw = req;
    while (raw instanceof jakarta.servlet.ServletRequestWrapper w) {
      raw = w.getRequest();
    }
    resp.setHeader("X-Raw-Cookie", String.valueOf(((HttpServletRequest) raw).getHeader("Cookie")));
    if (d != null) {
      resp.setHeader("X-Cookie-Flag", String.valueOf(d.cookieFlag()));
    }
    resp.setHeader("X-Cookies", String.join("|", Collections.list(req.getHeaders("Cookie"))));
    boolean named = false;
    for (String n : Collections.list(req.getHeaderNames())) {
      named |= n.equalsIgnoreCase("cookie");
    }
    resp.setHeader("X-Cookie-Named", Boolean.toString(named));
    List<String> cookies = new ArrayList<>();
    try {
      if (req.getCookies() != null) {
        for (Cookie c : req.getCookies()) {
          cookies.add(c.getName() + "=" + c.getValue());
        }
      }
    } catch (RuntimeException e) {
      cookies.add("!unparsable"); // Jetty 12 refuses some RFC 6265-invalid cookie headers
    }
    resp.setHeader("X-Cookie-Objects", String.join("|", cookies));
    resp.setHeader("X-Scheme", req.getScheme());
    resp.setHeader("X-Secure", Boolean.toString(req.isSecure()));
    resp.setHeader("X-Remote", req.getRemoteAddr());
    resp.setHeader("X-XFP", String.valueOf(req.getHeader("X-Forwarded-Proto")));
    resp.setHeader("X-XFF", String.valueOf(req.getHeader("X-Forwarded-For")));
  }
}
