package org.stickyroute;

/** The operational state of a server, as health checks (or an operator) report it. */
public enum Health {
  /** Running: passes its checks, or is not checked. */
  UP,
  /** Stopped: failed {@code fall} consecutive checks (or was marked down). */
  DOWN
}
