package org.stickyroute.demo;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
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
 *
 * <p>The port stays reserved while the instance is {@code DOWN}: a socket bound to it with {@code SO_REUSEPORT}
 * (never listening) lives as long as the instance, and the connector listens with {@code SO_REUSEPORT} too, so
 * nothing else can take the port between the kill and the restart, and the restart cannot fail to bind.
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
  private final java.net.Socket reservation = new java.net.Socket();
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
    connector.setReusePort(true);
    server.addConnector(connector);
    server.setHandler(new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        serve(request, response, callback);
        return true;
      }
    });
  }

  /** Starts listening; the port stays the same (and reserved) across {@link State#DOWN} and back. */
  public DemoInstance start() throws Exception {
    reservation.setOption(java.net.StandardSocketOptions.SO_REUSEPORT, true);
    reservation.bind(new java.net.InetSocketAddress("127.0.0.1", connector.getPort()));
    port = reservation.getLocalPort();
    connector.setPort(port);
    server.start();
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

  /** The connections open to the instance (for tests that watch what it read). */
  java.util.Collection<EndPoint> connectedEndPoints() {
    return connector.getConnectedEndPoints();
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
      crash();
    } else if (state == State.DOWN) {
      connector.setAccepting(true);
      connector.start();
    }
    state = next;
  }

  /**
   * Goes away as a crashed process does: no new connection is accepted, and every open one is reset (RST) with no
   * answer. Stopping the connector alone is a graceful shutdown, which a crash is not: Jetty closes each connection
   * through {@code HttpConnection.close()}, which fails a request it has read but not yet handled with {@code new
   * EofException()} and answers it itself, {@code 500 org.eclipse.jetty.io.EofException} (URI {@code /badRequest}
   * when the request object did not exist yet); kept-alive connections are half-closed, and a proxy that sends on one
   * before it sees the FIN may wait for its idle timeout.
   */
  private void crash() throws Exception {
    connector.setAccepting(false); // park the acceptor first, so that closing its socket does not make it spin
    connector.close(); // the listening socket: new connections are refused (the port stays reserved)
    for (EndPoint e : connector.getConnectedEndPoints()) {
      if (e.getTransport() instanceof java.nio.channels.SocketChannel ch) {
        try {
          ch.setOption(java.net.StandardSocketOptions.SO_LINGER, 0); // close = RST, nothing more is written
          ch.close();
        } catch (java.io.IOException ignored) {
          // already closed by the peer
        }
      }
      e.close();
    }
    connector.stop();
    awaitRefused();
  }

  /**
   * Waits until the port refuses connections. Closing the connector's listening channel does not close the kernel's
   * socket at once: the JDK's {@code ServerSocketChannel.close()} only signals a thread blocked in {@code accept()}
   * (Jetty's acceptor) and leaves the last close to it, and until that thread runs the socket still listens and
   * completes handshakes. On a busy machine that took long enough for a connection made after {@code
   * setState(DOWN)} returned to be accepted, then closed by the stopped connector (seen as FIN-WAIT-2 on the
   * instance's side, with the acceptor thread still in {@code Net.accept} after the connector had STOPPED: 11 of 300
   * runs of {@code DemoInstanceTest}). A connection made here wakes that thread; once the port refuses, the
   * instance is dead.
   */
  private void awaitRefused() throws InterruptedException, java.io.IOException {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try (java.net.Socket probe = new java.net.Socket()) {
        probe.connect(new java.net.InetSocketAddress("127.0.0.1", port), 5000);
      } catch (java.net.ConnectException refused) {
        return;
      } catch (java.net.SocketTimeoutException slow) {
        // the backlog is full: still listening
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(name + ": port " + port + " still accepts connections 30 s after the kill");
      }
      Thread.sleep(5);
    }
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
    try {
      server.stop();
    } finally {
      reservation.close();
    }
  }
}
