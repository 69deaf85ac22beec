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
 * <p>Positions are packed in one {@code long} per server (saturation bit, key, sequence; smaller is better;
 * non-members hold {@code Long.MAX_VALUE}). Up to {@value #SCAN_MAX} servers a pick scans them (one cache
 * line or two) and a take or release rewrites one word. Above that a 4-ary winner tree sits over the words:
 * each inner node keeps a copy of its best child's word and that child's server, so a pick reads the root,
 * and a take or a release recomputes the path to the root ({@code log4 n} levels, four adjacent words each),
 * stopping at the first node whose winner did not change. All of it is plain memory guarded by a {@link
 * SpinLock}: on the request path a pick-and-take and a release each cost one compare-and-set and one
 * release store, and nothing allocates. Sequence numbers have 31 bits; when they run out the queue
 * renumbers its members in their current order (once every 2^31 re-queues, under the lock).
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
  /** Up to this many servers a pick scans; above, a winner tree orders them. */
  static final int SCAN_MAX = 16;

  private static final int SEQ_BITS = 31;
  private static final long SEQ_MASK = (1L << SEQ_BITS) - 1;
  private static final long KEY_MAX = (1L << 31) - 1;
  private static final long SATURATED = 1L << 62;
  private static final long EMPTY = Long.MAX_VALUE;

  private final SpinLock lock = new SpinLock();
  private final int servers;
  private final int inner; // inner tree nodes; 0 when scanning. Server i's word is pos[inner + i]
  private final long[] pos; // inner nodes' best words, then one word per leaf
  private final int[] win; // inner node -> server index of its best word
  private final int[] served;
  private final int[] eweight; // 0 = not a member
  private final long[] reciprocal; // floor(2^44 / eweight) + 1: keys without a division
  private final int[] maxconn; // 0 = unlimited
  private final long[] scratch; // renumbering
  private long sequence;

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
    int in = 0;
    int leaves = servers;
    if (servers > SCAN_MAX) {
      leaves = 4;
      in = 1;
      while (leaves < servers) {
        in += leaves;
        leaves <<= 2;
      }
    }
    this.inner = in;
    this.pos = new long[in + leaves];
    Arrays.fill(pos, EMPTY);
    this.win = new int[in];
    this.served = new int[servers];
    this.eweight = new int[servers];
    this.reciprocal = new long[servers];
    this.maxconn = new int[servers];
    this.scratch = new long[servers];
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
      int s = inner == 0 ? scanBest(avoid) : treeBest(avoid);
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
        int s = inner == 0 ? scanBest(avoid) : treeBest(avoid);
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
      return inner == 0 ? scanBest(avoid) : treeBest(avoid);
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

  private int scanBest(int avoid) {
    long[] p = pos;
    int n = servers;
    long best = EMPTY;
    int at = -1;
    for (int i = 0; i < n; i++) {
      long v = p[i];
      if (v < best) {
        best = v;
        at = i;
      }
    }
    if (at == avoid && at >= 0) {
      long second = EMPTY;
      int other = -1;
      for (int i = 0; i < n; i++) {
        long v = p[i];
        if (v < second && i != avoid) {
          second = v;
          other = i;
        }
      }
      if (other >= 0 && (second & SATURATED) == 0) {
        return other;
      }
    }
    return verdict(at, best);
  }

  private static int verdict(int at, long word) {
    if (word == EMPTY) {
      return NONE;
    }
    return (word & SATURATED) != 0 ? ALL_SATURATED : at;
  }

  private int treeBest(int avoid) {
    int w = win[0];
    long best = pos[0];
    if (w != avoid || best == EMPTY) {
      return verdict(w, best);
    }
    // The avoided server leads: the best of the rest is the best sibling along its path.
    long second = EMPTY;
    int other = -1;
    for (int c = inner + w; c > 0; c = (c - 1) >> 2) {
      int first = ((c - 1) & ~3) + 1;
      for (int k = first; k < first + 4; k++) {
        if (k != c && pos[k] < second) {
          second = pos[k];
          other = k >= inner ? k - inner : win[k];
        }
      }
    }
    if (other >= 0 && (second & SATURATED) == 0) {
      return other;
    }
    return verdict(w, best);
  }

  /** {@link #key(int, int)} through the reciprocal of {@code eweight}. */
  static long key(int served, int eweight, long reciprocal) {
    if (served <= 0) {
      return 0;
    }
    return served < (1 << 18) ? ((served + 1L) * reciprocal) >>> 32 : key(served, eweight);
  }

  /** {@code floor(2^44 / eweight) + 1}. */
  static long reciprocal(int eweight) {
    return (1L << 44) / eweight + 1;
  }

  /** Recomputes {@code s}'s word from its count; a changed key takes the next sequence number. */
  private void requeue(int s) {
    int ew = eweight[s];
    if (ew == 0) {
      return; // not a member: only the count matters
    }
    int leaf = inner + s;
    long old = pos[leaf];
    long key = key(served[s], ew, reciprocal[s]);
    long seq = key == ((old & ~SATURATED) >>> SEQ_BITS) ? old & SEQ_MASK : nextSequence();
    place(s, word(key, seq, served[s], maxconn[s]));
  }

  private void place(int s, long word) {
    int leaf = inner + s;
    if (pos[leaf] != word) {
      pos[leaf] = word;
      if (inner != 0) {
        fix(leaf);
      }
    }
  }

  /** Recomputes the inner nodes above {@code c}, stopping where nothing changed. */
  private void fix(int c) {
    long[] p = pos;
    int[] wn = win;
    int in = inner;
    while (c > 0) {
      int n = (c - 1) >> 2;
      int first = (n << 2) + 1;
      long v0 = p[first];
      long v1 = p[first + 1];
      long v2 = p[first + 2];
      long v3 = p[first + 3];
      int a = v1 < v0 ? first + 1 : first;
      long va = Math.min(v0, v1);
      int b = v3 < v2 ? first + 3 : first + 2;
      long vb = Math.min(v2, v3);
      int k = vb < va ? b : a;
      long v = Math.min(va, vb);
      int w = k >= in ? k - in : wn[k];
      if (p[n] == v && wn[n] == w) {
        return;
      }
      p[n] = v;
      wn[n] = w;
      c = n;
    }
  }

  /**
   * HAProxy's key, saturating at 2^31 - 1. The request path computes {@code (served + 1) * 4096 /
   * eweight} for {@code served < 2^18} as {@code (served + 1) * (floor(2^44 / eweight) + 1) >>> 32}
   * instead, which is exact: the product stays below 2^63, and the reciprocal's rounding adds less than
   * {@code 2^19 / 2^32 < 1 / eweight} to a quotient whose fractional part is at most {@code 1 - 1 /
   * eweight} (HAProxy's effective weights are at most 4096).
   */
  static long key(int served, int eweight) {
    if (served <= 0) {
      return 0;
    }
    if (served < (1 << 18)) {
      return ((served + 1) << 12) / eweight;
    }
    return Math.min(KEY_MAX, (served + 1L) * EWEIGHT_MAX / eweight);
  }

  private static long word(long key, long seq, int served, int maxconn) {
    long sat = maxconn > 0 && served >= maxconn ? SATURATED : 0;
    return sat | (key << SEQ_BITS) | seq;
  }

  private long nextSequence() {
    if (sequence > SEQ_MASK) {
      renumber();
    }
    return sequence++;
  }

  /** Gives the members sequence numbers 0 .. m - 1 in their current sequence order. */
  private void renumber() {
    int m = 0;
    for (int i = 0; i < servers; i++) {
      if (eweight[i] != 0) {
        scratch[m++] = ((pos[inner + i] & SEQ_MASK) << 20) | i;
      }
    }
    Arrays.sort(scratch, 0, m);
    for (int r = 0; r < m; r++) {
      int i = (int) (scratch[r] & (MAX_SERVERS - 1));
      pos[inner + i] = (pos[inner + i] & ~SEQ_MASK) | r;
    }
    sequence = m;
    rebuild();
  }

  private void rebuild() {
    for (int n = inner - 1; n >= 0; n--) {
      int first = (n << 2) + 1;
      int k = first;
      for (int c = first + 1; c < first + 4; c++) {
        if (pos[c] < pos[k]) {
          k = c;
        }
      }
      pos[n] = pos[k];
      win[n] = k >= inner ? k - inner : win[k];
    }
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
          pos[inner + s] = EMPTY;
        } else if (eweight[s] == eweights[s]) {
          long old = pos[inner + s];
          pos[inner + s] = word((old & ~SATURATED) >>> SEQ_BITS, old & SEQ_MASK, served[s], maxconn[s]);
        }
      }
      for (int s : members) {
        if (eweight[s] != eweights[s]) {
          eweight[s] = eweights[s];
          reciprocal[s] = reciprocal(eweights[s]);
          pos[inner + s] = word(key(served[s], eweights[s]), nextSequence(), served[s], maxconn[s]);
        }
      }
      rebuild();
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
      return eweight[server] == 0 ? -1 : key(served[server], eweight[server]);
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
          v[m++] = new long[] {pos[inner + i] & ~SATURATED, i};
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
        long v = pos[inner + s];
        if (eweight[s] == 0) {
          if (v != EMPTY) {
            return "non-member " + s + " holds a position";
          }
          continue;
        }
        long expected = word(key(served[s], eweight[s]), 0, served[s], maxconn[s]);
        if ((v & ~SEQ_MASK) != expected || (v & SEQ_MASK) >= sequence) {
          return "server " + s + " (served " + served[s] + ") holds key " + ((v & ~SATURATED) >>> SEQ_BITS);
        }
        seqs[m++] = v & SEQ_MASK;
      }
      Arrays.sort(seqs, 0, m);
      for (int i = 1; i < m; i++) {
        if (seqs[i] == seqs[i - 1]) {
          return "two members share sequence " + seqs[i];
        }
      }
      for (int n = inner - 1; n >= 0; n--) {
        int first = (n << 2) + 1;
        long best = EMPTY;
        for (int c = first; c < first + 4; c++) {
          best = Math.min(best, pos[c]);
        }
        int w = win[n];
        if (pos[n] != best || (best != EMPTY && pos[inner + w] != best)) {
          return "node " + n + " holds server " + w + ", not the best below it";
        }
      }
      return null;
    } finally {
      lock.unlock();
    }
  }

  /** Moves the sequence counter forward (tests of renumbering). */
  void advanceSequence(long to) {
    lock.lock();
    try {
      sequence = Math.max(sequence, to);
    } finally {
      lock.unlock();
    }
  }
}
