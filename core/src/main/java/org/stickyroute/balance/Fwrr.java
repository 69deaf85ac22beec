package org.stickyroute.balance;

/**
 * The state of HAProxy 2.6's fast weighted round robin ({@code balance roundrobin}, {@code src/lb_fwrr.c}),
 * translated function by function: per server its next and last positions ({@code npos}, {@code lpos}), the
 * remainder {@code rweight}, its committed and pending effective weights and the tree it belongs to; per group
 * (active and backup servers) the "current" tree ordered by position, the "init" and "next" trees ordered by
 * inverted weight, and {@code curr_pos}, {@code curr_weight}, {@code next_weight}. Arithmetic is HAProxy's,
 * unsigned where its operands are unsigned (32-bit wrap-around included), so the sequence is the same request
 * for request.
 *
 * <p>One instance lives as long as the backend's list of servers: state changes ({@code set weight}, up,
 * down, drain, maintenance, slow-start steps) are applied to it in place by {@link #apply}, as HAProxy's
 * {@code fwrr_set_server_status_up/down} and {@code fwrr_update_server_weight} update its trees, so the
 * rotation continues where it was. Every method takes the state's own lock (HAProxy's {@code lbprm.lock});
 * allocation-free apart from construction.
 */
final class Fwrr {
  /** HAProxy's {@code SRV_UWGHT_RANGE}: user weights are 0..256. */
  static final int UWGHT_RANGE = 256;
  /** HAProxy's {@code SRV_EWGHT_MAX}: the largest effective weight. */
  static final int EWGHT_MAX = UWGHT_RANGE * Weights.SCALE;

  /** One of HAProxy's two {@code fwrr_group}s. */
  private static final class Group {
    final FwrrTree curr;
    final FwrrTree t0;
    final FwrrTree t1;
    FwrrTree init;
    FwrrTree next;
    int currPos;
    int currWeight;
    int nextWeight;

    Group(FwrrTree curr, FwrrTree t0, FwrrTree t1) {
      this.curr = curr;
      this.t0 = t0;
      this.t1 = t1;
      this.init = t0;
      this.next = t1;
    }
  }

  private final SpinLock lock = new SpinLock();
  private final boolean[] backup;
  private final int[] npos;
  private final int[] lpos;
  private final int[] rweight;
  private final int[] curEweight;
  private final int[] nextEweight;
  private final boolean[] curUsable;
  private final boolean[] nextUsable;
  /** HAProxy's {@code s->lb_tree}: kept when the server is dequeued, cleared only when it goes down. */
  private final FwrrTree[] lbTree;
  /** The tree whose nodes hold the server now ({@code lb_node} linked), or null. */
  private final FwrrTree[] in;
  private final int[] key;
  private final int[] nextFull;
  private final Group act;
  private final Group bck;

  /**
   * HAProxy's {@code fwrr_init_server_groups}: every usable server queued by weight in its group's "init"
   * tree, in declaration order; each group's positions and weights set to the group's total weight.
   *
   * @param backup per server: whether it is a backup server
   * @param usable per server: whether it may take load-balanced traffic
   * @param eweight per server: its effective weight
   */
  Fwrr(boolean[] backup, boolean[] usable, int[] eweight) {
    int n = backup.length;
    this.backup = backup.clone();
    this.npos = new int[n];
    this.lpos = new int[n];
    this.rweight = new int[n];
    this.curEweight = eweight.clone();
    this.nextEweight = eweight.clone();
    this.curUsable = usable.clone();
    this.nextUsable = usable.clone();
    this.lbTree = new FwrrTree[n];
    this.in = new FwrrTree[n];
    this.key = new int[n];
    this.nextFull = new int[n];
    long[] seq = new long[n];
    int[] slot = new int[n];
    this.act = new Group(new FwrrTree(key, seq, slot), new FwrrTree(key, seq, slot), new FwrrTree(key, seq, slot));
    this.bck = new Group(new FwrrTree(key, seq, slot), new FwrrTree(key, seq, slot), new FwrrTree(key, seq, slot));
    int totAct = 0;
    int totBck = 0;
    for (int s = 0; s < n; s++) {
      if (usable[s]) {
        if (backup[s]) {
          totBck += eweight[s];
        } else {
          totAct += eweight[s];
        }
      }
    }
    act.currPos = act.currWeight = act.nextWeight = totAct;
    bck.currPos = bck.currWeight = bck.nextWeight = totBck;
    for (int s = 0; s < n; s++) {
      if (usable[s]) {
        queueByWeight(group(s).init, s);
      }
    }
  }

  /** Number of servers. */
  int serverCount() {
    return backup.length;
  }

  /** Whether server {@code s} is a backup server. */
  boolean backup(int s) {
    return backup[s];
  }

  /**
   * Applies a new state of the servers (control plane), server by server in declaration order, as HAProxy's
   * {@code fwrr_update_server_weight} does for each server whose state or weight changed: a server that
   * becomes usable is placed with {@code fwrr_set_server_status_up}, one that stops being usable is removed
   * with {@code fwrr_set_server_status_down}, one whose effective weight changed while usable gets a new place;
   * then the change is committed ({@code srv_lb_commit_status}).
   */
  void apply(boolean[] usable, int[] eweight) {
    lock.lock();
    try {
      for (int s = 0; s < backup.length; s++) {
        nextUsable[s] = usable[s];
        nextEweight[s] = eweight[s];
        boolean was = curUsable[s];
        boolean will = usable[s];
        if (was && will && curEweight[s] != eweight[s]) {
          updateWeight(s);
        } else if (was && !will) {
          statusDown(s);
        } else if (!was && will) {
          statusUp(s);
        }
        curUsable[s] = will;
        curEweight[s] = eweight[s];
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * HAProxy's {@code fwrr_get_next_server} on one group: the next server of the active group ({@code backups}
   * false) or of the backup group, skipping (and re-queuing) the servers that {@code group} says are at their
   * {@code maxconn} by {@code load}, and {@code avoid} unless nothing else qualifies.
   *
   * @return a server index, or -1 when every server of the group is saturated (HAProxy: NULL, the request
   *     waits in the backend queue) or the group is empty
   */
  int next(boolean backups, int avoid, ServerGroup group, LoadView load) {
    lock.lock();
    try {
      return nextLocked(backups ? bck : act, avoid, group, load);
    } finally {
      lock.unlock();
    }
  }

  private int nextLocked(Group grp, int avoid, ServerGroup group, LoadView load) {
    boolean checkMaxconn = group.anyMaxconn();
    boolean switched = false;
    int avoided = -1;
    int full = -1; // chained through nextFull[], -1 terminated
    int srv;
    boolean take = true;
    for (;;) {
      if (grp.currWeight == 0) {
        grp.currPos = grp.currWeight = grp.nextWeight;
      }
      for (;;) {
        srv = fromGroup(grp);
        if (srv >= 0) {
          break;
        }
        if (switched) {
          if (avoided >= 0) {
            srv = avoided;
          } else {
            take = false;
          }
          break;
        }
        switched = true;
        switchTrees(grp);
      }
      if (srv < 0 || srv == avoided) {
        break;
      }
      updatePosition(grp, srv);
      dequeue(srv);
      grp.currPos++;
      if (!checkMaxconn || !group.saturated(srv, load)) {
        if (srv != avoid || avoided >= 0) {
          break;
        }
        avoided = srv;
      }
      nextFull[srv] = full;
      full = srv;
    }
    if (take) {
      queueSrv(srv);
    }
    for (int f = full; f >= 0; f = nextFull[f]) {
      if (f != srv) {
        if (switched) {
          queueByWeight(grp.init, f); // their place was lost with the old tree: only their weight matters
        } else {
          queueSrv(f); // as if consumed: they regain their expected place
        }
      }
    }
    return srv;
  }

  /** {@code fwrr_get_server_from_group}. */
  private int fromGroup(Group grp) {
    int s1 = grp.curr.first();
    if (s1 >= 0 && curEweight[s1] != 0 && Integer.compareUnsigned(npos[s1], grp.currPos) <= 0) {
      return s1;
    }
    int s2 = grp.init.first();
    if (s2 >= 0 && curEweight[s2] != 0) {
      npos[s2] = 0; // fwrr_get_srv_init
      rweight[s2] = 0;
      return s2;
    }
    return s1;
  }

  /** {@code fwrr_switch_trees}. */
  private static void switchTrees(Group grp) {
    FwrrTree swap = grp.init;
    grp.init = grp.next;
    grp.next = swap;
    grp.currWeight = grp.nextWeight;
    grp.currPos = grp.currWeight;
  }

  /** {@code fwrr_update_position}. */
  private void updatePosition(Group grp, int s) {
    int eweight = curEweight[s];
    if (eweight == 0) {
      return;
    }
    if (npos[s] == 0) {
      npos[s] = grp.currPos; // first time ever for this server
    }
    lpos[s] = npos[s];
    npos[s] += Integer.divideUnsigned(grp.nextWeight, eweight);
    rweight[s] += Integer.remainderUnsigned(grp.nextWeight, eweight);
    if (Integer.compareUnsigned(rweight[s], eweight) >= 0) {
      rweight[s] -= eweight;
      npos[s]++;
    }
  }

  /** {@code fwrr_queue_srv}. */
  private void queueSrv(int s) {
    Group grp = group(s);
    if (!nextUsable[s]) {
      lbTree[s] = null;
    } else if (nextEweight[s] == 0
        || Integer.compareUnsigned(npos[s], 2 * grp.currWeight) >= 0
        || Integer.compareUnsigned(npos[s], grp.currWeight + grp.nextWeight) >= 0) {
      npos[s] -= grp.currWeight; // into the next tree, re-adjusted in case it comes back to current
      queueByWeight(grp.next, s);
    } else {
      key[s] = UWGHT_RANGE * npos[s]
          + Integer.divideUnsigned(EWGHT_MAX + rweight[s] - nextEweight[s], Weights.SCALE);
      insert(grp.curr, s);
    }
  }

  /** {@code fwrr_queue_by_weight}: heavy servers first. */
  private void queueByWeight(FwrrTree tree, int s) {
    key[s] = EWGHT_MAX - nextEweight[s];
    insert(tree, s);
  }

  private void insert(FwrrTree tree, int s) {
    tree.insert(s);
    in[s] = tree;
    lbTree[s] = tree;
  }

  /** {@code fwrr_dequeue_srv}: unlinks the node; {@code lb_tree} stays. */
  private void dequeue(int s) {
    FwrrTree t = in[s];
    if (t != null) {
      t.remove(s);
      in[s] = null;
    }
  }

  /** {@code fwrr_get_srv}: prepares a server taken out of its tree. */
  private void getSrv(int s) {
    Group grp = group(s);
    FwrrTree t = lbTree[s];
    if (t == grp.init) {
      npos[s] = 0;
      rweight[s] = 0;
    } else if (t == grp.next) {
      npos[s] += grp.currWeight;
    } else if (t == null) {
      npos[s] = grp.currPos;
    }
  }

  /** {@code fwrr_set_server_status_down}, for a server that was usable and is not any more. */
  private void statusDown(int s) {
    group(s).nextWeight -= curEweight[s];
    dequeue(s);
    lbTree[s] = null;
  }

  /** {@code fwrr_set_server_status_up}, for a server that was not usable and now is. */
  private void statusUp(int s) {
    Group grp = group(s);
    grp.nextWeight += nextEweight[s];
    getSrv(s);
    npos[s] = grp.currPos
        + Integer.divideUnsigned(grp.nextWeight + grp.currWeight - grp.currPos, nextEweight[s]);
    queueSrv(s);
  }

  /** {@code fwrr_update_server_weight}, for a server usable before and after whose weight changed. */
  private void updateWeight(int s) {
    Group grp = group(s);
    grp.nextWeight = grp.nextWeight - curEweight[s] + nextEweight[s];
    FwrrTree t = lbTree[s];
    if (t == grp.init) {
      dequeue(s);
      queueByWeight(grp.init, s);
    } else if (t == null) {
      dequeue(s);
      getSrv(s);
      npos[s] = grp.currPos
          + Integer.divideUnsigned(grp.nextWeight + grp.currWeight - grp.currPos, nextEweight[s]);
      queueSrv(s);
    } else {
      getSrv(s);
      if (nextEweight[s] != 0) {
        int prevNext = npos[s];
        int step = Integer.divideUnsigned(grp.nextWeight, nextEweight[s]);
        npos[s] = lpos[s] + step;
        rweight[s] = 0;
        if (Integer.compareUnsigned(npos[s], prevNext) > 0) {
          npos[s] = prevNext;
        }
        if (Integer.compareUnsigned(npos[s], grp.currPos + 2) < 0) {
          npos[s] = grp.currPos + step;
        }
      } else {
        npos[s] = grp.currPos + grp.currWeight; // into the next tree
      }
      dequeue(s);
      queueSrv(s);
    }
  }

  private Group group(int s) {
    return backup[s] ? bck : act;
  }

  /**
   * Checks the invariants (tests and diagnostics): every usable server in exactly one tree of its group,
   * no other server in any tree, and each group's {@code next_weight} the total weight of its usable
   * servers. {@code null} when consistent, otherwise a description.
   */
  String inconsistency() {
    lock.lock();
    try {
      int[] total = new int[2];
      for (int s = 0; s < backup.length; s++) {
        Group grp = group(s);
        FwrrTree t = in[s];
        if (curUsable[s]) {
          total[backup[s] ? 1 : 0] += curEweight[s];
          if (t != grp.curr && t != grp.t0 && t != grp.t1) {
            return "usable server " + s + " is in no tree of its group";
          }
        } else if (t != null) {
          return "server " + s + " is not usable but is in a tree";
        }
      }
      if (act.nextWeight != total[0] || bck.nextWeight != total[1]) {
        return "next_weight " + act.nextWeight + "/" + bck.nextWeight + ", usable weight " + total[0] + "/"
            + total[1];
      }
      return null;
    } finally {
      lock.unlock();
    }
  }
}
