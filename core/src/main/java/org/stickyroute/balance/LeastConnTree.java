package org.stickyroute.balance;

import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * HAProxy's {@code balance leastconn} ({@code src/lb_fwlc.c}, 2.6) as a lock-free tournament tree over the
 * servers of the group in use: the data structure of {@link LeastConnPicker}. One tree belongs to one
 * snapshot; it is built off the request path, and requests only read its root and update their own leaf.
 *
 * <h2>Order</h2>
 *
 * <p>Each leaf holds the server's position as one {@code long}: a saturation bit, the key {@code
 * inflight == 0 ? 0 : (inflight + 1) * 4096 / eweight} (HAProxy's, saturating at 2^31 - 1; {@code eweight}
 * is {@code uweight * 16} scaled by {@code slowstart}) and a FIFO sequence number. Smaller is better, so idle
 * servers come first whatever their weight, and among equal keys the server re-queued first comes first.
 * When a take or a release changes the key, the leaf gets a fresh sequence number (it goes after every
 * existing equal key, like an ebtree duplicate); when the key did not change the leaf keeps its place.
 * Sequential requests on idle servers therefore visit s1, s2, s3, s1 ... exactly as HAProxy does. A server
 * whose in-flight count reached its {@code maxconn} has the saturation bit set, so it sorts after every
 * unsaturated server and keeps its key and sequence (its place when it drains again).
 *
 * <h2>Concurrency</h2>
 *
 * <p>The tree is 4-ary (measured fastest here: binary trees need twice the CASes per path, wider nodes cost
 * more loads per refresh than the CASes they save). Inner node {@code n} holds a version and the index of
 * the winning leaf of its subtree. A take or a
 * release first sets its leaf from the <em>live</em> in-flight counter in a CAS loop that only exits once the
 * counter it used is still current, so concurrent takes and releases on one server converge on the final
 * count. It then refreshes the path to the root: each refresh reads the node, both children's winners and
 * their leaf values, and CASes the node to a bumped version with the better winner; a failed CAS is retried
 * once, because the refresh that beat it must have read the children after this update reached them
 * (Jayanti's double refresh). The version bump also makes a stale refresh fail instead of overwriting a
 * newer winner. The walk stops early only after a successful CAS that neither changed the winner nor
 * involved the updated leaf, since nothing above can then depend on the change.
 *
 * <p>Guarantees: when no update is in progress every node holds the best leaf of its subtree, so
 * sequential behaviour is exactly HAProxy's. Under concurrency a pick reads a root that reflects every
 * completed update but may miss ones in progress, so two concurrent picks may return the same server (as two
 * HAProxy threads could without its lock); no count is ever lost and the tree converges.
 *
 * <h2>Costs and wrap-around</h2>
 *
 * <p>A pick is two volatile reads; a take or a release is one CAS on the leaf plus at most one CAS per
 * level ({@code log4} of the group size: 5 at 1,000 servers); a release usually stops after one level,
 * because the released server goes behind the others with its key. FIFO sequence numbers come from a plain
 * read and a release store rather than an atomic increment. Nothing allocates. Sequence numbers have 31 bits:
 * when the counter reaches 2^30 the tree calls its compaction hook once, and the owner (the backend's
 * control plane) republishes the snapshot; the new tree renumbers the sequences 0..n-1 in their current
 * order, so FIFO order survives months of traffic. If the hook never ran, sequences would clamp at 2^31 - 1
 * and ties would fall back to declaration order rather than fail. Node versions have 44 bits; an ABA on a
 * node would need one refresh to stall while 2^44 others complete.
 *
 * <p>Thread-safe. Trees support up to {@link #MAX_LEAVES} servers.
 */
public final class LeastConnTree {
  /** The largest number of servers a tree can hold. */
  public static final int MAX_LEAVES = 1 << 20;

  private static final int SEQ_BITS = 31;
  private static final long SEQ_MASK = (1L << SEQ_BITS) - 1;
  private static final long KEY_MAX = (1L << 31) - 1;
  private static final long SATURATED = 1L << 62;
  private static final long EMPTY = Long.MAX_VALUE;
  private static final long COMPACT_AT = 1L << 30;
  private static final int INDEX_BITS = 20;
  private static final int ARITY_BITS = 2;
  private static final int ARITY = 1 << ARITY_BITS;
  private static final long INDEX_MASK = (1L << INDEX_BITS) - 1;

  /** HAProxy's {@code SRV_EWGHT_MAX}: the key scale. */
  public static final int EWEIGHT_MAX = 4096;

  private final int capacity; // ARITY^height >= size, height >= 1
  private final int inner; // number of inner nodes; leaf i is heap node inner + i
  private final AtomicLongArray leaves;
  private final AtomicLongArray nodes; // inner heap nodes 0 .. inner - 1; children of n: ARITY*n+1 ..
  private final AtomicLong sequence;
  private final int[] server; // leaf -> server index
  private final Object[] identity; // leaf -> the server's identity across snapshots
  private final LoadView live; // the live in-flight counts, by server index
  private final int[] eweight; // leaf -> effective weight
  private final int[] maxconn; // leaf -> effective maxconn, 0 = unlimited
  private final Runnable compactionHook;
  private volatile boolean compactionRequested;

  private LeastConnTree(int[] members, ServerGroup group, Runnable hook) {
    int m = members.length;
    int cap = ARITY;
    int in = 1;
    while (cap < m) {
      in += cap;
      cap <<= ARITY_BITS;
    }
    this.capacity = cap;
    this.inner = in;
    this.leaves = new AtomicLongArray(cap);
    this.nodes = new AtomicLongArray(in);
    this.sequence = new AtomicLong();
    this.server = members.clone();
    this.identity = new Object[m];
    this.live = group.live();
    this.eweight = new int[m];
    this.maxconn = new int[m];
    this.compactionHook = hook;
    for (int i = 0; i < m; i++) {
      identity[i] = group.identity(members[i]);
      eweight[i] = Math.max(1, group.eweight()[members[i]]);
      maxconn[i] = group.maxconn()[members[i]];
    }
    for (int i = m; i < cap; i++) {
      leaves.set(i, EMPTY);
    }
  }

  /**
   * Builds a tree (control plane; allocates).
   *
   * <p>Servers that were in {@code previous} with the same effective weight keep their relative FIFO order
   * (HAProxy does not re-queue a server whose state did not change); servers that joined the group or whose
   * weight changed are queued after them in declaration order, as HAProxy re-inserts them. Sequence numbers
   * are renumbered from 0, which is what keeps them from ever wrapping. Keys come from the live counts
   * ({@link ServerGroup#live()}); servers are matched with the previous tree by {@link ServerGroup#identity}.
   *
   * @param members server indices of the group in use, in declaration order (they must have {@code eweight >
   *     0})
   * @param group the group, for effective weights, {@code maxconn}, identities and live counts
   * @param previous the tree of the previous snapshot, or {@code null}
   * @param compactionHook called once, on the request path, when sequence numbers run high; it should
   *     schedule a rebuild on the control plane and return at once ({@code null} = none)
   * @return the tree; its owner calls {@link #update} on every take and drop, and {@link #resync} once they
   *     reach it
   */
  public static LeastConnTree build(int[] members, ServerGroup group, LeastConnTree previous, Runnable compactionHook) {
    if (members.length > MAX_LEAVES) {
      throw new IllegalArgumentException("leastconn supports at most " + MAX_LEAVES + " servers");
    }
    LeastConnTree t = new LeastConnTree(members, group, compactionHook);
    int m = members.length;
    // Inherited leaves sorted by their previous sequence, then newcomers in declaration order.
    long[] order = new long[m];
    int inherited = 0;
    Map<Object, Integer> old = new IdentityHashMap<>();
    if (previous != null) {
      for (int i = 0; i < previous.identity.length; i++) {
        old.put(previous.identity[i], i);
      }
    }
    boolean[] isInherited = new boolean[m];
    for (int i = 0; i < m; i++) {
      Integer p = old.get(t.identity[i]);
      if (p != null && previous.eweight[p] == t.eweight[i]) {
        long oldSeq = previous.leaves.get(p) & SEQ_MASK;
        order[inherited++] = (oldSeq << INDEX_BITS) | i;
        isInherited[i] = true;
      }
    }
    Arrays.sort(order, 0, inherited);
    int k = inherited;
    for (int i = 0; i < m; i++) {
      if (!isInherited[i]) {
        order[k++] = i;
      }
    }
    for (int seq = 0; seq < m; seq++) {
      int leaf = (int) (order[seq] & INDEX_MASK);
      t.leaves.set(leaf, t.value(leaf, t.live.served(t.server[leaf]), seq));
    }
    t.sequence.set(m);
    for (int n = t.inner - 1; n >= 0; n--) {
      t.nodes.set(n, t.bestChild(n));
    }
    return t;
  }

  /** The server index of leaf {@code leaf}. */
  public int serverOf(int leaf) {
    return server[leaf];
  }

  /**
   * Re-synchronises every leaf from the live counts. The owner calls it once takes and releases reach this
   * tree: one that still reached the previous tree happened before, so this pass reads its count.
   */
  public void resync() {
    for (int i = 0; i < server.length; i++) {
      update(i);
    }
  }

  /** HAProxy's key, saturating at 2^31 - 1; 32-bit division while it cannot overflow (the usual case). */
  private long key(int leaf, int served) {
    if (served <= 0) {
      return 0;
    }
    if (served < (1 << 18)) {
      return ((served + 1) << 12) / eweight[leaf];
    }
    return Math.min(KEY_MAX, (served + 1L) * EWEIGHT_MAX / eweight[leaf]);
  }

  private long value(int leaf, int served, long seq) {
    return value(leaf, served, key(leaf, served), seq);
  }

  private long value(int leaf, int served, long key, long seq) {
    int mc = maxconn[leaf];
    long sat = mc > 0 && served >= mc ? SATURATED : 0;
    return sat | (key << SEQ_BITS) | Math.min(seq, SEQ_MASK);
  }

  private long nextSequence() {
    // A plain read and a release store, not an atomic increment: sequential operations see every previous
    // one, so FIFO order is exact; racing re-queues may share a number, which only makes their order
    // undefined (ties go to declaration order), never the minimum wrong.
    long s = sequence.get();
    sequence.lazySet(s + 1);
    if (s >= COMPACT_AT && !compactionRequested && compactionHook != null) {
      compactionRequested = true;
      compactionHook.run();
    }
    return s;
  }

  /**
   * Sets {@code leaf} from its server's live count, then refreshes its path: called after every take and
   * release on the server. Allocation-free; never blocks.
   */
  void update(int leaf) {
    LoadView c = live;
    int s = server[leaf];
    boolean changed = false;
    for (;;) {
      int served = c.served(s);
      long old = leaves.get(leaf);
      long key = key(leaf, served);
      long oldKey = (old & ~SATURATED) >>> SEQ_BITS;
      long seq = key == oldKey ? old & SEQ_MASK : nextSequence();
      long next = value(leaf, served, key, seq);
      if (next != old) {
        if (!leaves.compareAndSet(leaf, old, next)) {
          continue;
        }
        changed = true;
      }
      if (c.served(s) == served) {
        break;
      }
    }
    if (changed) {
      propagate(leaf);
    }
  }

  private static final int STOP = 0;
  private static final int CONTINUE = 1;
  private static final int FAILED = 2;

  private void propagate(int leaf) {
    int n = inner + leaf;
    do {
      n = (n - 1) >>> ARITY_BITS;
      int r = refresh(n, leaf);
      if (r == FAILED) {
        r = refresh(n, leaf);
      }
      if (r == STOP) {
        return;
      }
    } while (n > 0);
  }

  /**
   * The best leaf among the winners of the four children of inner node {@code n}; ties go to the first.
   * Unrolled for {@code ARITY == 4} and written as selections the JIT can compile to conditional moves: the comparisons are
   * unpredictable, and branch mispredictions would cost more than the loads.
   */
  private int bestChild(int n) {
    int first = (n << ARITY_BITS) + 1;
    int w0;
    int w1;
    int w2;
    int w3;
    if (first >= inner) {
      w0 = first - inner;
      w1 = w0 + 1;
      w2 = w0 + 2;
      w3 = w0 + 3;
    } else {
      w0 = (int) (nodes.get(first) & INDEX_MASK);
      w1 = (int) (nodes.get(first + 1) & INDEX_MASK);
      w2 = (int) (nodes.get(first + 2) & INDEX_MASK);
      w3 = (int) (nodes.get(first + 3) & INDEX_MASK);
    }
    long v0 = leaves.get(w0);
    long v1 = leaves.get(w1);
    long v2 = leaves.get(w2);
    long v3 = leaves.get(w3);
    int a = v1 < v0 ? w1 : w0;
    long va = Math.min(v0, v1);
    int b = v3 < v2 ? w3 : w2;
    long vb = Math.min(v2, v3);
    return vb < va ? b : a;
  }

  private int refresh(int n, int leaf) {
    long word = nodes.get(n);
    int w = bestChild(n);
    int before = (int) (word & INDEX_MASK);
    long next = (((word >>> INDEX_BITS) + 1) << INDEX_BITS) | w;
    if (!nodes.compareAndSet(n, word, next)) {
      return FAILED;
    }
    return before == w && w != leaf ? STOP : CONTINUE;
  }

  private int winnerOf(int heapNode) {
    return heapNode >= inner ? heapNode - inner : (int) (nodes.get(heapNode) & INDEX_MASK);
  }

  // ---------------------------------------------------------------- picks (data plane)

  /**
   * The server HAProxy's {@code fwlc_get_next_server} would take: the first unsaturated server in key and
   * FIFO order that is not {@code avoid}; {@code avoid} itself only if no other qualifies; {@link
   * Picker#SATURATED} when every server is saturated; {@link Picker#NO_SERVER} when the tree is empty. Two or three
   * volatile reads (plus {@code log2(n)} when avoiding the best); allocation-free.
   *
   * @param avoid a server index to avoid, or any negative number
   */
  public int pick(int avoid) {
    int w = (int) (nodes.get(0) & INDEX_MASK);
    long v = leaves.get(w);
    if (v == EMPTY) {
      return Picker.NO_SERVER;
    }
    if ((v & SATURATED) != 0) {
      return Picker.SATURATED;
    }
    if (server[w] != avoid) {
      return server[w];
    }
    long best = EMPTY;
    int bestLeaf = -1;
    for (int n = inner + w; n > 0; n = (n - 1) >>> ARITY_BITS) {
      int first = (((n - 1) >>> ARITY_BITS) << ARITY_BITS) + 1;
      for (int c = first; c < first + ARITY; c++) {
        if (c == n) {
          continue;
        }
        int s = winnerOf(c);
        long sv = leaves.get(s);
        if (sv < best) {
          best = sv;
          bestLeaf = s;
        }
      }
    }
    if (bestLeaf < 0 || (best & SATURATED) != 0) {
      return server[w]; // nothing else qualifies: the avoided server, which is not saturated
    }
    return server[bestLeaf];
  }

  /** Number of servers in the tree. */
  public int size() {
    return server.length;
  }

  /** The server index of every member in the current key and FIFO order (diagnostics; allocates). */
  public int[] order() {
    int m = server.length;
    long[][] v = new long[m][];
    for (int i = 0; i < m; i++) {
      v[i] = new long[] {leaves.get(i), i};
    }
    Arrays.sort(v, (a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
    int[] out = new int[m];
    for (int i = 0; i < m; i++) {
      out[i] = server[(int) v[i][1]];
    }
    return out;
  }

  /** The key HAProxy would give server {@code serverIndex} now, or -1 if it is not a member (diagnostics). */
  public long key(int serverIndex) {
    for (int i = 0; i < server.length; i++) {
      if (server[i] == serverIndex) {
        return (leaves.get(i) & ~SATURATED) >>> SEQ_BITS;
      }
    }
    return -1;
  }

  /**
   * Checks the tree's invariants against its live counters: every leaf's key matches its counter and every
   * inner node holds the best leaf of its subtree. Only meaningful while no update is in progress
   * (tests and diagnostics). Returns {@code null} when consistent, otherwise a description.
   */
  public String inconsistency() {
    for (int i = 0; i < server.length; i++) {
      int served = live.served(server[i]);
      long expected = value(i, served, 0) & ~SEQ_MASK;
      if ((leaves.get(i) & ~SEQ_MASK) != expected) {
        return "leaf " + i + " (server " + server[i] + ", served " + served + ") holds key "
            + ((leaves.get(i) & ~SATURATED) >>> SEQ_BITS);
      }
    }
    for (int n = inner - 1; n >= 0; n--) {
      int best = bestLeafBelow(n);
      int stored = winnerOf(n);
      if (leaves.get(stored) != leaves.get(best)) {
        return "node " + n + " holds leaf " + stored + " but the best below is leaf " + best;
      }
    }
    return null;
  }

  private int bestLeafBelow(int n) {
    if (n >= inner) {
      return n - inner;
    }
    int first = (n << ARITY_BITS) + 1;
    int best = bestLeafBelow(first);
    for (int c = first + 1; c < first + ARITY; c++) {
      int b = bestLeafBelow(c);
      if (leaves.get(b) < leaves.get(best)) {
        best = b;
      }
    }
    return best;
  }
}
