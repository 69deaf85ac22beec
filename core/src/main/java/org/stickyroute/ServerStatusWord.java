package org.stickyroute;

/**
 * A server's status in one word, as HAProxy's stats page ({@code status} column) and logs name it; derived from
 * its {@link ServerRuntimeState} ({@link ServerRuntimeState#statusWord()}): maintenance wins over health, health
 * over drain, drain over slow start.
 */
public enum ServerStatusWord {
  /** Ready and passing checks (or not checked), at full weight. HAProxy: {@code UP}. */
  UP,
  /** Ready and up, in its {@code slowstart} ramp. HAProxy: {@code UP} with a throttle below 100 %. */
  STARTING,
  /** Failed its checks (or was marked down). HAProxy: {@code DOWN}. */
  DOWN,
  /** Up but draining: no new load-balanced traffic, persistent traffic still served. HAProxy: {@code DRAIN}. */
  DRAIN,
  /** In maintenance ({@code disabled}): no traffic at all. HAProxy: {@code MAINT}. */
  MAINT
}
