package org.stickyroute;

import java.time.Instant;
import java.util.Objects;

/**
 * One change of a server's one-word status. Immutable.
 *
 * @param backend the backend's name
 * @param server the server's name
 * @param from the status before
 * @param to the status after (never equal to {@code from})
 * @param cause what made the change
 * @param detail a human-readable reason (for checks, e.g. {@code "Layer7 wrong status: 503"}), never null
 * @param at when the change was published, by the backend's clock
 */
public record ServerTransition(
    String backend, String server, ServerStatusWord from, ServerStatusWord to, Cause cause, String detail, Instant at) {

  /** What made a server change status. */
  public enum Cause {
    /** A health check result crossed {@code rise} or {@code fall}. */
    CHECK,
    /** An explicit call ({@link Backend#setHealth}, {@link Backend#setAdmin}, {@link Backend#update} ...). */
    OPERATOR,
    /** A {@code slowstart} ramp ended. */
    SLOWSTART,
    /** A new configuration was applied ({@link Backend#reconfigure}). */
    CONFIG
  }

  /** Validates. */
  public ServerTransition {
    Objects.requireNonNull(backend, "backend");
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(cause, "cause");
    Objects.requireNonNull(detail, "detail");
    Objects.requireNonNull(at, "at");
  }
}
