package org.stickyroute.balance;

import java.util.Arrays;
import org.stickyroute.http.RequestView;

/**
 * {@code balance leastconn} ({@code src/lb_fwlc.c}): the first unsaturated server of the group in use in
 * HAProxy's (key, FIFO) order, skipping the server to avoid unless no other qualifies. The order lives in a
 * {@link LeastConnTree} bound to the live counts: every take and drop re-positions the server ({@code
 * fwlc_srv_reposition}, as HAProxy's {@code server_take_conn} / {@code server_drop_conn} hooks), so the
 * picker ignores the {@code load} it is given. See the tree for what concurrency guarantees.
 *
 * <p>One picker belongs to one snapshot; a new one inherits the FIFO order of the previous one. Thread-safe,
 * lock-free and allocation-free.
 */
public final class LeastConnPicker implements Picker {
  private final LeastConnTree tree;
  private final int[] leafOf; // server index -> leaf, or -1

  private LeastConnPicker(LeastConnTree tree, int servers) {
    this.tree = tree;
    this.leafOf = new int[servers];
    Arrays.fill(leafOf, -1);
    for (int leaf = 0; leaf < tree.size(); leaf++) {
      leafOf[tree.serverOf(leaf)] = leaf;
    }
  }

  /**
   * Builds the picker of the group in use.
   *
   * @param previous the picker of the snapshot this one replaces (its FIFO order is inherited when it is a
   *     leastconn picker), or {@code null}
   * @param compactionHook what the tree calls, once, when its sequence numbers run high: it should schedule a
   *     rebuild of the snapshot on the control plane ({@code null} = none)
   */
  public static LeastConnPicker build(ServerGroup group, Picker previous, Runnable compactionHook) {
    LeastConnTree before = previous instanceof LeastConnPicker ? ((LeastConnPicker) previous).tree : null;
    return new LeastConnPicker(LeastConnTree.build(group.inUse(), group, before, compactionHook),
        group.serverCount());
  }

  @Override
  public int pick(RequestView request, int avoid, LoadView load) {
    return tree.pick(avoid);
  }

  @Override
  public boolean tracksConnections() {
    return true;
  }

  @Override
  public void take(int server) {
    reposition(server);
  }

  @Override
  public void drop(int server) {
    reposition(server);
  }

  private void reposition(int server) {
    int leaf = leafOf[server];
    if (leaf >= 0) {
      tree.update(leaf);
    }
  }

  @Override
  public void resync() {
    tree.resync();
  }

  @Override
  public String inconsistency() {
    return tree.inconsistency();
  }

  /** The tree (tests and diagnostics). */
  public LeastConnTree tree() {
    return tree;
  }
}
