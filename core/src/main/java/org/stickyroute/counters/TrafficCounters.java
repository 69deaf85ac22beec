package org.stickyroute.counters;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The traffic counters of one frontend, backend or server, as HAProxy's {@code fe_counters} / {@code
 * be_counters} keep them: totals (striped), the session rate ({@link FreqCounter}), in-flight sessions and their
 * maximum, the last session's time, and the four time averages ({@link SlidingAverage}) with their maxima. Every
 * update is allocation-free and lock-free; reads sum the stripes.
 *
 * <p>The totals are indexed by the constants below ({@link #STOT} ... {@link #LBTOT}; the response classes at
 * {@link #HRSP} + 0..5, 0 being {@code hrsp_other}).
 */
public final class TrafficCounters {
  /** Sessions ever ({@code stot}). */
  public static final int STOT = 0;
  /** Request bytes ({@code bin}). */
  public static final int BIN = 1;
  /** Response bytes ({@code bout}). */
  public static final int BOUT = 2;
  /** Denied requests ({@code dreq}). */
  public static final int DREQ = 3;
  /** Denied responses ({@code dresp}). */
  public static final int DRESP = 4;
  /** Request errors ({@code ereq}). */
  public static final int EREQ = 5;
  /** Connection errors ({@code econ}). */
  public static final int ECON = 6;
  /** Response errors ({@code eresp}). */
  public static final int ERESP = 7;
  /** Retries ({@code wretr}). */
  public static final int WRETR = 8;
  /** Redispatches ({@code wredis}). */
  public static final int WREDIS = 9;
  /** HTTP requests ({@code req_tot}). */
  public static final int REQ_TOT = 10;
  /** Load-balanced choices ({@code lbtot}). */
  public static final int LBTOT = 11;
  /** Responses of class k at {@code HRSP + k}: 0 other, 1..5 = 1xx..5xx ({@code hrsp_*}). */
  public static final int HRSP = 12;

  private static final int TOTALS = HRSP + 6;

  /** HAProxy 2.6's {@code TIME_STATS_SAMPLES} ({@code include/haproxy/defaults.h}). */
  public static final int TIME_STATS_SAMPLES = 512;

  private final StripedCounters totals = new StripedCounters(TOTALS);
  private final FreqCounter sessions = new FreqCounter();
  private final AtomicInteger cur = new AtomicInteger();
  private final AtomicInteger curMax = new AtomicInteger();
  private volatile long lastSessionSecond; // 0 = none, as HAProxy's last_sess
  /** Set once {@link #REQ_TOT} exceeded {@link #TIME_STATS_SAMPLES}: it never goes back, so stop summing it. */
  private volatile boolean windowFull;
  private final SlidingAverage qtime = new SlidingAverage();
  private final SlidingAverage ctime = new SlidingAverage();
  private final SlidingAverage rtime = new SlidingAverage();
  private final SlidingAverage ttime = new SlidingAverage();
  private final AtomicInteger qtimeMax = new AtomicInteger();
  private final AtomicInteger ctimeMax = new AtomicInteger();
  private final AtomicInteger rtimeMax = new AtomicInteger();
  private final AtomicInteger ttimeMax = new AtomicInteger();

  /** Counters at zero. */
  public TrafficCounters() {}

  /** HAProxy's response class of a status: {@code status / 100} when 1..5, else 0 ({@code hrsp_other}). */
  public static int statusClass(int status) {
    int n = status / 100;
    return n < 1 || n > 5 ? 0 : n;
  }

  /** Adds 1 to total {@code c}. */
  public void increment(int c) {
    totals.increment(c);
  }

  /** Adds {@code delta} to total {@code c}. */
  public void add(int c, long delta) {
    if (delta != 0) {
      totals.add(c, delta);
    }
  }

  /** Total {@code c}. */
  public long total(int c) {
    return totals.sum(c);
  }

  /**
   * A new session at {@code nowMillis}: the session rate and the last session's second ({@code stot} and the
   * in-flight count are separate: {@link #increment}, {@link #enter()}).
   */
  public void session(long nowMillis) {
    sessions.add(nowMillis, 1);
    long s = Math.floorDiv(nowMillis, 1000L);
    if (lastSessionSecond != s) {
      lastSessionSecond = s;
    }
  }

  /** One more session in flight ({@code scur}), raising {@code smax} if needed. */
  public void enter() {
    Maxima.raise(curMax, cur.incrementAndGet());
  }

  /** One session less in flight. */
  public void leave() {
    cur.decrementAndGet();
  }

  /** Sessions in flight ({@code scur}) as counted by {@link #enter()}/{@link #leave()}. */
  public int current() {
    return cur.get();
  }

  /** The most sessions in flight at once ({@code smax}) as counted by {@link #enter()}. */
  public int currentMax() {
    return curMax.get();
  }

  /** The session rate at {@code nowMillis} ({@code rate}). */
  public int rate(long nowMillis) {
    return sessions.rate(nowMillis);
  }

  /** The highest session count in one period ({@code rate_max}). */
  public int rateMax() {
    return sessions.max();
  }

  /** Seconds since the last session at {@code nowMillis} ({@code lastsess}), -1 when none. */
  public int lastSessionAge(long nowMillis) {
    long s = lastSessionSecond;
    return s == 0 ? -1 : (int) Math.max(0, Math.floorDiv(nowMillis, 1000L) - s);
  }

  /**
   * Adds one request's times in ms (HAProxy's {@code stream_update_time_stats}), after {@link #REQ_TOT} counted
   * it: the window is {@link #TIME_STATS_SAMPLES} once more than that many requests were counted, else 0.
   */
  public void times(int queue, int connect, int response, int total) {
    int n = windowFull() ? TIME_STATS_SAMPLES : 0;
    qtime.add(n, queue);
    ctime.add(n, connect);
    rtime.add(n, response);
    ttime.add(n, total);
    Maxima.raise(qtimeMax, queue);
    Maxima.raise(ctimeMax, connect);
    Maxima.raise(rtimeMax, response);
    Maxima.raise(ttimeMax, total);
  }

  /** Whether more than {@link #TIME_STATS_SAMPLES} requests were counted (one volatile read once true). */
  private boolean windowFull() {
    if (windowFull) {
      return true;
    }
    if (totals.sum(REQ_TOT) > TIME_STATS_SAMPLES) {
      windowFull = true;
      return true;
    }
    return false;
  }

  /** The window the averages are read over: {@code min(req_tot, TIME_STATS_SAMPLES)}, or the latter when 0. */
  private int window() {
    long n = totals.sum(REQ_TOT);
    return n > 0 && n < TIME_STATS_SAMPLES ? (int) n : TIME_STATS_SAMPLES;
  }

  /** Average queue time, ms ({@code qtime}). */
  public int qtime() {
    return SlidingAverage.average(qtime.sum(), window());
  }

  /** Average connect time, ms ({@code ctime}). */
  public int ctime() {
    return SlidingAverage.average(ctime.sum(), window());
  }

  /** Average response time, ms ({@code rtime}). */
  public int rtime() {
    return SlidingAverage.average(rtime.sum(), window());
  }

  /** Average total time, ms ({@code ttime}). */
  public int ttime() {
    return SlidingAverage.average(ttime.sum(), window());
  }

  /** Longest queue time, ms ({@code qtime_max}). */
  public int qtimeMax() {
    return qtimeMax.get();
  }

  /** Longest connect time, ms ({@code ctime_max}). */
  public int ctimeMax() {
    return ctimeMax.get();
  }

  /** Longest response time, ms ({@code rtime_max}). */
  public int rtimeMax() {
    return rtimeMax.get();
  }

  /** Longest total time, ms ({@code ttime_max}). */
  public int ttimeMax() {
    return ttimeMax.get();
  }
}
