package org.stickyroute;

import java.util.Objects;

/**
 * The runtime state of one server in one snapshot: what an operator, the health checks and the slow-start
 * clock set, as HAProxy's {@code show servers state} dumps it ({@code srv_admin_state}, {@code srv_op_state},
 * {@code srv_uweight}, {@code srv_last_change}). Its one-word summary is {@link #statusWord()}; the stats page
 * line built from it is a {@link ServerStatsRow}. Immutable.
 *
 * @param admin the administrative state
 * @param health the operational state
 * @param weight the current user weight, 0..256 (starts at the configured {@code weight}; runtime changes
 *     apply to the dynamic algorithms only: map-based hashing and {@code static-rr} only see 0 % or 100 %)
 * @param startingSinceMillis when the server last became usable and began its {@code slowstart} ramp, in
 *     epoch milliseconds of the backend's clock, or {@link #NOT_STARTING} when it runs at full weight
 *     (HAProxy's {@code SRV_ST_STARTING} and {@code last_change})
 */
public record ServerRuntimeState(AdminState admin, Health health, int weight, long startingSinceMillis) {
  /** {@link #startingSinceMillis} of a server that is not ramping up. */
  public static final long NOT_STARTING = -1;

  /** Validates. */
  public ServerRuntimeState {
    Objects.requireNonNull(admin, "admin");
    Objects.requireNonNull(health, "health");
    if (weight < 0 || weight > 256) {
      throw new IllegalArgumentException("'" + weight + "': weight must be 0..256");
    }
    if (startingSinceMillis < NOT_STARTING) {
      throw new IllegalArgumentException("'" + startingSinceMillis + "': start time must be >= 0 or -1");
    }
  }

  /** Ready, up, at {@code weight}, not ramping. */
  public static ServerRuntimeState up(int weight) {
    return new ServerRuntimeState(AdminState.READY, Health.UP, weight, NOT_STARTING);
  }

  /** This state with another admin state. */
  public ServerRuntimeState withAdmin(AdminState a) {
    return new ServerRuntimeState(a, health, weight, startingSinceMillis);
  }

  /** This state with another health. */
  public ServerRuntimeState withHealth(Health h) {
    return new ServerRuntimeState(admin, h, weight, startingSinceMillis);
  }

  /** This state with another weight. */
  public ServerRuntimeState withWeight(int w) {
    return new ServerRuntimeState(admin, health, w, startingSinceMillis);
  }

  /** This state ramping up since {@code millis}, or not ramping ({@link #NOT_STARTING}). */
  public ServerRuntimeState withStartingSince(long millis) {
    return new ServerRuntimeState(admin, health, weight, millis);
  }

  /** Whether the server is in its {@code slowstart} ramp. */
  public boolean starting() {
    return startingSinceMillis != NOT_STARTING;
  }

  /** Whether the server may take load-balanced traffic, weight aside: ready and up. */
  public boolean running() {
    return admin == AdminState.READY && health == Health.UP;
  }

  /** The state as a single word, the way HAProxy's stats page shows it in its {@code status} column. */
  public ServerStatusWord statusWord() {
    if (admin == AdminState.MAINT) {
      return ServerStatusWord.MAINT;
    }
    if (health == Health.DOWN) {
      return ServerStatusWord.DOWN;
    }
    if (admin == AdminState.DRAIN) {
      return ServerStatusWord.DRAIN;
    }
    return starting() ? ServerStatusWord.STARTING : ServerStatusWord.UP;
  }

  /**
   * Whether a persistence cookie naming this server is honoured without {@code option persist}: HAProxy
   * honours it unless the server is stopped (DOWN or in maintenance); draining and weight-0 servers accept.
   */
  public boolean acceptsPersistent() {
    return admin != AdminState.MAINT && health == Health.UP;
  }
}
