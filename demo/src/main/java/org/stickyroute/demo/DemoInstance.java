package org.stickyroute.demo;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * One embedded "Overleaf instance" behind the demo proxy: a small Jetty server on 127.0.0.1 that answers
 * {@code GET /status}, says which instance served every request ({@code X-Served-By}), and keeps a per-project
 * compile count so that cache reuse under {@code balance uri depth 2} is visible.
 *
 * <p>An admin switch sets its {@link State}: {@code UP}; {@code SICK} (health checks get 503, requests are still
 * served); {@code DOWN} (the port is closed: connections are refused, as for a crashed container).
 */
public final class DemoInstance implements AutoCloseable {
  /** The instance's admin state. */
  public enum State {
    /** Serving and healthy. */
    UP,
    /** Serving, but {@code /status} answers 503 so health checks fail. */
    SICK,
    /** Not listening: connections are refused. */
    DOWN
  }

  private final String name;
  private final Server server;
  private final ServerConnector connector;
  private final Map<String, AtomicLong> compiles = new ConcurrentHashMap<>();
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong checks = new AtomicLong();
  private volatile State state = State.UP;
  private int port;

  /** Creates (not yet started) an instance named {@code name} on {@code port} (0 = ephemeral). */
  public DemoInstance(String name, int port) {
    this.name = name;
    QueuedThreadPool pool = new QueuedThreadPool(64, 4);
    pool.setName("demo-" + name);
    this.server = new Server(pool);
    this.connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(port);
    server.addConnector(connector);
    server.setHandler(new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        serve(request, response, callback);
        return true;
      }
    });
  }

  /** Starts listening; the port stays the same across {@link State#DOWN} and back. */
  public DemoInstance start() throws Exception {
    server.start();
    port = connector.getLocalPort();
    connector.setPort(port);
    return this;
  }

  /** The instance's name (the server name in the configuration). */
  public String name() {
    return name;
  }

  /** The bound port. */
  public int port() {
    return port;
  }

  /** The current state. */
  public State state() {
    return state;
  }

  /** Requests served (health checks excluded). */
  public long requests() {
    return requests.get();
  }

  /** Health checks answered. */
  public long checks() {
    return checks.get();
  }

  /** Switches state: closing or reopening the port for {@link State#DOWN}. */
  public synchronized void setState(State next) throws Exception {
    if (next == state) {
      return;
    }
    if (next == State.DOWN) {
      connector.stop();
    } else if (state == State.DOWN) {
      connector.start();
    }
    state = next;
  }

  private void serve(Request request, Response response, Callback callback) {
    String path = Request.getPathInContext(request);
    response.getHeaders().put("X-Served-By", name);
    if (path.equals("/status")) {
      checks.incrementAndGet();
      boolean ok = state == State.UP;
      response.setStatus(ok ? 200 : 503);
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
      Content.Sink.write(response, true, ok ? "OK\n" : "SICK\n", callback);
      return;
    }
    requests.incrementAndGet();
    StringBuilder body = new StringBuilder();
    body.append("served by ").append(name).append('\n');
    body.append("request: ").append(request.getMethod()).append(' ').append(request.getHttpURI().getPathQuery())
        .append('\n');
    String cookie = request.getHeaders().get(HttpHeader.COOKIE);
    body.append("cookie header received: ").append(cookie == null ? "(none)" : cookie).append('\n');
    String[] seg = path.split("/");
    if (seg.length >= 4 && seg[1].equals("project") && seg[3].equals("compile")) {
      long n = compiles.computeIfAbsent(seg[2], k -> new AtomicLong()).incrementAndGet();
      body.append("compile #").append(n).append(" of project ").append(seg[2]).append(" on ").append(name)
          .append(n == 1 ? " (cold cache)" : " (warm cache: same instance as before)").append('\n');
    }
    response.setStatus(200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
    byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
    response.write(true, java.nio.ByteBuffer.wrap(bytes), callback);
  }

  @Override
  public void close() throws Exception {
    server.stop();
  }
}
