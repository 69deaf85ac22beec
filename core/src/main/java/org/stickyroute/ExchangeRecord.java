package org.stickyroute;

import org.stickyroute.counters.TrafficCounters;

/**
 * What an adapter tells the counters about one exchange, beyond what routing counts itself: the response's
 * status, the bytes, errors, denials and the four times. Owned by a {@link Decision} ({@link
 * Decision#exchange()}), reset when it routes, and settled into the frontend's, backend's and server's counters
 * when the decision is closed — once. Allocation-free; every setter is a plain field write, except {@link
 * #connectFailed()}, which counts at once (the retry that follows may move the request to another server).
 *
 * <pre>{@code
 * router.route(frontend, request, d);
 * ... forward; on a refused connection: d.exchange().connectFailed(), then ConnectRetry.next(...)
 * d.exchange().status(serverStatus).bytesIn(requestBytes).bytesOut(responseBytes);
 * d.exchange().times(queueMs, connectMs, responseMs, totalMs);     // when the adapter measures them
 * d.close();                                                        // settles the counters
 * }</pre>
 *
 * <p>Counters can be turned off for a whole JVM with the system property {@code stickyroute.counters=off}
 * (read once): routing then counts nothing beyond the in-flight and selection counts its algorithms need, and
 * this record's settlement is skipped. Not thread-safe: one request at a time, as its decision.
 */
public final class ExchangeRecord {
  /** Whether counting is on: false when the system property {@code stickyroute.counters} is {@code off}. */
  static final boolean ENABLED = !"off".equalsIgnoreCase(System.getProperty("stickyroute.counters", "on"));

  private final Decision owner;
  int status;
  boolean fromServer;
  long bytesIn;
  long bytesOut;
  boolean deniedRequest;
  boolean deniedResponse;
  boolean requestError;
  boolean responseError;
  boolean timed;
  int queueMs;
  int connectMs;
  int responseMs;
  int totalMs;

  ExchangeRecord(Decision owner) {
    this.owner = owner;
    reset();
  }

  /** Whether counters are on in this JVM (system property {@code stickyroute.counters}, default on). */
  public static boolean counting() {
    return ENABLED;
  }

  void reset() {
    status = 0;
    fromServer = false;
    bytesIn = -1;
    bytesOut = -1;
    deniedRequest = false;
    deniedResponse = false;
    requestError = false;
    responseError = false;
    timed = false;
  }

  /**
   * The status of the server's response (counted in {@code hrsp_*} of the frontend, the backend and the
   * server, and in their {@code req_tot}).
   */
  public ExchangeRecord status(int httpStatus) {
    status = httpStatus;
    fromServer = true;
    return this;
  }

  /**
   * The status of a response the adapter made itself, no server having answered (HAProxy's own 503 page, a
   * proxy's 502 or 504): counted for the frontend and the backend, not for a server.
   */
  public ExchangeRecord localStatus(int httpStatus) {
    status = httpStatus;
    fromServer = false;
    return this;
  }

  /** The status recorded so far, 0 when none. */
  public int status() {
    return status;
  }

  /** Request bytes received from the client ({@code bin}). */
  public ExchangeRecord bytesIn(long n) {
    bytesIn = n;
    return this;
  }

  /** Adds request bytes received from the client ({@code bin}). */
  public ExchangeRecord addBytesIn(long n) {
    bytesIn = Math.max(bytesIn, 0) + n;
    return this;
  }

  /** Response bytes sent to the client ({@code bout}). */
  public ExchangeRecord bytesOut(long n) {
    bytesOut = n;
    return this;
  }

  /** Adds response bytes sent to the client ({@code bout}). */
  public ExchangeRecord addBytesOut(long n) {
    bytesOut = Math.max(bytesOut, 0) + n;
    return this;
  }

  /** The request bytes recorded, -1 when none was. */
  public long bytesIn() {
    return bytesIn;
  }

  /** The response bytes recorded, -1 when none was. */
  public long bytesOut() {
    return bytesOut;
  }

  /** The request was denied ({@code dreq} of the frontend and backend). */
  public ExchangeRecord deniedRequest() {
    deniedRequest = true;
    return this;
  }

  /** The response was denied ({@code dresp}). */
  public ExchangeRecord deniedResponse() {
    deniedResponse = true;
    return this;
  }

  /** The request was invalid or timed out before it was complete ({@code ereq} of the frontend). */
  public ExchangeRecord requestError() {
    requestError = true;
    return this;
  }

  /**
   * The server's response failed: it closed, reset or timed out before a complete response ({@code eresp}
   * of the backend and of the decision's server at close).
   */
  public ExchangeRecord responseFailed() {
    responseError = true;
    return this;
  }

  /**
   * A connection attempt to the decision's current server failed ({@code econ} of that server and the
   * backend), counted now: call it before {@link ConnectRetry#next}, which may move the request elsewhere.
   */
  public void connectFailed() {
    Decision d = owner;
    if (!ENABLED || d.backend == null) {
      return;
    }
    d.backend.traffic.increment(TrafficCounters.ECON);
    if (d.server >= 0 && d.snapshot != null) {
      d.snapshot.counters(d.server).traffic.increment(TrafficCounters.ECON);
    }
  }

  /**
   * The exchange's times in milliseconds, as HAProxy's {@code stream_update_time_stats} takes them (only for a
   * request that reached a server and got its response headers): {@code queueMs} waiting before a server was
   * tried ({@code qtime}), {@code connectMs} to connect ({@code ctime}), {@code responseMs} from the connection
   * to the response headers ({@code rtime}), {@code totalMs} from the request's arrival to the end ({@code
   * ttime}). Negative values count as 0.
   */
  public ExchangeRecord times(int queueMs, int connectMs, int responseMs, int totalMs) {
    this.queueMs = Math.max(0, queueMs);
    this.connectMs = Math.max(0, connectMs);
    this.responseMs = Math.max(0, responseMs);
    this.totalMs = Math.max(0, totalMs);
    timed = true;
    return this;
  }
}
