package org.stickyroute.testing.haproxy;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A byte-exact HTTP/1.1 client for 127.0.0.1, for driving HAProxy in differential tests.
 *
 * <p>Unlike {@code java.net.http.HttpClient} it never normalises anything: the request-target is written as
 * given (ISO-8859-1, one byte per char; {@code %}, {@code ?}, {@code //}, upper case and absolute-form {@code
 * http://127.0.0.1:PORT/x} all pass through untouched), headers are written verbatim and in order, and the
 * response headers are returned in wire order with their original case and duplicates.
 *
 * <p>Request layout: {@code METHOD SP TARGET SP HTTP/1.1 CRLF}, then {@code Host: 127.0.0.1:<port>} unless the
 * caller supplied a {@code Host} header, then the caller's headers, then an empty line (and the body, if any).
 * A header given as {@code {name, value}} is written {@code name: value}; one given as {@code {line}} is
 * written as that raw line (for odd spacing such as {@code Cookie:a=1}).
 *
 * <p>The connection is kept alive across calls. It is closed after a response that ends the connection
 * ({@code Connection: close}, HTTP/1.0 without keep-alive, or a close-delimited body) and re-opened on the next
 * call; if a reused connection turns out to have been closed by the server before any response byte arrived,
 * the request is re-sent once on a fresh connection. Response bodies may be {@code Content-Length}-framed,
 * chunked or close-delimited; interim 1xx responses are skipped. Connect and read timeouts are 5 s.
 *
 * <p>Not thread-safe: use one client per thread.
 */
public final class RawHttpClient implements AutoCloseable {

  /** Connect and read timeout. */
  public static final int TIMEOUT_MILLIS = 30_000;

  private static final int MAX_LINE = 64 * 1024;

  private final int port;
  private Socket socket;
  private CountingInput in;
  private OutputStream out;
  private int connectionsOpened;

  /**
   * Creates a client for {@code 127.0.0.1:<port>}; it connects lazily on the first request.
   *
   * @param port the server port
   */
  public RawHttpClient(int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port " + port);
    }
    this.port = port;
  }

  /**
   * Builds a header list from name/value pairs: {@code headers("Cookie", "a=1", "X-Be", "be_rr")}.
   *
   * @param nameValuePairs alternating names and values
   * @return a mutable list of {@code {name, value}} arrays
   */
  public static List<String[]> headers(String... nameValuePairs) {
    if (nameValuePairs.length % 2 != 0) {
      throw new IllegalArgumentException("odd number of name/value strings");
    }
    List<String[]> list = new ArrayList<>(nameValuePairs.length / 2);
    for (int i = 0; i < nameValuePairs.length; i += 2) {
      list.add(new String[] {nameValuePairs[i], nameValuePairs[i + 1]});
    }
    return list;
  }

  /**
   * Sends {@code GET <target>} with the given name/value header pairs.
   *
   * @param requestTarget the request-target, written byte-exactly
   * @param nameValuePairs alternating header names and values
   * @return the response
   * @throws IOException on connection problems or a malformed response
   */
  public Response get(String requestTarget, String... nameValuePairs) throws IOException {
    return send("GET", requestTarget, headers(nameValuePairs));
  }

  /**
   * Sends a request without body.
   *
   * @param method the method token, e.g. {@code GET}
   * @param requestTarget the request-target, written byte-exactly as ISO-8859-1
   * @param headers header {@code {name, value}} pairs or raw {@code {line}}s, written in order
   * @return the response
   * @throws IOException on connection problems or a malformed response
   */
  public Response send(String method, String requestTarget, List<String[]> headers) throws IOException {
    return send(method, requestTarget, headers, null);
  }

  /**
   * Sends a request with an optional body; {@code Content-Length} is added unless the caller supplied {@code
   * Content-Length} or {@code Transfer-Encoding}.
   *
   * @param method the method token, e.g. {@code POST}
   * @param requestTarget the request-target, written byte-exactly as ISO-8859-1
   * @param headers header {@code {name, value}} pairs or raw {@code {line}}s, written in order
   * @param body the body bytes, or null for none
   * @return the response
   * @throws IOException on connection problems or a malformed response
   */
  public Response send(String method, String requestTarget, List<String[]> headers, byte[] body)
      throws IOException {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(requestTarget, "requestTarget");
    StringBuilder head = new StringBuilder(256);
    head.append(method).append(' ').append(requestTarget).append(" HTTP/1.1\r\n");
    boolean hasHost = false;
    boolean hasFraming = false;
    for (String[] h : headers) {
      if (h.length == 2) {
        hasHost |= h[0].equalsIgnoreCase("host");
        hasFraming |= h[0].equalsIgnoreCase("content-length") || h[0].equalsIgnoreCase("transfer-encoding");
      } else if (h.length != 1) {
        throw new IllegalArgumentException("header must be {name, value} or {rawLine}");
      }
    }
    if (!hasHost) {
      head.append("Host: 127.0.0.1:").append(port).append("\r\n");
    }
    for (String[] h : headers) {
      head.append(h.length == 2 ? h[0] + ": " + h[1] : h[0]).append("\r\n");
    }
    if (body != null && !hasFraming) {
      head.append("Content-Length: ").append(body.length).append("\r\n");
    }
    head.append("\r\n");
    byte[] headBytes = latin1(head);
    byte[] request = headBytes;
    if (body != null && body.length > 0) {
      request = new byte[headBytes.length + body.length];
      System.arraycopy(headBytes, 0, request, 0, headBytes.length);
      System.arraycopy(body, 0, request, headBytes.length, body.length);
    }
    return sendRaw(request, "HEAD".equals(method));
  }

  /**
   * Sends pre-built request bytes unchanged (for malformed-request tests) and reads one response.
   *
   * @param request the complete request bytes
   * @param headRequest true if the request is a HEAD (its response has no body)
   * @return the response
   * @throws IOException on connection problems or a malformed response
   */
  public Response sendRaw(byte[] request, boolean headRequest) throws IOException {
    boolean reused = socket != null;
    if (!reused) {
      connect();
    }
    try {
      return exchange(request, headRequest);
    } catch (SocketTimeoutException e) {
      disconnect();
      throw e;
    } catch (IOException e) {
      boolean nothingReceived = in != null && in.count == 0;
      disconnect();
      if (!reused || !nothingReceived) {
        throw e;
      }
    }
    connect(); // the idle connection had been closed by the server: retry once
    try {
      return exchange(request, headRequest);
    } catch (IOException e) {
      disconnect();
      throw e;
    }
  }

  /**
   * Returns how many TCP connections this client has opened so far.
   *
   * @return the connection counter
   */
  public int connectionsOpened() {
    return connectionsOpened;
  }

  /**
   * Tells whether a connection is currently open (it may still have been closed by the peer).
   *
   * @return true if a socket is held
   */
  public boolean isConnected() {
    return socket != null;
  }

  /**
   * Returns the server port.
   *
   * @return the port on 127.0.0.1
   */
  public int port() {
    return port;
  }

  /** Closes the current connection, if any; the next request opens a new one. */
  public void disconnect() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // nothing to do
      }
    }
    socket = null;
    in = null;
    out = null;
  }

  /** Closes the connection. The client may still be used afterwards (it reconnects). */
  @Override
  public void close() {
    disconnect();
  }

  // ------------------------------------------------------------------------------------------------

  private void connect() throws IOException {
    Socket s = new Socket();
    try {
      s.setTcpNoDelay(true);
      s.setSoTimeout(TIMEOUT_MILLIS);
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), TIMEOUT_MILLIS);
      in = new CountingInput(new BufferedInputStream(s.getInputStream(), 16 * 1024));
      out = new BufferedOutputStream(s.getOutputStream(), 16 * 1024);
    } catch (IOException e) {
      s.close();
      throw e;
    }
    socket = s;
    connectionsOpened++;
  }

  private Response exchange(byte[] request, boolean headRequest) throws IOException {
    in.count = 0;
    out.write(request);
    out.flush();
    Response response;
    boolean close;
    do {
      String statusLine = readLine(true);
      String[] parts = statusLine.split(" ", 3);
      if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || parts[1].length() != 3) {
        throw new IOException("malformed status line: " + statusLine);
      }
      int status;
      try {
        status = Integer.parseInt(parts[1]);
      } catch (NumberFormatException e) {
        throw new IOException("malformed status line: " + statusLine, e);
      }
      List<Header> headers = new ArrayList<>();
      String line;
      while (!(line = readLine(false)).isEmpty()) {
        int colon = line.indexOf(':');
        if (colon <= 0) {
          throw new IOException("malformed header line: " + line);
        }
        headers.add(new Header(line.substring(0, colon), line.substring(colon + 1).strip()));
      }
      response = new Response(statusLine, status, List.copyOf(headers), "");
      String connection = String.join(",", response.headers("connection")).toLowerCase(Locale.ROOT);
      close = hasToken(connection, "close")
          || parts[0].equals("HTTP/1.0") && !hasToken(connection, "keep-alive");
      if (status >= 100 && status < 200 && status != 101) {
        continue; // interim response; the final one follows
      }
      if (headRequest || status < 200 || status == 204 || status == 304) {
        break;
      }
      String transferEncoding = String.join(",", response.headers("transfer-encoding"));
      String contentLength = response.header("content-length");
      byte[] body;
      if (!transferEncoding.isEmpty()) {
        if (!transferEncoding.toLowerCase(Locale.ROOT).strip().endsWith("chunked")) {
          body = readToEof();
          close = true;
        } else {
          body = readChunked();
        }
      } else if (contentLength != null) {
        long n;
        try {
          n = Long.parseLong(contentLength.strip());
        } catch (NumberFormatException e) {
          throw new IOException("bad content-length: " + contentLength, e);
        }
        body = readFully(n);
      } else {
        body = readToEof();
        close = true;
      }
      response = new Response(statusLine, status, response.headers(), new String(body, StandardCharsets.ISO_8859_1));
      break;
    } while (true);
    if (close) {
      disconnect();
    }
    return response;
  }

  private byte[] readChunked() throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String sizeLine = readLine(false);
      int semi = sizeLine.indexOf(';');
      long size;
      try {
        size = Long.parseLong((semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).strip(), 16);
      } catch (NumberFormatException e) {
        throw new IOException("bad chunk size line: " + sizeLine, e);
      }
      if (size == 0) {
        while (!readLine(false).isEmpty()) {
          // trailers are ignored
        }
        return body.toByteArray();
      }
      body.writeBytes(readFully(size));
      if (!readLine(false).isEmpty()) {
        throw new IOException("missing CRLF after chunk data");
      }
    }
  }

  private byte[] readFully(long n) throws IOException {
    if (n < 0 || n > Integer.MAX_VALUE - 16) {
      throw new IOException("unsupported body length " + n);
    }
    byte[] buf = new byte[(int) n];
    int off = 0;
    while (off < buf.length) {
      int r = in.read(buf, off, buf.length - off);
      if (r < 0) {
        throw new EOFException("connection closed after " + off + " of " + n + " body bytes");
      }
      off += r;
    }
    return buf;
  }

  private byte[] readToEof() throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    int r;
    while ((r = in.read(buf, 0, buf.length)) >= 0) {
      body.write(buf, 0, r);
    }
    return body.toByteArray();
  }

  private String readLine(boolean first) throws IOException {
    StringBuilder sb = new StringBuilder(64);
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw first && in.count == 0
            ? new SocketException("connection closed by server before any response byte")
            : new EOFException("connection closed in the middle of the response head");
      }
      if (b == '\n') {
        int len = sb.length();
        if (len > 0 && sb.charAt(len - 1) == '\r') {
          sb.setLength(len - 1);
        }
        return sb.toString();
      }
      if (sb.length() == MAX_LINE) {
        throw new IOException("response line longer than " + MAX_LINE);
      }
      sb.append((char) b);
    }
  }

  private static boolean hasToken(String list, String token) {
    for (String t : list.split(",")) {
      if (t.strip().equals(token)) {
        return true;
      }
    }
    return false;
  }

  private static byte[] latin1(CharSequence s) {
    byte[] bytes = new byte[s.length()];
    for (int i = 0; i < bytes.length; i++) {
      char c = s.charAt(i);
      if (c > 0xFF) {
        throw new IllegalArgumentException(
            "request contains a non-ISO-8859-1 char U+" + Integer.toHexString(c) + " at " + i);
      }
      bytes[i] = (byte) c;
    }
    return bytes;
  }

  /** Counts bytes read, to know whether a failure happened before the response started. */
  private static final class CountingInput {
    private final InputStream delegate;
    long count;

    CountingInput(InputStream delegate) {
      this.delegate = delegate;
    }

    int read() throws IOException {
      int b = delegate.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    int read(byte[] buf, int off, int len) throws IOException {
      int r = delegate.read(buf, off, len);
      if (r > 0) {
        count += r;
      }
      return r;
    }
  }

  /**
   * One response header as received.
   *
   * @param name the header name, original case
   * @param value the value with surrounding whitespace removed
   */
  public record Header(String name, String value) {

    @Override
    public String toString() {
      return name + ": " + value;
    }
  }

  /**
   * A parsed response.
   *
   * @param statusLine the status line as received, e.g. {@code HTTP/1.1 200 OK}
   * @param status the status code
   * @param headers all headers in wire order, original case, duplicates kept
   * @param body the body (de-chunked) as ISO-8859-1 text, i.e. one char per byte
   */
  public record Response(String statusLine, int status, List<Header> headers, String body) {

    /** Canonical constructor; copies the header list. */
    public Response {
      Objects.requireNonNull(statusLine, "statusLine");
      headers = List.copyOf(headers);
      Objects.requireNonNull(body, "body");
    }

    /**
     * Returns the value of the first header with that name (ASCII case-insensitive), or null.
     *
     * @param name the header name
     * @return the first value or null
     */
    public String header(String name) {
      for (Header h : headers) {
        if (h.name().equalsIgnoreCase(name)) {
          return h.value();
        }
      }
      return null;
    }

    /**
     * Returns the values of all headers with that name (ASCII case-insensitive), in order.
     *
     * @param name the header name
     * @return the values, possibly empty
     */
    public List<String> headers(String name) {
      List<String> values = new ArrayList<>(2);
      for (Header h : headers) {
        if (h.name().equalsIgnoreCase(name)) {
          values.add(h.value());
        }
      }
      return values;
    }

    /**
     * Returns the body bytes.
     *
     * @return a fresh copy of the body
     */
    public byte[] bodyBytes() {
      return body.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder(statusLine).append('\n');
      for (Header h : headers) {
        sb.append(h).append('\n');
      }
      return sb.append("[body: ").append(body.length()).append(" bytes]").toString();
    }
  }
}
