package org.stickyroute.servlet;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * The response as the application (or a proxy servlet) writes it, watched so that the persistence headers
 * are added before anything can commit it: at the first body write or flush (output stream or writer), at
 * {@code flushBuffer}, {@code sendError}, {@code sendRedirect}, async {@code complete()}, and at the end of
 * the request. They are computed from the status and headers at that moment: headers set after the first
 * body byte are not seen. {@code Set-Cookie} headers that name the persistence cookie are held back until
 * then, so HAProxy's rules can delete or rewrite them. Created only when the decision watches the response
 * ({@link org.stickyroute.Decision#watchesResponse()}: a cookie in {@code insert}, {@code rewrite} or {@code
 * prefix} mode).
 */
final class StickyResponse extends HttpServletResponseWrapper {
  private final Exchange ex;
  private final long generation;
  private ServletOutputStream out;
  private PrintWriter writer;

  StickyResponse(HttpServletResponse response, Exchange ex) {
    super(response);
    this.ex = ex;
    this.generation = ex.generation;
  }

  Exchange exchange() {
    return ex;
  }

  private HttpServletResponse container() {
    return (HttpServletResponse) getResponse();
  }

  /** Adds the persistence headers now unless already done; {@code status} 0 = the response's current one. */
  void beforeCommit(int status) {
    if (ex.applied() || !ex.current(generation)) {
      return;
    }
    if (ex.nothingToAdd()) {
      ex.skipResponse(); // the usual direct request: no need to ask the container anything
      return;
    }
    if (!container().isCommitted()) {
      ex.beforeCommit(container(), status);
    }
  }

  private boolean holding() {
    return ex.holdsServerCookies() && !ex.applied() && ex.current(generation);
  }

  private boolean ours(String name, String value) {
    return value != null && holding() && HeaderValues.nameIs(name, "set-cookie")
        && ex.decision.setsPersistenceCookie(value);
  }

  // ------------------------------------------------------------------------- server Set-Cookie headers

  @Override
  public void addHeader(String name, String value) {
    if (ours(name, value)) {
      ex.holdServerCookie(value);
      return;
    }
    super.addHeader(name, value);
  }

  @Override
  public void setHeader(String name, String value) {
    if (holding() && HeaderValues.nameIs(name, "set-cookie")) {
      ex.dropServerCookies();
      if (ours(name, value)) {
        super.setHeader(name, null); // replaces the earlier Set-Cookie headers, as setHeader does
        ex.holdServerCookie(value);
        return;
      }
    }
    super.setHeader(name, value);
  }

  @Override
  public void addCookie(Cookie cookie) {
    if (holding() && cookie.getName().equals(ex.decision.cookieName())) {
      ex.holdServerCookie(format(cookie));
      return;
    }
    super.addCookie(cookie);
  }

  /** A persistence-named cookie the application added, as the {@code Set-Cookie} value HAProxy would see. */
  static String format(Cookie c) {
    StringBuilder b = new StringBuilder(c.getName()).append('=');
    if (c.getValue() != null) {
      b.append(c.getValue());
    }
    for (Map.Entry<String, String> a : c.getAttributes().entrySet()) {
      b.append("; ").append(a.getKey());
      if (a.getValue() != null && !a.getValue().isEmpty()) {
        b.append('=').append(a.getValue());
      }
    }
    return b.toString();
  }

  // ----------------------------------------------------------------------------- commit points

  @Override
  public ServletOutputStream getOutputStream() throws IOException {
    if (out == null) {
      out = new HookedOutputStream(super.getOutputStream(), this);
    }
    return out;
  }

  @Override
  public PrintWriter getWriter() throws IOException {
    if (writer == null) {
      writer = new HookedWriter(super.getWriter(), this);
    }
    return writer;
  }

  @Override
  public void flushBuffer() throws IOException {
    beforeCommit(0);
    super.flushBuffer();
  }

  @Override
  public void sendError(int sc, String msg) throws IOException {
    beforeCommit(sc);
    super.sendError(sc, msg);
  }

  @Override
  public void sendError(int sc) throws IOException {
    beforeCommit(sc);
    super.sendError(sc);
  }

  @Override
  public void sendRedirect(String location) throws IOException {
    beforeCommit(SC_FOUND);
    super.sendRedirect(location);
  }

  @Override
  public void sendRedirect(String location, boolean clearBuffer) throws IOException {
    beforeCommit(SC_FOUND);
    super.sendRedirect(location, clearBuffer);
  }

  @Override
  public void sendRedirect(String location, int sc) throws IOException {
    beforeCommit(sc);
    super.sendRedirect(location, sc);
  }

  @Override
  public void sendRedirect(String location, int sc, boolean clearBuffer) throws IOException {
    beforeCommit(sc);
    super.sendRedirect(location, sc, clearBuffer);
  }

  @Override
  public void reset() {
    super.reset(); // throws when committed; then nothing changes
    if (ex.current(generation)) {
      ex.responseReset();
    }
  }

  /** Adds the headers at the first write or flush of the body. */
  static final class HookedOutputStream extends ServletOutputStream {
    private final ServletOutputStream delegate;
    private final StickyResponse response;
    private boolean done;

    HookedOutputStream(ServletOutputStream delegate, StickyResponse response) {
      this.delegate = delegate;
      this.response = response;
    }

    private void hook() {
      if (!done) {
        done = true;
        response.beforeCommit(0);
      }
    }

    @Override
    public void write(int b) throws IOException {
      hook();
      delegate.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      hook();
      delegate.write(b, off, len);
    }

    @Override
    public void write(ByteBuffer buffer) throws IOException {
      hook();
      delegate.write(buffer);
    }

    @Override
    public void print(String s) throws IOException {
      hook();
      delegate.print(s);
    }

    @Override
    public void flush() throws IOException {
      hook();
      delegate.flush();
    }

    @Override
    public void close() throws IOException {
      hook();
      delegate.close();
    }

    @Override
    public boolean isReady() {
      return delegate.isReady();
    }

    @Override
    public void setWriteListener(WriteListener listener) {
      delegate.setWriteListener(listener);
    }
  }

  /**
   * Adds the headers at the first write or flush through the writer. Every {@code print}, {@code println},
   * {@code format} and {@code append} of {@link PrintWriter} ends in one of the overridden methods.
   */
  static final class HookedWriter extends PrintWriter {
    private final PrintWriter delegate;
    private final StickyResponse response;
    private boolean done;

    HookedWriter(PrintWriter delegate, StickyResponse response) {
      super(delegate, false);
      this.delegate = delegate;
      this.response = response;
    }

    private void hook() {
      if (!done) {
        done = true;
        response.beforeCommit(0);
      }
    }

    @Override
    public void write(int c) {
      hook();
      delegate.write(c);
    }

    @Override
    public void write(char[] buf, int off, int len) {
      hook();
      delegate.write(buf, off, len);
    }

    @Override
    public void write(String s, int off, int len) {
      hook();
      delegate.write(s, off, len);
    }

    @Override
    public void println() {
      hook();
      delegate.println();
    }

    @Override
    public void flush() {
      hook();
      delegate.flush();
    }

    @Override
    public void close() {
      hook();
      delegate.close();
    }

    @Override
    public boolean checkError() {
      hook();
      return delegate.checkError();
    }
  }
}
