package org.stickyroute.servlet;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.stickyroute.Decision;
import org.stickyroute.ExchangeRecord;

/**
 * What the servlet filter tells the counters at the end of a request, before its decision is closed (which
 * settles them): the response status — the server's (the application's, or the one the Jetty proxy relayed),
 * or a local one when no server answered (the filter's 503 page, the proxy's 502/503/504) — and the bytes where
 * nothing better measured them: the request's declared {@code Content-Length} and the response's. The Jetty
 * proxy records its own counted bytes, errors and times before this runs ({@link StickyProxyServlet}).
 */
final class ExchangeCounters {
  private ExchangeCounters() {}

  static void settle(Exchange ex, boolean noServerResponse) {
    if (!ExchangeRecord.counting()) {
      return;
    }
    Decision d = ex.decision;
    ExchangeRecord x = d.exchange();
    HttpServletResponse resp = ex.response;
    HttpServletRequest req = ex.request;
    if (x.status() == 0 && resp != null) {
      int status = resp.getStatus();
      if (noServerResponse || !d.ok()) {
        x.localStatus(status);
      } else {
        x.status(status);
      }
    }
    if (x.bytesIn() < 0 && req != null) {
      long n = req.getContentLengthLong();
      if (n > 0) {
        x.bytesIn(n);
      }
    }
    if (x.bytesOut() < 0 && resp != null) {
      long n = contentLength(resp.getHeader("Content-Length"));
      if (n > 0) {
        x.bytesOut(n);
      }
    }
  }

  /** A {@code Content-Length} value, or -1 (parsed without allocating). */
  static long contentLength(String v) {
    if (v == null || v.isEmpty() || v.length() > 18) {
      return -1;
    }
    long n = 0;
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      n = n * 10 + (c - '0');
    }
    return n;
  }
}
