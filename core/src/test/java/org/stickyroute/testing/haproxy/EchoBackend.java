package org.stickyroute.testing.haproxy;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A minimal HTTP/1.1 origin server on {@code 127.0.0.1:<ephemeral port>} that tells the client exactly what it
 * received, for use behind HAProxy in differential tests.
 *
 * <p>It works on raw sockets, so the echoed data are the bytes HAProxy actually forwarded (header-name case,
 * header order and duplicates included). Every response carries, in this order:
 *
 * <ol>
 *   <li>{@code X-Echo-Request-Line: <request line as received>}
 *   <li>{@code X-Echo-Port: <this backend's port>} (tells which backend process answered)
 *   <li>for each received {@code Cookie} header (name matched case-insensitively), in order: {@code
 *       X-Echo-Cookie: <value>}
 *   <li>{@code X-Echo-Cookie-Count: <number of Cookie headers>} (always, {@code 0} if none)
 *   <li>for each received header, in order: {@code X-Echo-Header: <name as received>: <value>}
 *   <li>{@code X-Echo-Body-Length: <request body bytes>}
 *   <li>for each request header {@code X-Echo-Respond: <Name>: <value>}, in order, the line {@code <Name>:
 *       <value>} verbatim (lets a test make the "application" emit arbitrary headers, e.g. {@code Set-Cookie},
 *       {@code ETag}, {@code Cache-Control})
 *   <li>the framing header: {@code Content-Length} by default, {@code Transfer-Encoding: chunked} or none (see
 *       {@code X-Echo-Framing}), and {@code Connection: close} when the connection will be closed
 * </ol>
 *
 * <p>The body is the received request head (request line and header lines, CRLF-terminated), except for {@code
 * HEAD} requests and 204/304 responses, which have none.
 *
 * <p>Further request-header instructions: {@code X-Echo-Status: <code>} sets the status (200-599, default
 * 200); {@code X-Echo-Delay-Ms: <n>} delays the response by n ms; {@code X-Echo-Hold: <tag>} holds the response
 * until the test calls {@link #release(String) release(tag)} (at most {@value #HOLD_LIMIT_SECONDS} s), so a
 * request stays "in flight" for exactly as long as a leastconn or {@code hash-balance-factor} test needs, however
 * slow the machine ({@link #held()} tells how many are being held); {@code X-Echo-Framing: length|chunked|close} selects a
 * {@code Content-Length} body (default), a chunked body, or a close-delimited body (no length, {@code
 * Connection: close}, connection closed after the body). Do not pass framing headers ({@code Content-Length},
 * {@code Transfer-Encoding}) through {@code X-Echo-Respond}: the response would be invalid and HAProxy answers
 * 502.
 *
 * <p>Connections are persistent for HTTP/1.1 unless the request says {@code Connection: close}; HTTP/1.0
 * requests (HAProxy's health checks: {@code GET /status HTTP/1.0} without headers) are answered and the
 * connection is closed unless they ask for keep-alive. Health checks to {@value #HEALTH_CHECK_PATH} are answered
 * with {@link #setHealthCheckStatus(int) a configurable status} (default 200) and counted separately.
 *
 * <p>Request bodies (Content-Length or chunked) are read and discarded. Each connection is served by one thread
 * of a shared cached pool (threads are reused; no per-request thread creation). Thread-safe.
 */
public final class EchoBackend implements AutoCloseable {

  /** The health-check path answered with {@link #setHealthCheckStatus(int)}. */
  public static final String HEALTH_CHECK_PATH = "/status";

  private static final int MAX_LINE = 64 * 1024;
  private static final int MAX_HEADERS = 512;
  private static final int IDLE_TIMEOUT_MILLIS = 60_000;
  private static final AtomicInteger INSTANCES = new AtomicInteger();
  /** The longest a request waits for {@link #release(String)}: a test that forgets to release still ends. */
  public static final int HOLD_LIMIT_SECONDS = 120;

  private final ServerSocket serverSocket;
  private final int port;
  private final ExecutorService pool;
  private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
  private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
  private final AtomicLong requestCount = new AtomicLong();
  private final AtomicLong healthCheckCount = new AtomicLong();
  private final AtomicLong connectionCount = new AtomicLong();
  private final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();
  private final AtomicInteger held = new AtomicInteger();
  private volatile int healthCheckStatus = 200;
  private volatile boolean closed;

  private EchoBackend(ServerSocket serverSocket, String name) {
    this.serverSocket = serverSocket;
    this.port = serverSocket.getLocalPort();
    AtomicInteger threadNumber = new AtomicInteger();
    ThreadFactory factory = r -> {
      Thread t = new Thread(() -> {
        try {
          r.run();
        } finally {
          threads.remove(Thread.currentThread());
        }
      }, name + "-" + threadNumber.incrementAndGet());
      t.setDaemon(true);
      threads.add(t);
      return t;
    };
    this.pool = Executors.newCachedThreadPool(factory);
    pool.execute(this::acceptLoop);
  }

  /**
   * Starts a backend on an ephemeral port of 127.0.0.1.
   *
   * @return the running backend
   * @throws IOException if the listening socket cannot be opened
   */
  public static EchoBackend start() throws IOException {
    ServerSocket socket = new ServerSocket();
    try {
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
    } catch (IOException e) {
      socket.close();
      throw e;
    }
    return new EchoBackend(socket, "echo-backend-" + INSTANCES.incrementAndGet() + "-" + socket.getLocalPort());
  }

  /**
   * Returns the listening port.
   *
   * @return the port on 127.0.0.1
   */
  public int port() {
    return port;
  }

  /**
   * Returns {@code 127.0.0.1:<port>}, ready for a {@code server} line.
   *
   * @return the address
   */
  public String address() {
    return "127.0.0.1:" + port();
  }

  /**
   * Returns the number of complete requests received so far, health checks included.
   *
   * @return the request counter
   */
  public long requestCount() {
    return requestCount.get();
  }

  /**
   * Returns how many of the {@link #requestCount() requests} were health checks ({@code GET} of {@value
   * #HEALTH_CHECK_PATH} over HTTP/1.0).
   *
   * @return the health-check counter
   */
  public long healthCheckCount() {
    return healthCheckCount.get();
  }

  /**
   * Lets the requests that carry {@code X-Echo-Hold: <tag>} (now or later) be answered.
   *
   * @param tag the tag the requests carry
   */
  public void release(String tag) {
    gate(tag).countDown();
  }

  /**
   * Returns how many requests are being held by {@code X-Echo-Hold} right now (counted once the request was
   * received, before its response is written).
   *
   * @return the number of held requests
   */
  public int held() {
    return held.get();
  }

  /**
   * Waits (at most 60 s, polling) until exactly {@code n} requests are held.
   *
   * @param n the number of held requests to wait for
   * @throws AssertionError if that does not happen within 60 s
   */
  public void awaitHeld(int n) throws InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (held.get() != n) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(n + " requests not held within 60 s (held " + held.get() + ")");
      }
      Thread.sleep(2);
    }
  }

  private CountDownLatch gate(String tag) {
    return gates.computeIfAbsent(tag, t -> new CountDownLatch(1));
  }

  /**
   * Returns the number of TCP connections accepted so far.
   *
   * @return the connection counter
   */
  public long connectionCount() {
    return connectionCount.get();
  }

  /**
   * Sets the status returned to health checks (default 200); e.g. 503 makes {@code option httpchk} mark the
   * servers pointing here DOWN while the port keeps accepting connections.
   *
   * @param status an HTTP status code 200..599
   */
  public void setHealthCheckStatus(int status) {
    if (status < 200 || status > 599) {
      throw new IllegalArgumentException("status " + status);
    }
    this.healthCheckStatus = status;
  }

  /** Stops accepting, closes all open connections and stops the worker threads. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      serverSocket.close();
    } catch (IOException ignored) {
      // already closed
    }
    for (Socket s : connections) {
      closeQuietly(s);
    }
    pool.shutdownNow();
    try {
      if (!pool.awaitTermination(5, TimeUnit.SECONDS)) {
        throw new IllegalStateException("echo backend threads did not stop");
      }
      for (Thread t : threads) {
        t.join(1000); // the pool reports termination just before its last threads exit
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "EchoBackend[" + address() + "]";
  }

  // ------------------------------------------------------------------------------------------------

  private void acceptLoop() {
    while (!closed) {
      Socket socket;
      try {
        socket = serverSocket.accept();
      } catch (IOException e) {
        return; // closed
      }
      connectionCount.incrementAndGet();
      connections.add(socket);
      if (closed) { // close() may have missed it
        closeQuietly(socket);
        connections.remove(socket);
        return;
      }
      try {
        pool.execute(() -> serve(socket));
      } catch (RuntimeException rejected) {
        closeQuietly(socket);
        connections.remove(socket);
      }
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(IDLE_TIMEOUT_MILLIS);
      InputStream in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
      OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
      boolean keepAlive = true;
      while (keepAlive && !closed) {
        Request request;
        try {
          request = Request.read(in);
        } catch (BadRequest e) {
          out.write(simpleResponse(400, e.getMessage()));
          out.flush();
          return;
        }
        if (request == null) {
          return; // clean EOF between requests
        }
        requestCount.incrementAndGet();
        Reply reply = respond(request);
        out.write(reply.bytes());
        out.flush();
        keepAlive = !reply.close();
      }
    } catch (EOFException | SocketException e) {
      // peer went away or backend closed
    } catch (IOException e) {
      // read timeout or other I/O problem: drop the connection
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      connections.remove(socket);
    }
  }

  /** A serialised response and whether the connection must be closed after it. */
  private record Reply(byte[] bytes, boolean close) {}

  private Reply respond(Request req) throws InterruptedException {
    boolean healthCheck = "GET".equals(req.method) && HEALTH_CHECK_PATH.equals(req.target)
        && "HTTP/1.0".equals(req.version);
    if (healthCheck) {
      healthCheckCount.incrementAndGet();
    }
    int status = healthCheck ? healthCheckStatus : 200;
    String framing = "length";
    List<String> extra = new ArrayList<>();
    List<String> cookies = new ArrayList<>();
    for (String[] h : req.headers) {
      switch (h[0].toLowerCase(Locale.ROOT)) {
        case "cookie" -> cookies.add(h[1]);
        case "x-echo-respond" -> extra.add(h[1]);
        case "x-echo-status" -> status = parseStatus(h[1]);
        case "x-echo-delay-ms" -> Thread.sleep(parseDelay(h[1]));
        case "x-echo-hold" -> {
          held.incrementAndGet();
          try {
            gate(h[1].strip()).await(HOLD_LIMIT_SECONDS, TimeUnit.SECONDS);
          } finally {
            held.decrementAndGet();
          }
        }
        case "x-echo-framing" -> framing = h[1].toLowerCase(Locale.ROOT);
        default -> { }
      }
    }
    boolean bodyAllowed = status != 204 && status != 304;
    boolean close = !req.keepAlive() || bodyAllowed && "close".equals(framing);
    boolean chunked = bodyAllowed && !close && "chunked".equals(framing);
    StringBuilder head = new StringBuilder(512 + req.head.length() * 2);
    head.append("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
    head.append("X-Echo-Request-Line: ").append(req.requestLine).append("\r\n");
    head.append("X-Echo-Port: ").append(port).append("\r\n");
    for (String c : cookies) {
      head.append("X-Echo-Cookie: ").append(c).append("\r\n");
    }
    head.append("X-Echo-Cookie-Count: ").append(cookies.size()).append("\r\n");
    for (String[] h : req.headers) {
      head.append("X-Echo-Header: ").append(h[0]).append(": ").append(h[1]).append("\r\n");
    }
    head.append("X-Echo-Body-Length: ").append(req.bodyLength).append("\r\n");
    for (String line : extra) {
      head.append(line).append("\r\n");
    }
    String body = bodyAllowed && !"HEAD".equals(req.method) ? req.head : "";
    if (chunked) {
      head.append("Transfer-Encoding: chunked\r\n");
      if (!body.isEmpty()) {
        body = Integer.toHexString(body.length()) + "\r\n" + body + "\r\n";
      }
      body += "0\r\n\r\n";
    } else if (bodyAllowed && !close) {
      head.append("Content-Length: ").append(body.length()).append("\r\n");
    }
    if (close) {
      head.append("Connection: close\r\n");
    }
    head.append("\r\n").append(body);
    return new Reply(head.toString().getBytes(StandardCharsets.ISO_8859_1), close);
  }

  private static int parseStatus(String value) {
    try {
      int status = Integer.parseInt(value.trim());
      return status >= 200 && status <= 599 ? status : 500;
    } catch (NumberFormatException e) {
      return 500;
    }
  }

  private static long parseDelay(String value) {
    try {
      return Math.max(0, Math.min(60_000, Long.parseLong(value.trim())));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static byte[] simpleResponse(int status, String message) {
    String body = message + "\n";
    return ("HTTP/1.1 " + status + ' ' + reason(status) + "\r\nContent-Length: " + body.length()
            + "\r\nConnection: close\r\n\r\n" + body)
        .getBytes(StandardCharsets.ISO_8859_1);
  }

  private static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 201 -> "Created";
      case 204 -> "No Content";
      case 301 -> "Moved Permanently";
      case 302 -> "Found";
      case 304 -> "Not Modified";
      case 400 -> "Bad Request";
      case 404 -> "Not Found";
      case 500 -> "Internal Server Error";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      default -> "Status";
    };
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // nothing to do
    }
  }

  /** Malformed request: answered with 400 and the connection is closed. */
  private static final class BadRequest extends IOException {
    private static final long serialVersionUID = 1L;

    BadRequest(String message) {
      super(message);
    }
  }

  /** One parsed request; the body has been consumed. */
  private static final class Request {
    final String requestLine;
    final String method;
    final String target;
    final String version;
    final List<String[]> headers;
    final String head;
    final long bodyLength;

    private Request(String requestLine, List<String[]> headers, String head, long bodyLength)
        throws BadRequest {
      this.requestLine = requestLine;
      String[] parts = requestLine.split(" ", -1);
      if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty()
          || !parts[2].startsWith("HTTP/1.")) {
        throw new BadRequest("bad request line: " + requestLine);
      }
      this.method = parts[0];
      this.target = parts[1];
      this.version = parts[2];
      this.headers = headers;
      this.head = head;
      this.bodyLength = bodyLength;
    }

    /** Reads one request, or returns null on EOF before its first byte. */
    static Request read(InputStream in) throws IOException {
      String requestLine = readLine(in, true);
      while (requestLine != null && requestLine.isEmpty()) {
        requestLine = readLine(in, true); // tolerate stray CRLF between requests
      }
      if (requestLine == null) {
        return null;
      }
      StringBuilder head = new StringBuilder(requestLine).append("\r\n");
      List<String[]> headers = new ArrayList<>();
      String line;
      while (!(line = readLine(in, false)).isEmpty()) {
        if (headers.size() == MAX_HEADERS) {
          throw new BadRequest("too many headers");
        }
        int colon = line.indexOf(':');
        if (colon <= 0) {
          throw new BadRequest("bad header line: " + line);
        }
        headers.add(new String[] {line.substring(0, colon), line.substring(colon + 1).strip()});
        head.append(line).append("\r\n");
      }
      head.append("\r\n");
      long bodyLength = readBody(in, headers);
      return new Request(requestLine, headers, head.toString(), bodyLength);
    }

    boolean keepAlive() {
      String connection = "";
      for (String[] h : headers) {
        if (h[0].equalsIgnoreCase("connection")) {
          connection += "," + h[1].toLowerCase(Locale.ROOT);
        }
      }
      boolean close = hasToken(connection, "close");
      if ("HTTP/1.0".equals(version)) {
        return !close && hasToken(connection, "keep-alive");
      }
      return !close;
    }

    private static boolean hasToken(String list, String token) {
      for (String t : list.split(",")) {
        if (t.strip().equals(token)) {
          return true;
        }
      }
      return false;
    }

    private static long readBody(InputStream in, List<String[]> headers) throws IOException {
      String transferEncoding = null;
      String contentLength = null;
      for (String[] h : headers) {
        if (h[0].equalsIgnoreCase("transfer-encoding")) {
          transferEncoding = h[1].toLowerCase(Locale.ROOT);
        } else if (h[0].equalsIgnoreCase("content-length")) {
          contentLength = h[1];
        }
      }
      if (transferEncoding != null && transferEncoding.endsWith("chunked")) {
        long total = 0;
        while (true) {
          String sizeLine = readLine(in, false);
          int semi = sizeLine.indexOf(';');
          long size;
          try {
            size = Long.parseLong((semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).strip(), 16);
          } catch (NumberFormatException e) {
            throw new BadRequest("bad chunk size: " + sizeLine);
          }
          if (size == 0) {
            while (!readLine(in, false).isEmpty()) {
              // skip trailers
            }
            return total;
          }
          skip(in, size);
          if (!readLine(in, false).isEmpty()) {
            throw new BadRequest("missing CRLF after chunk");
          }
          total += size;
        }
      }
      if (contentLength != null) {
        long n;
        try {
          n = Long.parseLong(contentLength.strip());
        } catch (NumberFormatException e) {
          throw new BadRequest("bad content-length: " + contentLength);
        }
        skip(in, n);
        return n;
      }
      return 0;
    }

    private static void skip(InputStream in, long n) throws IOException {
      long left = n;
      while (left > 0) {
        long skipped = in.skip(left);
        if (skipped <= 0) {
          if (in.read() < 0) {
            throw new EOFException("EOF in request body");
          }
          skipped = 1;
        }
        left -= skipped;
      }
    }

    /** Reads a CRLF- (or LF-) terminated ISO-8859-1 line; null on EOF at its start if allowed. */
    private static String readLine(InputStream in, boolean eofAllowed) throws IOException {
      StringBuilder sb = new StringBuilder(64);
      while (true) {
        int b = in.read();
        if (b < 0) {
          if (eofAllowed && sb.length() == 0) {
            return null;
          }
          throw new EOFException("EOF in request head");
        }
        if (b == '\n') {
          int len = sb.length();
          if (len > 0 && sb.charAt(len - 1) == '\r') {
            sb.setLength(len - 1);
          }
          return sb.toString();
        }
        if (sb.length() == MAX_LINE) {
          throw new BadRequest("line too long");
        }
        sb.append((char) b);
      }
    }
  }
}
