package org.stickyroute.servlet;

import org.stickyroute.ExchangeRecord;

/**
 * The moments of one exchange the counters' times are made of (System.nanoTime): the filter's start, and for
 * the Jetty proxy the first attempt's send and the last one's send, connection and response headers. Plain fields: the exchange's
 * threads hand it over through the container's async machinery. Reused with its {@link Exchange}.
 */
final class ExchangeTimes {
  long start;
  long firstSent;
  long sent;
  long connected;
  long headers;

  /** A new exchange starts now (nothing is read from the clock when counters are off). */
  void begin() {
    start = ExchangeRecord.counting() ? System.nanoTime() : 0;
    firstSent = 0;
    sent = 0;
    connected = 0;
    headers = 0;
  }

  static int millis(long from, long to) {
    return from == 0 || to < from ? 0 : (int) Math.min(Integer.MAX_VALUE, (to - from) / 1_000_000L);
  }
}
