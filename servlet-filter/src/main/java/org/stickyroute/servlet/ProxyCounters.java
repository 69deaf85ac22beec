package org.stickyroute.servlet;

import jakarta.servlet.http.HttpServletRequest;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.stickyroute.Decision;
import org.stickyroute.ExchangeRecord;

/**
 * What {@link StickyProxyServlet} tells the counters, as HAProxy counts a proxied exchange: each refused
 * connection ({@code econ}, before the retry that may move the request), a failed response ({@code eresp}:
 * before anything reached the client),
 * the server's status at its response headers, the body bytes relayed each way, and the four times of
 * HAProxy's {@code stream_update_time_stats}:
 *
 * <ul>
 *   <li>{@code qtime}: from the filter's start to the first attempt (stickyroute never queues: routing and
 *       dispatch only);
 *   <li>{@code ctime}: from the first attempt to the connection the request was finally sent on (Jetty's
 *       request {@code onBegin}), retries and their pauses included, as HAProxy's {@code t_connect - t_queue};
 *       about 0 on a pooled connection;
 *   <li>{@code rtime}: from that connection to the server's response headers;
 *   <li>{@code ttime}: from the filter's start to the end of the response.
 * </ul>
 *
 * Nothing is recorded, and no listener is added, when counters are off ({@link ExchangeRecord#counting()}).
 */
final class ProxyCounters {
  private ProxyCounters() {}

  /** An attempt is being sent: its time, and a listener for the moment it has a connection. */
  static void attempt(HttpServletRequest clientRequest, Request proxyRequest) {
    Exchange ex = counted(clientRequest);
    if (ex == null) {
      return;
    }
    ExchangeTimes t = ex.times;
    long now = System.nanoTime();
    if (t.firstSent == 0) {
      t.firstSent = now;
    }
    t.sent = now;
    t.connected = 0;
    proxyRequest.onRequestBegin(r -> t.connected = System.nanoTime());
  }

  /** The server's response headers arrived: its status counts as the server's. */
  static void headers(HttpServletRequest clientRequest, Response serverResponse) {
    Exchange ex = counted(clientRequest);
    if (ex != null) {
      ex.times.headers = System.nanoTime();
      ex.decision.exchange().status(serverResponse.getStatus());
    }
  }

  /** Response body bytes relayed to the client. */
  static void bytesOut(HttpServletRequest clientRequest, int n) {
    Exchange ex = counted(clientRequest);
    if (ex != null) {
      ex.decision.exchange().addBytesOut(n);
    }
  }

  /** Request body bytes read from the client. */
  static void bytesIn(HttpServletRequest clientRequest, int n) {
    Exchange ex = n > 0 ? counted(clientRequest) : null;
    if (ex != null) {
      ex.decision.exchange().addBytesIn(n);
    }
  }

  /** The whole response was relayed: the times. */
  static void success(HttpServletRequest clientRequest) {
    Exchange ex = counted(clientRequest);
    if (ex == null) {
      return;
    }
    ExchangeTimes t = ex.times;
    long end = System.nanoTime();
    long connected = t.connected != 0 ? t.connected : t.sent;
    ex.decision.exchange().times(ExchangeTimes.millis(t.start, t.firstSent), ExchangeTimes.millis(t.firstSent,
        connected), ExchangeTimes.millis(connected, t.headers), ExchangeTimes.millis(t.start, end));
  }

  /**
   * An attempt failed: a refused connection ({@code econ}, counted now), or a failed response ({@code eresp}:
   * the server closed, reset or timed out before its response reached the client). A failure once the response
   * was committed is not an {@code eresp}: the client had the server's answer (under Tomcat the proxy's request
   * body sender may report the client stream closed after a complete exchange).
   */
  static void failure(HttpServletRequest clientRequest, boolean connectFailure, boolean committed) {
    Exchange ex = counted(clientRequest);
    if (ex == null) {
      return;
    }
    Decision d = ex.decision;
    if (connectFailure) {
      d.exchange().connectFailed();
    } else if (!committed) {
      d.exchange().responseFailed();
    }
  }

  private static Exchange counted(HttpServletRequest clientRequest) {
    return ExchangeRecord.counting() ? StickyRouteFilter.exchange(clientRequest) : null;
  }
}
