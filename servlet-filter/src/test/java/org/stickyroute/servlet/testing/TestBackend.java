package org.stickyroute.servlet.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * A real HTTP server on 127.0.0.1 standing for one backend server behind a proxy: it answers with {@code
 * X-Served-By: <name>} and echoes what it received ({@code X-Got-Cookie}, {@code X-Got-XFF}, {@code
 * X-Got-XFP}, {@code X-Got-Host}, the request body). Paths: {@code /setcookie} sets a persistence cookie of
 * its own and others, {@code /empty} answers 204, {@code /boom} answers 500 with the body {@code boom\n},
 * {@code /status} is for health checks.
 */
public final class TestBackend implements AutoCloseable {
  private final String name;
  private final Server server = new Server();
  private final ServerConnector connector = new ServerConnector(server);
  private final AtomicInteger requests = new AtomicInteger();
  private volatile Supplier<String> probe = () -> "";

  /** Starts a backend called {@code name} on an ephemeral port. */
  public TestBackend(String name) throws Exception {
    this.name = name;
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    server.setHandler(new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        serve(request, response, callback);
        return true;
      }
    });
    server.start();
  }

  /** The port. */
  public int port() {
    return connector.getLocalPort();
  }

  /** Requests served. */
  public int requests() {
    return requests.get();
  }

  /** A value computed while a request is being served, returned as {@code X-Probe} (e.g. live counters). */
  public void probe(Supplier<String> p) {
    this.probe = p;
  }

  private void serve(Request request, Response response, Callback callback) {
    requests.incrementAndGet();
    String path = Request.getPathInContext(request);
    var h = response.getHeaders();
    h.put("X-Served-By", name);
    h.put("X-Got-Cookie", String.valueOf(request.getHeaders().get(HttpHeader.COOKIE)));
    h.put("X-Got-XFF", String.valueOf(request.getHeaders().get(HttpHeader.X_FORWARDED_FOR)));
    h.put("X-Got-XFP", String.valueOf(request.getHeaders().get(HttpHeader.X_FORWARDED_PROTO)));
    h.put("X-Got-Host", String.valueOf(request.getHeaders().get(HttpHeader.HOST)));
    h.put("X-Got-Forwarded", String.valueOf(request.getHeaders().get(HttpHeader.FORWARDED)));
    h.put("X-Probe", probe.get());
    String body;
    try {
      body = Content.Source.asString(request, StandardCharsets.UTF_8);
    } catch (IOException e) {
      callback.failed(e);
      return;
    }
    switch (path) {
      case "/setcookie" -> {
        h.add("Set-Cookie", "SERVERID=fromapp; Path=/");
        h.add("Set-Cookie", "theme=dark; Expires=Thu, 01 Jan 2037 00:00:00 GMT; Path=/");
      }
      case "/empty" -> {
        response.setStatus(204);
        callback.succeeded();
        return;
      }
      case "/boom" -> {
        response.setStatus(500);
        response.write(true, ByteBuffer.wrap("boom\n".getBytes(StandardCharsets.UTF_8)), callback);
        return;
      }
      default -> { }
    }
    response.setStatus(200);
    h.put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
    String text = "served by " + name + "\n" + request.getMethod() + " " + request.getHttpURI().getPathQuery() + "\n"
        + body;
    response.write(true, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), callback);
  }

  @Override
  public void close() throws Exception {
    server.stop();
  }
}
