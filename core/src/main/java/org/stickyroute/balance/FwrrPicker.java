package org.stickyroute.balance;

import org.stickyroute.http.RequestView;

/**
 * {@code balance roundrobin}: HAProxy 2.6's fast weighted round robin ({@code src/lb_fwrr.c}), request for
 * request the same sequence, weights, backups and state changes included. The state ({@link Fwrr}: the
 * per-server positions and the trees) is HAProxy's, translated function by function; {@code static-rr}
 * is the other round robin ({@link RoundRobinPicker}).
 *
 * <p>Choice: with usable active servers, the next server of the active group; else the first usable backup
 * (HAProxy's {@code fbck}) or, with {@code option allbackups}, the next of the backup group. Servers at their
 * {@code maxconn} are skipped and re-queued as HAProxy does ({@code fwrr_get_next_server}); the server to
 * avoid (a redispatch) is used only when no other qualifies; when every server is full the answer is {@link
 * #SATURATED} (HAProxy queues the request).
 *
 * <p>State across snapshots: HAProxy's trees outlive state changes, so does ours. A snapshot with the same
 * servers (by identity, same order, same backup flags) — a weight, health, admin, drain or slow-start change,
 * or a reload that keeps the server list — applies the change to the previous picker's state in place, server
 * by server in declaration order, as {@code fwrr_update_server_weight} would, and shares it; requests still
 * on the previous snapshot keep using the same state. A different server list starts a fresh state, as a
 * HAProxy reload does. Each choice takes the state's own small lock (HAProxy takes {@code lbprm.lock} here
 * too); thread-safe and allocation-free.
 */
public final class FwrrPicker implements Picker {
  private final Fwrr state;
  private final ServerGroup group;
  private final Object[] identity;
  private final int firstBackup;
  private final boolean empty;
  private final boolean backups;

  private FwrrPicker(Fwrr state, ServerGroup group) {
    this.state = state;
    this.group = group;
    this.identity = group.identities();
    this.firstBackup = group.firstBackup();
    int[] members = group.members();
    this.empty = members.length == 0;
    this.backups = !empty && group.backup(members[0]);
  }

  /**
   * Builds the picker of a snapshot (control plane).
   *
   * @param previous the picker of the snapshot this one replaces: its state is carried over when it is a
   *     round-robin picker of the same servers; or {@code null}
   */
  public static FwrrPicker build(ServerGroup group, Picker previous) {
    int n = group.serverCount();
    boolean[] usable = new boolean[n];
    boolean[] backup = new boolean[n];
    for (int s = 0; s < n; s++) {
      usable[s] = group.usable(s);
      backup[s] = group.backup(s);
    }
    if (previous instanceof FwrrPicker before && before.sameServers(group, backup)) {
      before.state.apply(usable, group.eweight());
      return new FwrrPicker(before.state, group);
    }
    return new FwrrPicker(new Fwrr(backup, usable, group.eweight()), group);
  }

  private boolean sameServers(ServerGroup next, boolean[] backup) {
    if (!next.sameServers(identity)) {
      return false;
    }
    for (int s = 0; s < backup.length; s++) {
      if (state.backup(s) != backup[s]) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int pick(RequestView request, int avoid, LoadView load) {
    if (firstBackup >= 0) {
      return firstBackup;
    }
    if (empty) {
      return NO_SERVER;
    }
    int s = state.next(backups, avoid, group, load);
    return s >= 0 ? s : SATURATED;
  }

  @Override
  public String inconsistency() {
    return state.inconsistency();
  }
}
