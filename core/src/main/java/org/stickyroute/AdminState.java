package org.stickyroute;

/** The administrative state of a server, as set by an operator (HAProxy's {@code set server ... state}). */
public enum AdminState {
  /** Takes traffic according to its health. */
  READY,
  /**
   * Drain: takes no new load-balanced traffic, but requests that persist to it (a valid cookie) are still
   * served, as HAProxy's DRAIN.
   */
  DRAIN,
  /** Maintenance ({@code disabled}): takes no traffic at all, not even persistent. */
  MAINT
}
