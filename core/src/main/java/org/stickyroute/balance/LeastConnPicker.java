package org.stickyroute.balance;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;
import org.stickyroute.http.RequestView;

/**
 * {@code balance leastconn} ({@code src/lb_fwlc.c}): the first unsaturated server of the group in use in
 * HAProxy's (key, FIFO) order, skipping the server to avoid unless no other qualifies. The order lives in a
 * {@link LeastConnQueue}, and the choice and the take happen under its lock ({@link #pickAndTake}), as
 * HAProxy's backend lock serialises them: two concurrent requests never take the same server while another
 * one was less loaded. Every other take and every drop re-reads the server's live count and re-positions it
 * ({@code fwlc_srv_reposition}, HAProxy's {@code server_take_conn} / {@code server_drop_conn} hooks), so the
 * picker ignores the {@code load} it is given.
 *
 * <p>The queue outlives snapshots as HAProxy's tree outlives state changes: a snapshot of the same servers
 * (a weight, health, admin or slow-start change) applies the new group to the previous picker's queue in
 * place ({@code set_server_status_up/down}, {@code update_server_eweight}), so servers that did not change
 * keep their place. After a reconfiguration the new queue takes the previous order over for the servers it
 * keeps (by identity) whose weight did not change, and queues the others after them in declaration order.
 * Thread-safe; allocation-free on the request path.
 */
public final class LeastConnPicker implements Picker {
  private final LeastConnQueue queue;
  private final LoadView live;
  private final Object[] identity;
  private final int[] eweight;

  private LeastConnPicker(LeastConnQueue queue, ServerGroup group) {
    this.queue = queue;
    this.live = group.live();
    this.identity = group.identities();
    this.eweight = group.eweight().clone();
  }

  /**
   * Builds the picker of the group in use (control plane).
   *
   * @param previous the picker of the snapshot this one replaces (its queue, or its order, is carried over
   *     when it is a leastconn picker), or {@code null}
   */
  public static LeastConnPicker build(ServerGroup group, Picker previous) {
    int n = group.serverCount();
    int[] members = group.inUse();
    LeastConnPicker before = previous instanceof LeastConnPicker ? (LeastConnPicker) previous : null;
    if (before != null && group.sameServers(before.identity)) {
      before.queue.update(members, group.eweight(), group.maxconn());
      return new LeastConnPicker(before.queue, group);
    }
    LeastConnQueue q = new LeastConnQueue(n);
    for (int s = 0; s < n; s++) {
      q.setServed(s, group.live().served(s));
    }
    q.update(before == null ? members : inherited(before, group, members), group.eweight(), group.maxconn());
    return new LeastConnPicker(q, group);
  }

  /** Members kept from {@code before} with the same weight in its order, then the others in declaration order. */
  private static int[] inherited(LeastConnPicker before, ServerGroup group, int[] members) {
    Map<Object, Integer> rank = new IdentityHashMap<>();
    int[] order = before.queue.order();
    for (int r = 0; r < order.length; r++) {
      rank.put(before.identity[order[r]], r);
    }
    List<int[]> kept = new ArrayList<>();
    List<Integer> others = new ArrayList<>();
    for (int s : members) {
      Integer r = rank.get(group.identity(s));
      if (r != null && before.eweight[order[r]] == group.eweight()[s]) {
        kept.add(new int[] {r, s});
      } else {
        others.add(s);
      }
    }
    kept.sort((a, b) -> Integer.compare(a[0], b[0]));
    int[] out = new int[members.length];
    int k = 0;
    for (int[] e : kept) {
      out[k++] = e[1];
    }
    for (int s : others) {
      out[k++] = s;
    }
    return out;
  }

  @Override
  public int pick(RequestView request, int avoid, LoadView load) {
    return queue.peek(avoid);
  }

  @Override
  public int pickAndTake(RequestView request, int avoid, LoadView load, IntPredicate take) {
    return queue.pickAndTake(avoid, take, live, TAKE_ATTEMPTS);
  }

  @Override
  public boolean tracksConnections() {
    return true;
  }

  @Override
  public void take(int server) {
    queue.sync(server, live); // the live count read under the queue's lock: see LeastConnQueue.sync
  }

  @Override
  public void drop(int server) {
    queue.sync(server, live);
  }

  @Override
  public void resync() {
    queue.resync(live);
  }

  @Override
  public String inconsistency() {
    String bad = queue.inconsistency();
    for (int s = 0; bad == null && s < identity.length; s++) {
      if (queue.served(s) != Math.max(0, live.served(s))) {
        bad = "server " + s + ": the queue counts " + queue.served(s) + ", the live counters " + live.served(s);
      }
    }
    return bad;
  }

  /** The queue (tests and diagnostics). */
  public LeastConnQueue queue() {
    return queue;
  }
}
