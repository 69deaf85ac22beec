package org.stickyroute.servlet;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import org.stickyroute.AdminState;
import org.stickyroute.BackendSnapshot;
import org.stickyroute.Decision;
import org.stickyroute.Health;
import org.stickyroute.ServerRuntimeState;
import org.stickyroute.config.BackendConfig;

/** HAProxy 2.6's retry and redispatch rules, as {@link StickyProxyServlet} applies them after a failed attempt. */
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

  /** HAProxy 2.6.12's {@code stream_choose_redispatch}, for retry number {@code retry} (1-based). */
  static boolean redispatchNow(Decision d, BackendConfig bc, int retry) {
    if (!bc.redispatch()) {
      return false;
    }
    BackendSnapshot snap = d.backend().snapshot();
    ServerRuntimeState st = snap.state(d.server());
    if (st.health() == Health.DOWN || st.admin() == AdminState.MAINT || st.starting()) {
      return true; // the server is no longer running
    }
    int after = bc.redispatchInterval();
    if (after > 0 && retry % after == 0) {
      return true;
    }
    if (after < 0) {
      int period = bc.retries() + 1 + after;
      if (period > 0 && retry % period == 0) {
        return true;
      }
    }
    return !d.direct() && activeServers(snap) > 1 && !bc.balance().isHash(); // BE_LB_KIND_HI: any hash
  }

  /** HAProxy's {@code srv_act}: active (non-backup) servers that are running. */
  static int activeServers(BackendSnapshot snap) {
    int n = 0;
    for (int i = 0; i < snap.serverCount(); i++) {
      ServerRuntimeState st = snap.state(i);
      if (!snap.server(i).backup() && st.health() == Health.UP && st.admin() != AdminState.MAINT) {
        n++;
      }
    }
    return n;
  }

  /** The pause before another attempt on the same server: {@code min(timeout connect, 1 s)}. */
  static long turnAround(BackendConfig bc) {
    long c = bc.connectTimeoutMillis();
    return c > 0 ? Math.min(c, 1000) : 1000;
  }
}
