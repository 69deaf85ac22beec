package org.stickyroute.balance;

import java.util.Arrays;

/**
 * The order of a {@link LeastConnQueue}: one packed position word per server (saturation bit, key,
 * sequence; smaller is better; non-members hold {@link #EMPTY}), found by a scan up to {@value #SCAN_MAX}
 * servers and by a 4-ary winner tree above that. Each inner node keeps a copy of its best child's word and
 * that child's server, so the best server is the root, and a changed word recomputes its path to the root
 * ({@code log4 n} levels, four adjacent words each), stopping at the first node whose winner did not
 * change. Sequence numbers have 31 bits; when they run out the members are renumbered in their current
 * order.
 *
 * <p>Not thread-safe: the queue's lock guards it. Allocation-free after construction.
 */
final class LeastConnPositions {
  /** Up to this many servers a pick scans; above, a winner tree orders them. */
  static final int SCAN_MAX = 16;
  /** The word of a server that is not a member. */
  static final long EMPTY = Long.MAX_VALUE;

  private static final int SEQ_BITS = 31;
  private static final long SEQ_MASK = (1L << SEQ_BITS) - 1;
  private static final long SATURATED = 1L << 62;

  private final int servers;
  private final int inner; // inner tree nodes; 0 when scanning. Server i's word is pos[inner + i]
  private final long[] pos; // inner nodes' best words, then one word per leaf
  private final int[] win; // inner node -> server index of its best word
  private final int[] eweight; // the queue's: 0 = not a member
  private final long[] scratch; // renumbering
  private long sequence;

  /** Positions for {@code servers} servers, all {@link #EMPTY}; {@code eweight} says who is a member. */
  LeastConnPositions(int servers, int[] eweight) {
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
    this.eweight = eweight;
    this.scratch = new long[servers];
  }

  // ---------------------------------------------------------------- words

  /** A member's word. */
  static long word(long key, long seq, int served, int maxconn) {
    long sat = maxconn > 0 && served >= maxconn ? SATURATED : 0;
    return sat | (key << SEQ_BITS) | seq;
  }

  /** The key of a word. */
  static long keyOf(long word) {
    return (word & ~SATURATED) >>> SEQ_BITS;
  }

  /** The sequence number of a word. */
  static long seqOf(long word) {
    return word & SEQ_MASK;
  }

  /** A word without its saturation bit (the (key, FIFO) order alone). */
  static long unsaturated(long word) {
    return word & ~SATURATED;
  }

  /** A word without its sequence number (key and saturation). */
  static long withoutSeq(long word) {
    return word & ~SEQ_MASK;
  }

  /** Server {@code s}'s word. */
  long get(int s) {
    return pos[inner + s];
  }

  /** Sets server {@code s}'s word and repairs the tree above it. */
  void place(int s, long word) {
    int leaf = inner + s;
    if (pos[leaf] != word) {
      pos[leaf] = word;
      if (inner != 0) {
        fix(leaf);
      }
    }
  }

  /** Sets server {@code s}'s word without repairing the tree: call {@link #rebuild} after a batch. */
  void set(int s, long word) {
    pos[inner + s] = word;
  }

  // ---------------------------------------------------------------- the best

  /**
   * The first member in order that is not {@code avoid} and not saturated; {@code avoid} if nothing else
   * qualifies; {@link LeastConnQueue#ALL_SATURATED} when every member is saturated; {@link
   * LeastConnQueue#NONE} without members.
   */
  int best(int avoid) {
    return inner == 0 ? scanBest(avoid) : treeBest(avoid);
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
      return LeastConnQueue.NONE;
    }
    return (word & SATURATED) != 0 ? LeastConnQueue.ALL_SATURATED : at;
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

  // ---------------------------------------------------------------- the winner tree

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

  /** Recomputes every inner node. */
  void rebuild() {
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

  // ---------------------------------------------------------------- sequence numbers

  /** The next sequence number (renumbering the members first when the 31 bits ran out). */
  long nextSequence() {
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
      int i = (int) (scratch[r] & (LeastConnQueue.MAX_SERVERS - 1));
      pos[inner + i] = (pos[inner + i] & ~SEQ_MASK) | r;
    }
    sequence = m;
    rebuild();
  }

  /** The sequence counter (diagnostics: every member's number is below it). */
  long sequence() {
    return sequence;
  }

  /** Moves the sequence counter forward (tests of renumbering). */
  void advanceSequence(long to) {
    sequence = Math.max(sequence, to);
  }

  // ---------------------------------------------------------------- diagnostics

  /** Whether every inner node holds the best word below it: {@code null}, or a description. */
  String treeInconsistency() {
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
  }
}
