package org.stickyroute.config;

/**
 * What happens when a persistence cookie designates a server that exists but cannot take the request (DOWN or
 * in maintenance). A per-backend setting ({@link StickyOptions#failure()}); when unset it follows the
 * HAProxy options: {@code option persist} gives {@link #PERSIST}, otherwise {@link #REDISPATCH}.
 *
 * <p>Not to be confused with HAProxy's {@code option redispatch}, which is about <em>connection</em>
 * failures: a proxy that cannot connect to the chosen server asks {@link org.stickyroute.Router#redispatch}
 * for another one (HAProxy does so when {@code option redispatch} is set).
 */
public enum StickyFailure {
  /** Load-balance among the usable servers and issue a new cookie (HAProxy's default). */
  REDISPATCH,
  /**
   * Keep sending to the designated server while it exists, even DOWN or in maintenance ({@code option
   * persist}); a proxy that then fails to connect redispatches.
   */
  PERSIST,
  /**
   * Fail the request with {@link StickyOptions#strictStatus()} (for example 503) and change nothing: for
   * applications whose sessions cannot move. Beyond HAProxy. An unknown, empty, forged or expired cookie is
   * not a sticky failure: such requests are load-balanced and get a new cookie.
   */
  STRICT
}
