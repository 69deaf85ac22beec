package org.stickyroute;

import java.util.Objects;

/**
 * The live state of one server in one snapshot. Immutable.
 *
 * @param admin the administrative state
 * @param health the operational state
 * @param weight the current user weight, 0..256 (starts at the configured {@code weight}; runtime changes
 *     apply to the dynamic algorithms only: map-based hashing and {@code static-rr} only see 0 % or 100 %)
 * @param rampPercent the {@code slowstart} ramp-up, 1..100 (100 = fully up); scales the effective weight of
 *     the dynamic algorithms
 */
public record ServerStatus(AdminState admin, Health health, int weight, int rampPercent) {

  /** Validates. */
  public ServerStatus {
    Objects.requireNonNull(admin, "admin");
    Objects.requireNonNull(health, "health");
    if (weight < 0 || weight > 256) {
      throw new IllegalArgumentException("'" + weight + "': weight must be 0..256");
    }
    if (rampPercent < 1 || rampPercent > 100) {
      throw new IllegalArgumentException("'" + rampPercent + "': ramp must be 1..100");
    }
  }

  /** Ready, up, at {@code weight}, no ramp. */
  public static ServerStatus up(int weight) {
    return new ServerStatus(AdminState.READY, Health.UP, weight, 100);
  }

  /** This status with another admin state. */
  public ServerStatus withAdmin(AdminState a) {
    return new ServerStatus(a, health, weight, rampPercent);
  }

  /** This status with another health. */
  public ServerStatus withHealth(Health h) {
    return new ServerStatus(admin, h, weight, rampPercent);
  }

  /** This status with another weight. */
  public ServerStatus withWeight(int w) {
    return new ServerStatus(admin, health, w, rampPercent);
  }

  /** This status with another ramp. */
  public ServerStatus withRamp(int percent) {
    return new ServerStatus(admin, health, weight, percent);
  }

  /**
   * Whether a persistence cookie naming this server is honoured without {@code option persist}: HAProxy
   * honours it unless the server is stopped (DOWN or in maintenance); draining and weight-0 servers accept.
   */
  public boolean acceptsPersistent() {
    return admin != AdminState.MAINT && health == Health.UP;
  }
}
