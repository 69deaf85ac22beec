package org.stickyroute;

import org.stickyroute.config.BackendConfig;

/**
 * HAProxy 2.6's handling of a connection the chosen server refused (§8 of its docs; {@code
 * back_handle_st_cer} and {@code stream_choose_redispatch} in the source), for every adapter that forwards
 * requests: up to {@code retries} re-attempts after the first, a turn-around pause of {@code min(timeout
 * connect, 1 s)} between attempts on the same server, and with {@code option redispatch} a retry that moves
 * the request to another server ({@link Router#redispatch}) when its server is no longer running, on the
 * last retry (or every {@code option redispatch <n>}-th), or at once for a non-persistent request to a
 * non-hash backend (not {@code uri}, {@code source}, {@code hdr}, {@code url_param} or {@code hash}) with more
 * than one active server. Under the {@code strict} sticky-failure policy a request
 * its cookie chose is retried on its server, never moved.
 *
 * <p>Adapters call {@link #next(Router, Decision, int)} after each refused attempt and either send the request
 * again (to the decision's server, which may have changed) after the pause it returns, or give up.
 */
public final class ConnectRetry {
  /** Returned by {@link #next} when no further attempt must be made. */
  public static final long GIVE_UP = -1;

  private ConnectRetry() {}

  /**
   * Decides retry number {@code retry} (1-based) of a decision whose connection was refused: returns the pause
   * in milliseconds before sending the request again to {@link Decision#server()} (0 = at once), or {@link
   * #GIVE_UP} when {@code retries} are exhausted or a redispatch found no server (the decision's status then
   * says 503, and its lease is released). The caller then answers HAProxy's 503 — or, when {@link
   * Router#failSticky} accepts the decision, the strict status.
   */
  public static long next(Router router, Decision d, int retry) {
    if (!d.ok() || d.backend() == null) {
      return GIVE_UP;
    }
    BackendConfig bc = d.backend().config();
    if (retry > bc.retries()) {
      return GIVE_UP;
    }
    int failed = d.server();
    ServerCounters failedCounters = failed >= 0 ? d.snapshot().counters(failed) : null;
    boolean moved = false;
    // under sticky-failure strict the user's server is retried, never swapped for another one
    if (redispatchNow(d, bc, retry) && router.mayRedispatch(d)) {
      int s = router.redispatch(d);
      if (s < 0) {
        return GIVE_UP;
      }
      moved = s != failed;
    }
    Accounting.retried(d, failedCounters, moved, router.millis()); // wretr or wredis, on the failed server
    return moved && activeServers(d.backend().snapshot()) > 1 ? 0 : turnAroundMillis(bc);
  }

  /** HAProxy 2.6.12's {@code stream_choose_redispatch}, for retry number {@code retry} (1-based). */
  static boolean redispatchNow(Decision d, BackendConfig bc, int retry) {
    if (!bc.redispatch()) {
      return false;
    }
    BackendSnapshot snap = d.backend().snapshot();
    int s = snap.indexOf(d.serverName()); // the current snapshot's index: a reconfiguration may have moved it
    if (s < 0) {
      return true; // the server left the backend
    }
    ServerRuntimeState st = snap.state(s);
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
  public static long turnAroundMillis(BackendConfig bc) {
    long c = bc.connectTimeoutMillis();
    return c > 0 ? Math.min(c, 1000) : 1000;
  }
}
