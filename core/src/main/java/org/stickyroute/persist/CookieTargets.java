package org.stickyroute.persist;

/**
 * The servers of one backend as cookie persistence reads them on the request path: which of them a
 * persistence cookie may send a request to. Server indexes are positions in the backend configuration's
 * server list, the same list the {@link CookiePersistence} was compiled from.
 *
 * <p>Persistence defines this interface so that it never depends on the package that owns the live servers;
 * that package implements it over each immutable snapshot of a backend (allocation-free, thread-safe).
 */
@FunctionalInterface
public interface CookieTargets {
  /**
   * Whether server {@code server} honours a persistence cookie now, without {@code option persist}: HAProxy's
   * "not stopped" (UP, DRAIN and weight 0 accept; DOWN and maintenance refuse).
   */
  boolean acceptsPersistent(int server);
}
