package org.stickyroute.balance;

import java.util.Arrays;
import java.util.function.IntPredicate;

/**
 * HAProxy 2.6's {@code balance leastconn} ({@code src/lb_fwlc.c}) as one serialised queue: the choice of a
 * server and the take of a connection on it happen under one small lock, as do releases and changes of
 * weight or membership, so every pick sees every pick, take and release that completed before it.
 *
 * <h2>Order</h2>
 *
 * <p>Each member server has a position {@code (key, sequence)}: the key is HAProxy's {@code inflight == 0
 * ? 0 : (inflight + 1) * 4096 / eweight} (saturating at 2^31 - 1) and the sequence says when it was last
 * queued. A server is re-queued (gets the next sequence number, so it goes behind every server with an equal
 * key, like a duplicate inserted in HAProxy's ebtree) whenever its key changes, when it joins the group in
 * use and when its effective weight changes; otherwise it keeps its place. A pick returns the first member
 * in that order that is below its {@code maxconn} and is not the server to avoid; the avoided server only if
 * nothing else qualifies; {@link #ALL_SATURATED} when every member is at its {@code maxconn}; {@link #NONE}
 * when there is no member. In-flight counts are kept for every server, member or not, so a server that left
 * the group with requests in flight comes back with the right key.
 *
 * <h2>Structure</h2>
 *
 * <p>Positions are packed in one {@code long} per server (saturation bit, key, sequence; smaller is better)
 * and ordered by {@link LeastConnPositions}: up to {@value LeastConnPositions#SCAN_MAX} servers a pick scans
 * them (one cache line or two) and a take or release rewrites one word; above that a 4-ary winner tree sits
 * over the words, so a pick reads the root and a take or a release recomputes one path. Keys are {@link
 * LeastConnKey}'s. All of it is plain memory guarded by a {@link SpinLock}: on the request path a
 * pick-and-take and a release each cost one compare-and-set and one release store, and nothing allocates.
 *
 * <p>Thread-safe. Server indices are {@code 0 .. servers - 1}; at most {@link #MAX_SERVERS} servers.
 */
public final class LeastConnQueue {
  /** Returned by a pick when the queue has no member. */
  public static final int NONE = -1;
  /** Returned by a pick when every member has reached its {@code maxconn}. */
  public static final int ALL_SATURATED = -2;
  /** HAProxy's {@code SRV_EWGHT_MAX}: the key scale. */
  public static final int EWEIGHT_MAX = 4096;
  /** The largest number of servers a queue can hold. */
  public static final int MAX_SERVERS = 1 << 20;
  private final SpinLock lock = new SpinLock();
  private final int servers;
  private final LeastConnPositions pos;
  private final int[] served;
  private final int[] eweight; // 0 = not a member
  private final long[] reciprocal; // floor(2^44 / eweight) + 1: keys without a division
  private final int[] maxconn; // 0 = unlimited

  /**
   * A queue for {@code servers} servers, none of them a member yet (control plane; allocates).
   *
   * @param servers the number of servers of the backend
   */
  public LeastConnQueue(int servers) {
    if (servers < 0 || servers > MAX_SERVERS) {
      throw new IllegalArgumentException("leastconn supports 0 to " + MAX_SERVERS + " servers: " + servers);
    }
    this.servers = servers;
    this.served = new int[servers];
    this.eweight = new int[servers];
    this.reciprocal = new long[servers];
    this.maxconn = new int[servers];
    this.pos = new LeastConnPositions(servers, eweight);
  }

  // ---------------------------------------------------------------- data plane

  /**
   * Picks the server HAProxy's {@code fwlc_get_next_server} would pick and, atomically with the choice,
   * counts one more request in flight on it and re-queues it. Allocation-free.
   *
   * @param avoid a server index to avoid unless nothing else qualifies, or any negative number
   * @return the server index, {@link #ALL_SATURATED} or {@link #NONE}
   */
  public int pickAndTake(int avoid) {
    lock.lock();
    try {
      int s = pos.best(avoid);
      if (s >= 0) {
        served[s]++;
        requeue(s);
      }
      return s;
    } finally {
      lock.unlock();
    }
  }

  /**
   * As {@link #pickAndTake(int)}, with the in-flight counts kept elsewhere (the backend's live counters): under
   * the lock, {@code take} counts the request on the chosen server and answers whether the server had room,
   * then the server's count is re-read from {@code live} and it is re-queued. When {@code take} refuses (the
   * live count was higher than this queue knew: a take whose callback has not arrived yet), the server is
   * re-queued with its live count and the choice is made again, up to {@code attempts} times, then {@link
   * #ALL_SATURATED}. Allocation-free.
   *
   * @param take counts a request in flight on a server; false, having undone it, when the server was full
   */
  public int pickAndTake(int avoid, IntPredicate take, LoadView live, int attempts) {
    lock.lock();
    try {
      for (int attempt = 1; ; attempt++) {
        int s = pos.best(avoid);
        if (s < 0) {
          return s;
        }
        boolean taken = take.test(s);
        served[s] = Math.max(0, live.served(s));
        requeue(s);
        if (taken) {
          return s;
        }
        if (attempt >= attempts) {
          return ALL_SATURATED;
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * The server a pick would return now, without taking it (diagnostics and {@code select} without a
   * lease). Allocation-free.
   */
  public int peek(int avoid) {
    lock.lock();
    try {
      return pos.best(avoid);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Counts one more request in flight on {@code server}, chosen by something else than a pick (persistence),
   * and re-queues it if its key changed (HAProxy's {@code server_take_conn}). Allocation-free.
   */
  public void take(int server) {
    lock.lock();
    try {
      served[server]++;
      requeue(server);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Counts one request less in flight on {@code server} and re-queues it if its key changed (HAProxy's
   * {@code server_drop_conn}). Never goes below zero. Allocation-free.
   */
  public void drop(int server) {
    lock.lock();
    try {
      if (served[server] > 0) {
        served[server]--;
        requeue(server);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Recomputes {@code s}'s word from its count; a changed key takes the next sequence number. */
  private void requeue(int s) {
    int ew = eweight[s];
    if (ew == 0) {
      return; // not a member: only the count matters
    }
    long old = pos.get(s);
    long key = LeastConnKey.key(served[s], ew, reciprocal[s]);
    long seq = key == LeastConnPositions.keyOf(old) ? LeastConnPositions.seqOf(old) : pos.nextSequence();
    pos.place(s, LeastConnPositions.word(key, seq, served[s], maxconn[s]));
  }

  // ---------------------------------------------------------------- control plane

  /**
   * Sets the group in use and the servers' effective weights and {@code maxconn}, as HAProxy's {@code
   * set_server_status_up/down} and {@code update_server_eweight} do one server at a time: a server that
   * leaves the group leaves the order; a server that joins it, or whose effective weight changed, is
   * queued behind every server with an equal key, in the order of {@code members}; the others keep their
   * place (a changed {@code maxconn} only changes whether they are saturated). Atomic with respect to
   * picks. Control plane: O(servers).
   *
   * @param members server indices of the group in use, in declaration order (the servers that join or
   *     change weight are queued in this order)
   * @param eweights effective weights indexed by server (members must have {@code eweight > 0})
   * @param maxconns effective {@code maxconn} indexed by server, 0 = unlimited
   */
  public void update(int[] members, int[] eweights, int[] maxconns) {
    boolean[] member = new boolean[servers];
    for (int s : members) {
      if (eweights[s] <= 0 || eweights[s] > EWEIGHT_MAX) {
        throw new IllegalArgumentException("member " + s + " has effective weight " + eweights[s]);
      }
      member[s] = true;
    }
    lock.lock();
    try {
      for (int s = 0; s < servers; s++) {
        maxconn[s] = maxconns[s];
        if (!member[s]) {
          eweight[s] = 0;
          pos.set(s, LeastConnPositions.EMPTY);
        } else if (eweight[s] == eweights[s]) {
          long old = pos.get(s);
          pos.set(s, LeastConnPositions.word(LeastConnPositions.keyOf(old), LeastConnPositions.seqOf(old),
              served[s], maxconn[s]));
        }
      }
      for (int s : members) {
        if (eweight[s] != eweights[s]) {
          eweight[s] = eweights[s];
          reciprocal[s] = LeastConnKey.reciprocal(eweights[s]);
          pos.set(s, LeastConnPositions.word(LeastConnKey.key(served[s], eweights[s]), pos.nextSequence(),
              served[s], maxconn[s]));
        }
      }
      pos.rebuild();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Sets the in-flight count of {@code server} (control plane: taking over the counts of another queue, or
   * a live counter); re-queues it if its key changed.
   */
  public void setServed(int server, int count) {
    lock.lock();
    try {
      served[server] = Math.max(0, count);
      requeue(server);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Sets the in-flight count of {@code server} from {@code live}, read under the lock, and re-queues it if its key
   * changed (a take's or a release's callback). Reading the live count before taking the lock would let a stale
   * count overwrite a newer one: a release that read 1 while another lease was still held could write its 1
   * after the other release had written 0, leaving the queue counting a request nobody holds. Allocation-free.
   */
  public void sync(int server, LoadView live) {
    lock.lock();
    try {
      served[server] = Math.max(0, live.served(server));
      requeue(server);
    } finally {
      lock.unlock();
    }
  }

  /** {@link #setServed} for every server from {@code live}, as one step (control plane). */
  public void resync(LoadView live) {
    lock.lock();
    try {
      for (int s = 0; s < servers; s++) {
        served[s] = Math.max(0, live.served(s));
        requeue(s);
      }
    } finally {
      lock.unlock();
    }
  }

  // ---------------------------------------------------------------- diagnostics

  /** Number of servers (members or not). */
  public int size() {
    return servers;
  }

  /** Requests in flight on {@code server} as this queue counted them. */
  public int served(int server) {
    lock.lock();
    try {
      return served[server];
    } finally {
      lock.unlock();
    }
  }

  /** The key HAProxy would give {@code server} now, or -1 if it is not a member. */
  public long key(int server) {
    lock.lock();
    try {
      return eweight[server] == 0 ? -1 : LeastConnKey.key(served[server], eweight[server]);
    } finally {
      lock.unlock();
    }
  }

  /** The members in their current (key, FIFO) order, saturated ones included (allocates). */
  public int[] order() {
    lock.lock();
    try {
      long[][] v = new long[servers][];
      int m = 0;
      for (int i = 0; i < servers; i++) {
        if (eweight[i] != 0) {
          v[m++] = new long[] {LeastConnPositions.unsaturated(pos.get(i)), i};
        }
      }
      Arrays.sort(v, 0, m, (a, b) -> Long.compare(a[0], b[0]));
      int[] out = new int[m];
      for (int i = 0; i < m; i++) {
        out[i] = (int) v[i][1];
      }
      return out;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Checks the invariants: every member's word matches its count, weight and {@code maxconn}, sequence
   * numbers are distinct, and every inner node holds the best word below it. Returns {@code null} when
   * consistent, otherwise a description (tests and diagnostics).
   */
  public String inconsistency() {
    lock.lock();
    try {
      long[] seqs = new long[servers];
      int m = 0;
      for (int s = 0; s < servers; s++) {
        long v = pos.get(s);
        if (eweight[s] == 0) {
          if (v != LeastConnPositions.EMPTY) {
            return "non-member " + s + " holds a position";
          }
          continue;
        }
        long expected = LeastConnPositions.word(LeastConnKey.key(served[s], eweight[s]), 0, served[s], maxconn[s]);
        if (LeastConnPositions.withoutSeq(v) != expected || LeastConnPositions.seqOf(v) >= pos.sequence()) {
          return "server " + s + " (served " + served[s] + ") holds key " + LeastConnPositions.keyOf(v);
        }
        seqs[m++] = LeastConnPositions.seqOf(v);
      }
      Arrays.sort(seqs, 0, m);
      for (int i = 1; i < m; i++) {
        if (seqs[i] == seqs[i - 1]) {
          return "two members share sequence " + seqs[i];
        }
      }
      return pos.treeInconsistency();
    } finally {
      lock.unlock();
    }
  }

  /** Moves the sequence counter forward (tests of renumbering). */
  void advanceSequence(long to) {
    lock.lock();
    try {
      pos.advanceSequence(to);
    } finally {
      lock.unlock();
    }
  }
}
