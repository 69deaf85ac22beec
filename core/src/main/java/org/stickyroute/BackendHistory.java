package org.stickyroute;

/**
 * When a backend last went UP or DOWN and how long it has been DOWN in all, as HAProxy keeps {@code
 * last_change}, {@code down_time} and {@code down_trans} for a proxy ({@code be_downtime}). A backend is DOWN
 * when it has servers and none can take load-balanced traffic. Written under the backend's control lock, read
 * by the stats.
 */
final class BackendHistory {
  private volatile long lastChangeMillis;
  private volatile boolean up;
  private volatile long downSeconds;
  private volatile long downTransitions;

  BackendHistory(long nowMillis, boolean up) {
    this.lastChangeMillis = nowMillis;
    this.up = up;
  }

  /** Records the backend's state after a change of its servers, at {@code nowMillis}. Control plane. */
  void update(boolean nowUp, long nowMillis) {
    if (nowUp == up) {
      return;
    }
    if (nowUp) {
      downSeconds += Math.max(0, ServerHistory.seconds(nowMillis) - ServerHistory.seconds(lastChangeMillis));
    } else {
      downTransitions++;
    }
    up = nowUp;
    lastChangeMillis = nowMillis;
  }

  boolean up() {
    return up;
  }

  long lastChangeMillis() {
    return lastChangeMillis;
  }

  long downTransitions() {
    return downTransitions;
  }

  /** HAProxy's {@code be_downtime} at {@code nowMillis}. */
  long downtimeSeconds(long nowMillis) {
    long last = ServerHistory.seconds(lastChangeMillis);
    long at = ServerHistory.seconds(nowMillis);
    if (up || last >= at) {
      return downSeconds;
    }
    return at - last + downSeconds;
  }
}
