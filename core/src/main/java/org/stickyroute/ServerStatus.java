package org.stickyroute;

import java.util.Objects;

/**
 * The live state of one server in one snapshot. Immutable.
 *
 * @param admin the administrative state
 * @param health the operational state
 * @param weight the current user weight, 0..256 (starts at the configured {@code weight}; runtime changes
 *     apply to the dynamic algorithms only: map-based hashing and {@code static-rr} only see 0 % or 100 %)
 * @param startingSinceMillis when the server last became usable and began its {@code slowstart} ramp, in
 *     epoch milliseconds of the backend's clock, or {@link #NOT_STARTING} when it runs at full weight
 *     (HAProxy's {@code SRV_ST_STARTING} and {@code last_change})
 */
public record ServerStatus(AdminState admin, Health health, int weight, long startingSinceMillis) {
  /** {@link #startingSinceMillis} of a server that is not ramping up. */
  public static final long NOT_STARTING = -1;

  /** Validates. */
  public ServerStatus {
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
  public static ServerStatus up(int weight) {
    return new ServerStatus(AdminState.READY, Health.UP, weight, NOT_STARTING);
  }

  /** This status with another admin state. */
  public ServerStatus withAdmin(AdminState a) {
    return new ServerStatus(a, health, weight, startingSinceMillis);
  }

  /** This status with another health. */
  public ServerStatus withHealth(Health h) {
    return new ServerStatus(admin, h, weight, startingSinceMillis);
  }

  /** This status with another weight. */
  public ServerStatus withWeight(int w) {
    return new ServerStatus(admin, health, w, startingSinceMillis);
  }

  /** This status ramping up since {@code millis}, or not ramping ({@link #NOT_STARTING}). */
  public ServerStatus withStartingSince(long millis) {
    return new ServerStatus(admin, health, weight, millis);
  }

  /** Whether the server is in its {@code slowstart} ramp. */
  public boolean starting() {
    return startingSinceMillis != NOT_STARTING;
  }

  /** Whether the server may take load-balanced traffic, weight aside: ready and up. */
  public boolean running() {
    return admin == AdminState.READY && health == Health.UP;
  }

  /** The state as a single word, the way HAProxy's stats page shows it. */
  public ServerState state() {
    if (admin == AdminState.MAINT) {
      return ServerState.MAINT;
    }
    if (health == Health.DOWN) {
      return ServerState.DOWN;
    }
    if (admin == AdminState.DRAIN) {
      return ServerState.DRAIN;
    }
    return starting() ? ServerState.STARTING : ServerState.UP;
  }

  /**
   * Whether a persistence cookie naming this server is honoured without {@code option persist}: HAProxy
   * honours it unless the server is stopped (DOWN or in maintenance); draining and weight-0 servers accept.
   */
  public boolean acceptsPersistent() {
    return admin != AdminState.MAINT && health == Health.UP;
  }
}
