package org.stickyroute.servlet;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The beginning of a request body, read for an algorithm that looks at it ({@code balance url_param} on a
 * {@code POST}) and handed back to the application: {@link StickyRequest} then serves {@link #replay} as the
 * input stream, so the application reads the whole body as sent, and parses form parameters itself ({@link
 * FormParameters}), because the container's own parser would no longer see the bytes read here.
 *
 * <p>Only {@code application/x-www-form-urlencoded} bodies are read (a parameter can be found in other
 * bodies only by accident, and reading a multipart body would take it from the container's part parser).
 * At most {@link #BOUND} bytes are read, or {@code Content-Length} when smaller. Pooled with its exchange:
 * the buffer is allocated on first use and kept.
 */
final class BodyPrefix implements CharSequence {
  /** How much of a body is read: HAProxy looks as far as its request buffer goes (about 15 KB by default). */
  static final int BOUND = 8192;

  private byte[] buf;
  private int len;
  private boolean read;

  void clear() {
    len = 0;
    read = false;
  }

  /** Whether the body's beginning was taken from the container's stream. */
  boolean consumed() {
    return read && len > 0;
  }

  /** Reads the prefix (once) and returns this view of it; empty when the body is not a form. */
  CharSequence load(HttpServletRequest request) {
    if (read) {
      return this;
    }
    read = true;
    String type = request.getContentType();
    if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
      return this;
    }
    long declared = request.getContentLengthLong();
    int want = declared >= 0 ? (int) Math.min(declared, BOUND) : BOUND;
    if (want == 0) {
      return this;
    }
    if (buf == null || buf.length < want) {
      buf = new byte[BOUND];
    }
    try {
      InputStream in = request.getInputStream();
      while (len < want) {
        int n = in.read(buf, len, want - len);
        if (n < 0) {
          break;
        }
        len += n;
      }
    } catch (IOException | IllegalStateException e) {
      // An unreadable body (the client went away, or the application already took the reader): no key.
    }
    return this;
  }

  @Override
  public int length() {
    return len;
  }

  @Override
  public char charAt(int i) {
    if (i < 0 || i >= len) {
      throw new IndexOutOfBoundsException(i);
    }
    return (char) (buf[i] & 0xFF);
  }

  @Override
  public CharSequence subSequence(int start, int end) {
    return toString().substring(start, end);
  }

  @Override
  public String toString() {
    return new String(buf, 0, len, StandardCharsets.ISO_8859_1);
  }

  /** The whole body again: the prefix read here, then the rest of {@code original}. */
  ServletInputStream replay(ServletInputStream original) {
    byte[] copy = java.util.Arrays.copyOf(buf, len);
    return new ServletInputStream() {
      private int pos;

      @Override
      public int read() throws IOException {
        return pos < copy.length ? copy[pos++] & 0xFF : original.read();
      }

      @Override
      public int read(byte[] b, int off, int n) throws IOException {
        if (pos < copy.length) {
          int k = Math.min(n, copy.length - pos);
          System.arraycopy(copy, pos, b, off, k);
          pos += k;
          return k;
        }
        return original.read(b, off, n);
      }

      @Override
      public boolean isFinished() {
        return pos >= copy.length && original.isFinished();
      }

      @Override
      public boolean isReady() {
        return pos < copy.length || original.isReady();
      }

      @Override
      public void setReadListener(ReadListener listener) {
        original.setReadListener(listener);
      }

      @Override
      public int available() throws IOException {
        return copy.length - pos + original.available();
      }
    };
  }
}
