package org.stickyroute.stick;

/**
 * The stores a request has pending (HAProxy's {@code s->store[]}, at most 8): each a reserved place in a
 * table and the key, stored with the server once it answers. One per {@code Decision}; reused; allocation-free
 * for {@code ip}/{@code integer} keys.
 */
public final class StickPending {
  static final int MAX = 8;
  final StickTable[] tables = new StickTable[MAX];
  final long[] longKeys = new long[MAX];
  final byte[][] bytesKeys = new byte[MAX][];
  final long[] reservedAt = new long[MAX];
  int count;
  /** How many of the stores come from request rules. */
  int requestCount;

  /** An empty list. */
  public StickPending() {}

  boolean has(StickTable t, int from) {
    for (int i = from; i < count; i++) {
      if (tables[i] == t) {
        return true;
      }
    }
    return false;
  }

  void add(StickTable t, long longKey, byte[] bytesKey, long now) {
    tables[count] = t;
    longKeys[count] = longKey;
    bytesKeys[count] = bytesKey;
    reservedAt[count] = now;
    count++;
  }

  /** Whether stores are pending. */
  public boolean pending() {
    return count > 0;
  }

  /** Gives every reservation back (the request got no server) and empties the list. */
  public void release() {
    for (int i = 0; i < count; i++) {
      tables[i].release();
    }
    clear();
  }

  void clear() {
    for (int i = 0; i < count; i++) {
      tables[i] = null;
      bytesKeys[i] = null;
    }
    count = 0;
    requestCount = 0;
  }
}
