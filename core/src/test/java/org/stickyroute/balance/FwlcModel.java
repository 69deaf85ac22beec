package org.stickyroute.balance;

import java.util.ArrayList;
import java.util.List;

/**
 * HAProxy 2.6's fwlc ebtree ({@code src/lb_fwlc.c}), literally and slowly: one list kept sorted by key,
 * where an insertion goes after every node of an equal key (an ebtree duplicate), and the functions that
 * move servers in and out of it, one server at a time. The reference the fast structures are checked
 * against; shares no code with them.
 */
final class FwlcModel {
  static final int NONE = -1;
  static final int ALL_SATURATED = -2;

  final int[] eweight; // 0 = not in the tree
  final int[] maxconn;
  final int[] served;
  final long[] key;
  final List<Integer> tree = new ArrayList<>();

  FwlcModel(int servers) {
    eweight = new int[servers];
    maxconn = new int[servers];
    served = new int[servers];
    key = new long[servers];
  }

  private static long key(int served, int eweight) {
    return served == 0 ? 0 : Math.min((1L << 31) - 1, (served + 1L) * 4096 / eweight);
  }

  /** {@code fwlc_queue_srv}: insert after every node of an equal or smaller key. */
  private void queue(int s) {
    key[s] = key(served[s], eweight[s]);
    int at = 0;
    while (at < tree.size() && key[tree.get(at)] <= key[s]) {
      at++;
    }
    tree.add(at, s);
  }

  /** {@code fwlc_srv_reposition}, called by {@code server_take_conn} and {@code server_drop_conn}. */
  void reposition(int s) {
    if (eweight[s] == 0 || key[s] == key(served[s], eweight[s])) {
      return;
    }
    tree.remove(Integer.valueOf(s));
    queue(s);
  }

  void take(int s) {
    served[s]++;
    reposition(s);
  }

  void drop(int s) {
    served[s]--;
    reposition(s);
  }

  /** {@code set_server_status_down}. */
  void down(int s) {
    if (eweight[s] != 0) {
      tree.remove(Integer.valueOf(s));
      eweight[s] = 0;
    }
  }

  /** {@code set_server_status_up}, or {@code update_server_eweight} on a server that stays up. */
  void weight(int s, int ew) {
    if (eweight[s] != 0) {
      tree.remove(Integer.valueOf(s));
    }
    eweight[s] = ew;
    queue(s);
  }

  /** {@code fwlc_get_next_server}: the first unsaturated server that is not {@code avoid}, else avoid. */
  int pick(int avoid) {
    if (tree.isEmpty()) {
      return NONE;
    }
    int avoided = -1;
    for (int s : tree) {
      if (maxconn[s] == 0 || served[s] < maxconn[s]) {
        if (s != avoid) {
          return s;
        }
        avoided = s;
      }
    }
    return avoided >= 0 ? avoided : ALL_SATURATED;
  }

  /** The servers in tree order. */
  int[] order() {
    return tree.stream().mapToInt(Integer::intValue).toArray();
  }
}
