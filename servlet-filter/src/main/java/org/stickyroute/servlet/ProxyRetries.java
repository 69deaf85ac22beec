package org.stickyroute.servlet;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import org.stickyroute.ConnectRetry;
import org.stickyroute.config.BackendConfig;

/**
 * What {@link StickyProxyServlet} retries after a failed attempt (a refused connection, an idempotent request on a
 * connection the server closed); how it retries and when it redispatches is HAProxy's rule in core ({@link
 * ConnectRetry}), shared with the Spring Cloud Gateway.
 */
final class ProxyRetries {
  private ProxyRetries() {}

  /** RFC 9110 §9.2.2's idempotent methods. */
  static boolean idempotent(String method) {
    return switch (method) {
      case "GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE" -> true;
      default -> false;
    };
  }

  /** Whether the server could not be connected to (refused, unreachable, connect timeout): nothing was sent. */
  static boolean connectFailure(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ConnectException || t instanceof UnresolvedAddressException) {
        return true;
      }
      if (t instanceof SocketTimeoutException && String.valueOf(t.getMessage()).contains("Connect")) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  /** The pause before another attempt on the same server: {@code min(timeout connect, 1 s)}. */
  static long turnAround(BackendConfig bc) {
    return ConnectRetry.turnAroundMillis(bc);
  }
}
