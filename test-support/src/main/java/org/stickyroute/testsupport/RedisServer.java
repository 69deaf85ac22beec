package org.stickyroute.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} (found by {@link Programs}; annotate the test class with {@link RequiresProgram}
 * {@code ("redis-server")} so that its absence fails under {@code CI=true} and skips loudly elsewhere) on a free
 * 127.0.0.1 port, in a temporary directory, without persistence. It can be killed and started again on the same
 * port, as an outage.
 */
public final class RedisServer implements AutoCloseable {
  private final int port;
  private final Path dir;
  private final List<String> extraArgs;
  private Process process;

  /**
   * Starts a server and waits until it answers {@code PING}.
   *
   * @throws IOException if it cannot be started or does not answer within 10 s
   */
  public RedisServer() throws IOException {
    this(List.of());
  }

  /**
   * Starts a server with extra arguments ({@code --requirepass secret}) and waits until it answers.
   *
   * @param extraArgs more {@code redis-server} arguments
   * @throws IOException if it cannot be started or does not answer within 10 s
   */
  public RedisServer(List<String> extraArgs) throws IOException {
    this.extraArgs = List.copyOf(extraArgs);
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    dir = Files.createTempDirectory("stickyroute-redis-");
    start();
  }

  /**
   * The port it listens on.
   *
   * @return the port
   */
  public int port() {
    return port;
  }

  /**
   * Its URI for clients.
   *
   * @return {@code redis://127.0.0.1:PORT}
   */
  public String uri() {
    return "redis://127.0.0.1:" + port;
  }

  /**
   * Starts it (again, on the same port) and waits until it answers {@code PING}.
   *
   * @throws IOException if it cannot be started or does not answer within 10 s
   */
  public void start() throws IOException {
    Path exe = Programs.find("redis-server", "--version").orElseThrow().path();
    List<String> cmd = new java.util.ArrayList<>(List.of(exe.toString(), "--port", Integer.toString(port), "--bind",
        "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString()));
    cmd.addAll(extraArgs);
    process = new ProcessBuilder(cmd)
        .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (ping()) {
        return;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    throw new IOException("redis-server did not answer on port " + port + ": " + Files.readString(dir.resolve("redis.log")));
  }

  private boolean ping() {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      OutputStream out = s.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] b = new byte[7];
      int n = in.read(b);
      // "-NOAUTH" under --requirepass: it answers, so it is up
      return n > 0 && (new String(b, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG")
          || new String(b, 0, n, StandardCharsets.US_ASCII).startsWith("-NOAUTH"));
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Kills the server (SIGKILL: no goodbye to the clients) and waits until it is gone.
   *
   * @throws InterruptedException if interrupted while waiting
   */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    if (process != null) {
      kill();
    }
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
