package org.stickyroute;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.stickyroute.counters.TrafficCounters;

/**
 * Where the request flow feeds the traffic counters: when a decision is routed (sessions, rates, {@code
 * lbtot}, the last session), when a refused connection is retried or redispatched ({@code wretr}, {@code
 * wredis}, counted on the server that failed, as HAProxy's {@code stream_choose_redispatch}), and when the
 * decision is closed (what its {@link ExchangeRecord} says: responses by class, bytes, errors, denials, times).
 * Allocation-free and lock-free. Nothing is counted when {@link ExchangeRecord#counting()} is false.
 */
final class Accounting {
  private static final VarHandle PENDING;

  static {
    try {
      PENDING = MethodHandles.lookup().findVarHandle(Decision.class, "accountPending", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private Accounting() {}

  /** A decision was routed at {@code nowMillis}: counts its sessions; {@link #settle} will close them. */
  static void routed(Decision d, long nowMillis) {
    if (!ExchangeRecord.ENABLED) {
      return;
    }
    d.accountPending = true;
    Frontend f = d.frontend;
    if (f != null) {
      TrafficCounters t = f.traffic;
      t.increment(TrafficCounters.STOT);
      t.increment(TrafficCounters.REQ_TOT);
      t.session(nowMillis);
      t.enter();
    }
    Backend b = d.backend;
    if (b == null) {
      return;
    }
    TrafficCounters t = b.traffic;
    t.increment(TrafficCounters.STOT);
    t.session(nowMillis);
    t.enter();
    if (d.server >= 0) {
      TrafficCounters s = d.snapshot.counters(d.server).traffic;
      s.session(nowMillis);
      if (!d.direct) { // chosen by the algorithm, not by persistence: HAProxy's cum_lbconn
        s.increment(TrafficCounters.LBTOT);
        t.increment(TrafficCounters.LBTOT);
      }
    }
  }

  /**
   * A retry after a failed connection to {@code failed}'s server: {@code wredis} when it moved to another
   * server (then a new session there, and {@code lbtot} on the new one), else {@code wretr}.
   */
  static void retried(Decision d, ServerCounters failed, boolean moved, long nowMillis) {
    if (!ExchangeRecord.ENABLED || d.backend == null) {
      return;
    }
    TrafficCounters b = d.backend.traffic;
    int which = moved ? TrafficCounters.WREDIS : TrafficCounters.WRETR;
    b.increment(which);
    if (failed != null) {
      failed.traffic.increment(which);
    }
    if (moved && d.server >= 0) {
      TrafficCounters s = d.snapshot.counters(d.server).traffic;
      s.session(nowMillis);
      s.increment(TrafficCounters.LBTOT);
      b.increment(TrafficCounters.LBTOT);
    }
  }

  /** Settles a routed decision's exchange into the counters, once (a second call does nothing). */
  static void settle(Decision d) {
    if (!d.accountPending || !PENDING.compareAndSet(d, true, false)) {
      return;
    }
    ExchangeRecord x = d.exchange;
    int k = x.status > 0 ? TrafficCounters.statusClass(x.status) : -1;
    Frontend f = d.frontend;
    if (f != null) {
      TrafficCounters t = f.traffic;
      t.leave();
      if (k >= 0) {
        t.increment(TrafficCounters.HRSP + k);
      }
      common(t, x);
      if (x.deniedResponse) {
        t.increment(TrafficCounters.DRESP);
      }
      if (x.requestError) {
        t.increment(TrafficCounters.EREQ);
      }
    }
    Backend b = d.backend;
    if (b == null) {
      return;
    }
    TrafficCounters t = b.traffic;
    t.leave();
    if (k >= 0) {
      t.increment(TrafficCounters.HRSP + k);
      t.increment(TrafficCounters.REQ_TOT);
    }
    common(t, x);
    server(t, x);
    if (d.status == 0 && d.server >= 0) {
      TrafficCounters s = d.snapshot.counters(d.server).traffic;
      if (x.fromServer && k >= 0) {
        s.increment(TrafficCounters.HRSP + k);
        s.increment(TrafficCounters.REQ_TOT);
      }
      if (x.fromServer) { // a server's bytes are those of the exchanges it answered
        s.add(TrafficCounters.BIN, Math.max(0, x.bytesIn));
        s.add(TrafficCounters.BOUT, Math.max(0, x.bytesOut));
      }
      server(s, x);
    }
  }

  /** Bytes and denied requests, as frontends and backends count them. */
  private static void common(TrafficCounters t, ExchangeRecord x) {
    t.add(TrafficCounters.BIN, Math.max(0, x.bytesIn));
    t.add(TrafficCounters.BOUT, Math.max(0, x.bytesOut));
    if (x.deniedRequest) {
      t.increment(TrafficCounters.DREQ);
    }
  }

  /** Denied responses, response errors and times, as backends and servers count them. */
  private static void server(TrafficCounters t, ExchangeRecord x) {
    if (x.deniedResponse) {
      t.increment(TrafficCounters.DRESP);
    }
    if (x.responseError) {
      t.increment(TrafficCounters.ERESP);
    }
    if (x.timed) {
      t.times(x.queueMs, x.connectMs, x.responseMs, x.totalMs);
    }
  }
}
