package org.stickyroute;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Control-plane facts about one server that are not part of a snapshot and that the stats page shows: its
 * last health check and rise/fall counter, failed checks, DOWN transitions and the time of its last status
 * change. Thread-safe; written by the control plane, read by {@link Backend#stats()}.
 */
final class ServerHistory {
  private volatile CheckResult lastCheck;
  private volatile int checkHealth = -1;
  private volatile long lastChangeMillis;
  private final AtomicLong checkFailures = new AtomicLong();
  private final AtomicLong downTransitions = new AtomicLong();
  private volatile long downSeconds;

  ServerHistory(long sinceMillis) {
    this.lastChangeMillis = sinceMillis;
  }

  /** Records a check's result and the rise/fall counter after it (HAProxy's {@code chkfail} counts failures). */
  void check(CheckResult result, int health) {
    lastCheck = result;
    checkHealth = health;
    if (!result.success()) {
      checkFailures.incrementAndGet();
    }
  }

  /** Records a status change at {@code nowMillis} (HAProxy's {@code chkdown} counts UP to DOWN ones). */
  void transition(ServerStatusWord from, ServerStatusWord to, long nowMillis) {
    if (stopped(from) && !stopped(to)) {
      // HAProxy's srv_update_status: down_time += now - last_change, in whole seconds
      downSeconds += Math.max(0, seconds(nowMillis) - seconds(lastChangeMillis));
    }
    lastChangeMillis = nowMillis;
    if (to == ServerStatusWord.DOWN && from != ServerStatusWord.MAINT) {
      downTransitions.incrementAndGet();
    }
  }

  /** HAProxy's stopped state: DOWN or in maintenance. */
  static boolean stopped(ServerStatusWord w) {
    return w == ServerStatusWord.DOWN || w == ServerStatusWord.MAINT;
  }

  static long seconds(long millis) {
    return Math.floorDiv(millis, 1000L);
  }

  /**
   * Total seconds stopped at {@code nowMillis}, the current stop included when {@code now} is stopped (HAProxy's
   * {@code srv_downtime}).
   */
  long downtimeSeconds(ServerStatusWord now, long nowMillis) {
    long last = seconds(lastChangeMillis);
    long at = seconds(nowMillis);
    if (!stopped(now) || last >= at) {
      return downSeconds;
    }
    return at - last + downSeconds;
  }

  CheckResult lastCheck() {
    return lastCheck;
  }

  int checkHealth() {
    return checkHealth;
  }

  long lastChangeMillis() {
    return lastChangeMillis;
  }

  long checkFailures() {
    return checkFailures.get();
  }

  long downTransitions() {
    return downTransitions.get();
  }
}
