package org.stickyroute.balance;

import org.stickyroute.http.RequestView;

/**
 * {@code balance first} ({@code src/lb_fas.c:fas_get_next_server}): the usable server with the lowest
 * numeric id ({@code id}, by default its position) that has a free connection slot under its {@code
 * maxconn}; weights only decide whether a server is usable. The server to avoid (a redispatch) is used only
 * when no other qualifies. With the first backup alone in use, that backup, full or not, as HAProxy does.
 * When every server is full the answer is {@link #SATURATED} (HAProxy queues the request).
 *
 * <p>Immutable (the servers sorted by id once per snapshot); thread-safe and allocation-free. The choice
 * reads the live counts, so concurrent requests may both see the last free slot: the default {@link
 * #pickAndTake} then takes on the server and chooses again when the take finds it full.
 */
public final class FirstPicker implements Picker {
  private final int[] byId;
  private final ServerGroup group;
  private final int firstBackup;

  private FirstPicker(int[] byId, ServerGroup group) {
    this.byId = byId;
    this.group = group;
    this.firstBackup = group.firstBackup();
  }

  /** The servers of the group in use, lowest id first. */
  public static FirstPicker build(ServerGroup group) {
    int[] members = group.inUse().clone();
    int[] puid = group.puid();
    // insertion sort by id: a backend has few servers, and this runs once per snapshot
    for (int i = 1; i < members.length; i++) {
      int m = members[i];
      int j = i - 1;
      while (j >= 0 && puid[members[j]] > puid[m]) {
        members[j + 1] = members[j];
        j--;
      }
      members[j + 1] = m;
    }
    return new FirstPicker(members, group);
  }

  @Override
  public int pick(RequestView request, int avoid, LoadView load) {
    if (firstBackup >= 0) {
      return firstBackup;
    }
    if (byId.length == 0) {
      return NO_SERVER;
    }
    int avoided = -1;
    for (int s : byId) {
      if (group.saturated(s, load)) {
        continue;
      }
      if (s != avoid) {
        return s;
      }
      avoided = s;
    }
    return avoided >= 0 ? avoided : SATURATED;
  }
}
