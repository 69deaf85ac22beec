package org.stickyroute.testing.haproxy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.stickyroute.http.BasicRequest;
import org.stickyroute.http.RequestView;

/**
 * One generated HTTP/1.1 request for the algorithm differential tests: what is sent to HAProxy byte for byte
 * ({@link #bytes}) and the same request as stickyroute reads it ({@link #view}).
 *
 * @param method the method
 * @param target the request-target
 * @param headers the header fields, {@code {name, value}}, in order (no {@code Host} is added)
 * @param src the client address HAProxy is told with {@code x-src} (IPv4 or IPv6 text)
 * @param body the body, or {@code null}
 */
public record GeneratedRequest(String method, String target, List<String[]> headers, String src, byte[] body) {

  /** The request bytes: request line, the fields, {@code x-be} and {@code x-src}, the body with its length. */
  public byte[] bytes(String backend) {
    StringBuilder head = new StringBuilder(256);
    head.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
    for (String[] h : headers) {
      head.append(h[0]).append(':').append(h[1].isEmpty() ? "" : " ").append(h[1]).append("\r\n");
    }
    head.append("x-be: ").append(backend).append("\r\n");
    head.append("x-src: ").append(src).append("\r\n");
    if (body != null) {
      head.append("Content-Length: ").append(body.length).append("\r\n");
    }
    head.append("\r\n");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] h = head.toString().getBytes(StandardCharsets.ISO_8859_1);
    out.write(h, 0, h.length);
    if (body != null) {
      out.write(body, 0, body.length);
    }
    return out.toByteArray();
  }

  /** The request as stickyroute sees it (the same fields, then {@code x-be}, {@code x-src}). */
  public RequestView view(String backend) {
    BasicRequest.Builder b = BasicRequest.builder(method, target);
    for (String[] h : headers) {
      b.header(h[0], h[1].strip()); // an HTTP parser drops the whitespace around a value
    }
    b.header("x-be", backend).header("x-src", src);
    if (body != null) {
      b.header("Content-Length", Integer.toString(body.length));
      b.body(new String(body, StandardCharsets.ISO_8859_1));
    }
    return b.client(src).build();
  }

  /** The request as text, for failure messages. */
  public String describe() {
    StringBuilder sb = new StringBuilder(method).append(' ').append(target).append(" src=").append(src);
    for (String[] h : headers) {
      sb.append("\n    ").append(h[0]).append(": ").append(h[1]);
    }
    if (body != null) {
      sb.append("\n    <body> ").append(new String(body, StandardCharsets.ISO_8859_1));
    }
    return sb.toString();
  }
}
