package org.stickyroute.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.servlet.DispatcherType;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;
import org.stickyroute.Router;
import org.stickyroute.config.ConfigLoader;
import org.stickyroute.servlet.testing.EchoServlet;

/**
 * Jetty 12's per-connection header cache is case-insensitive by default: a {@code Cookie} header that
 * differs from an earlier one on the same connection only in case reaches the application with the
 * earlier case. Cookie values are case-sensitive (HAProxy compares them byte for byte), so a client that
 * first sent a stale {@code SERVERID=S1} and then the valid {@code SERVERID=s1} would not stick. This test
 * pins the behaviour (a canary: if Jetty changes it, the docs can drop the advice) and the remedy the
 * docs prescribe: {@code HttpConfiguration.setHeaderCacheCaseSensitive(true)}.
 */
class JettyHeaderCacheTest {
  private static List<String> serversSeen(boolean caseSensitive) throws Exception {
    HttpConfiguration http = new HttpConfiguration();
    http.setHeaderCacheCaseSensitive(caseSensitive);
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    Router router = Router.create(ConfigLoader.parse(StickyRouteFilterTest.CONFIG, "cache.cfg", true));
    context.addFilter(new FilterHolder(new StickyRouteFilter(router, StickyRouteFilter.Options.defaults())), "/*",
        EnumSet.of(DispatcherType.REQUEST));
    context.addServlet(new ServletHolder(new EchoServlet()), "/*");
    server.setHandler(context);
    server.start();
    List<String> seen = new ArrayList<>();
    try (Socket s = new Socket("127.0.0.1", connector.getLocalPort())) {
      OutputStream out = s.getOutputStream();
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
      for (String cookie : List.of("SERVERID=S1", "SERVERID=s1")) {
        out.write(("GET /login HTTP/1.1\r\nHost: x\r\nCookie: " + cookie + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String raw = null;
        String direct = null;
        int length = 0;
        for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
          if (line.startsWith("X-Raw-Cookie: ")) {
            raw = line.substring(14);
          } else if (line.startsWith("X-Direct: ")) {
            direct = line.substring(10);
          } else if (line.regionMatches(true, 0, "Content-Length: ", 0, 16)) {
            length = Integer.parseInt(line.substring(16).trim());
          }
        }
        in.skip(length); // the body is ASCII: chars = bytes
        seen.add(raw + " direct=" + direct);
      }
    } finally {
      server.stop();
    }
    return seen;
  }

  @Test
  void defaultJettyHandsALaterCookieOverWithAnEarlierCase() throws Exception {
    assertEquals(List.of("SERVERID=S1 direct=false", "SERVERID=S1 direct=false"), serversSeen(false));
  }

  @Test
  void aCaseSensitiveHeaderCacheKeepsCookiesIntact() throws Exception {
    assertEquals(List.of("SERVERID=S1 direct=false", "SERVERID=s1 direct=true"), serversSeen(true));
  }
}
