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
    lastChangeMillis = nowMillis;
    if (to == ServerStatusWord.DOWN && from != ServerStatusWord.MAINT) {
      downTransitions.incrementAndGet();
    }
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
