package org.stickyroute;

/**
 * Told about every change of a server's {@link ServerStatusWord} (a {@link ServerTransition}) in a {@link Backend} (HAProxy logs these as
 * "Server be/s1 is DOWN, reason: ..."). Register with {@link Backend#addListener}.
 *
 * <p>Called on the control-plane thread that made the change (a health checker, the slow-start scheduler,
 * or the caller of {@link Backend#setHealth} and friends), after the new snapshot is published and never on
 * the request path. Calls are serialised per backend and arrive in publication order. Keep them short, or
 * hand the event to your own executor: the next health check of that server waits for them. An exception
 * thrown by one listener is logged and does not stop the others.
 */
@FunctionalInterface
public interface ServerTransitionListener {
  /** One transition. */
  void onTransition(ServerTransition transition);
}
