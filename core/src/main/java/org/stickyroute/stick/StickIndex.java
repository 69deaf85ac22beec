package org.stickyroute.stick;

import java.util.Arrays;

/**
 * The key index of a {@link StickTable}: open addressing with linear probing over one array of entries (each
 * entry carries its key). Mutations run under the table's write lock; reads run without a lock (the table
 * validates an optimistic stamp and retries), so a read never throws whatever it races with: it reads the
 * array once and bounds every probe.
 */
final class StickIndex {
  private volatile StickEntry[] slots;
  private int count;

  StickIndex(int expected) {
    int cap = 16;
    while (cap < expected * 2L && cap < (1 << 30)) {
      cap <<= 1;
    }
    slots = new StickEntry[cap];
  }

  static int hash(long key) {
    long h = key * 0x9E37_79B9_7F4A_7C15L;
    return (int) (h ^ (h >>> 32));
  }

  static int hash(byte[] key) {
    return hash(Arrays.hashCode(key));
  }

  StickEntry get(long key) {
    StickEntry[] s = slots;
    int mask = s.length - 1;
    int i = hash(key) & mask;
    for (int n = 0; n <= mask; n++) {
      StickEntry e = s[i];
      if (e == null) {
        return null;
      }
      if (e.bytesKey == null && e.longKey == key) {
        return e;
      }
      i = (i + 1) & mask;
    }
    return null;
  }

  StickEntry get(byte[] key, int hash) {
    StickEntry[] s = slots;
    int mask = s.length - 1;
    int i = hash & mask;
    for (int n = 0; n <= mask; n++) {
      StickEntry e = s[i];
      if (e == null) {
        return null;
      }
      if (e.hash == hash && e.bytesKey != null && Arrays.equals(e.bytesKey, key)) {
        return e;
      }
      i = (i + 1) & mask;
    }
    return null;
  }

  /** Adds an entry whose key is not in the index (write lock held). */
  void add(StickEntry e) {
    if ((count + 1) * 2L > slots.length) {
      grow();
    }
    StickEntry[] s = slots;
    int mask = s.length - 1;
    int i = e.hash & mask;
    while (s[i] != null) {
      i = (i + 1) & mask;
    }
    s[i] = e;
    count++;
  }

  /** Removes an entry (write lock held): backward-shift deletion keeps every probe chain unbroken. */
  void remove(StickEntry e) {
    StickEntry[] s = slots;
    int mask = s.length - 1;
    int i = e.hash & mask;
    while (s[i] != e) {
      if (s[i] == null) {
        return;
      }
      i = (i + 1) & mask;
    }
    int hole = i;
    int j = i;
    while (true) {
      j = (j + 1) & mask;
      StickEntry f = s[j];
      if (f == null) {
        break;
      }
      int home = f.hash & mask;
      // f may move into the hole when its home is not in (hole, j] (cyclically)
      boolean movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
      if (movable) {
        s[hole] = f;
        hole = j;
      }
    }
    s[hole] = null;
    count--;
  }

  int size() {
    return count;
  }

  private void grow() {
    StickEntry[] old = slots;
    StickEntry[] s = new StickEntry[old.length * 2];
    int mask = s.length - 1;
    for (StickEntry e : old) {
      if (e != null) {
        int i = e.hash & mask;
        while (s[i] != null) {
          i = (i + 1) & mask;
        }
        s[i] = e;
      }
    }
    slots = s;
  }
}
