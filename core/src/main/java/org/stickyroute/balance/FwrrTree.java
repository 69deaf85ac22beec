package org.stickyroute.balance;

/**
 * One of the ordered trees of HAProxy's fast weighted round robin ({@code src/lb_fwrr.c}), in the order its
 * {@code eb32} trees keep: ascending unsigned 32-bit key, and equal keys in insertion order (ebtree appends a
 * duplicate at the right end of its duplicate sub-tree, and {@code eb32_first} returns the leftmost). Kept as
 * an indexed binary heap on (unsigned key, insertion number), which gives the same first element for every
 * sequence of inserts and deletes: {@link #first} and membership are all {@code lb_fwrr.c} asks of a tree.
 *
 * <p>The key, the insertion number and the heap slot of a server live in arrays shared by all the trees of
 * one {@link Fwrr} state (a server is in at most one tree at a time). Not thread-safe: its owner's lock
 * guards it. Allocation-free after construction.
 */
final class FwrrTree {
  private final int[] heap;
  private final int[] key;
  private final long[] seq;
  private final int[] slot;
  private int size;
  private long inserted;

  /**
   * An empty tree.
   *
   * @param key per server: its key while in a tree
   * @param seq per server: its insertion number while in a tree
   * @param slot per server: its heap slot while in a tree
   */
  FwrrTree(int[] key, long[] seq, int[] slot) {
    this.heap = new int[key.length];
    this.key = key;
    this.seq = seq;
    this.slot = slot;
  }

  /** The first server ({@code eb32_first}), or -1 when empty. */
  int first() {
    return size == 0 ? -1 : heap[0];
  }

  /** Whether the tree is empty. */
  boolean isEmpty() {
    return size == 0;
  }

  /** Inserts {@code s} with its current {@code key[s]} after any server of an equal key ({@code eb32_insert}). */
  void insert(int s) {
    seq[s] = ++inserted;
    int i = size++;
    heap[i] = s;
    slot[s] = i;
    up(i);
  }

  /** Removes {@code s}, which must be in this tree ({@code eb32_delete}). */
  void remove(int s) {
    int i = slot[s];
    int last = heap[--size];
    if (i == size) {
      return;
    }
    heap[i] = last;
    slot[last] = i;
    if (i > 0 && before(last, heap[(i - 1) >>> 1])) {
      up(i);
    } else {
      down(i);
    }
  }

  private boolean before(int a, int b) {
    int c = Integer.compareUnsigned(key[a], key[b]);
    return c < 0 || (c == 0 && seq[a] < seq[b]);
  }

  private void up(int i) {
    int s = heap[i];
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      int p = heap[parent];
      if (!before(s, p)) {
        break;
      }
      heap[i] = p;
      slot[p] = i;
      i = parent;
    }
    heap[i] = s;
    slot[s] = i;
  }

  private void down(int i) {
    int s = heap[i];
    for (;;) {
      int child = 2 * i + 1;
      if (child >= size) {
        break;
      }
      if (child + 1 < size && before(heap[child + 1], heap[child])) {
        child++;
      }
      int c = heap[child];
      if (!before(c, s)) {
        break;
      }
      heap[i] = c;
      slot[c] = i;
      i = child;
    }
    heap[i] = s;
    slot[s] = i;
  }
}
