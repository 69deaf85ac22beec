package org.stickyroute.stick;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.StampedLock;
import java.util.function.Consumer;
import org.stickyroute.config.StickTableConfig;

/**
 * A stick table (HAProxy 2.6's {@code struct stktable} with {@code src/stick_table.c}): keys to servers, with
 * HAProxy's expiry and purging. The one mutable piece of routing state.
 *
 * <p>Semantics, as the binary: {@link #reserve} is {@code stksess_new} (a full table drops its {@code (size >>
 * 8) + 1} oldest entries, examining at most twice that many — entries touched since they were sorted are
 * re-sorted instead, and count as examined — or refuses with {@code nopurge}); {@link #commit} is {@code
 * stktable_set_entry} plus the server and {@code stktable_touch_local}; {@link #lookup} + {@link #touch} is a
 * match. An entry whose {@code expire} has passed is gone ({@code process_table_expire}); the expiry order is
 * kept lazily exactly as HAProxy's timer tree (a touch changes {@code expire}, not the entry's place).
 *
 * <p>Thread-safe. Lookups and touches take no lock and allocate nothing: they read the index under an
 * optimistic stamp and retry under the read lock only when a store raced with them. Reservations and stores
 * take the table's write lock, as HAProxy takes its table lock.
 */
public final class StickTable {
  private final StickTableConfig config;
  private final long expire;
  private final int size;
  private final boolean nopurge;
  private final StickIndex index;
  private final StampedLock lock = new StampedLock();
  private StickEntry head;
  private StickEntry tail;
  /** HAProxy's {@code current}: entries plus reservations not yet stored. */
  private int current;
  private volatile Consumer<StickEntry> listener;

  /** An empty table. */
  public StickTable(StickTableConfig config) {
    this.config = config;
    this.expire = config.expireMillis();
    this.size = config.size();
    this.nopurge = config.nopurge();
    this.index = new StickIndex(Math.min(size, 1 << 16));
  }

  /** The table's configuration. */
  public StickTableConfig config() {
    return config;
  }

  /** Whether keys are {@code long}s ({@code ip}, {@code integer}). */
  public boolean longKeys() {
    return config.type() == StickTableConfig.KeyType.IP || config.type() == StickTableConfig.KeyType.INTEGER;
  }

  /** Called after every local store, outside the lock (for sharing); {@code null} for none. */
  public void onStore(Consumer<StickEntry> l) {
    this.listener = l;
  }

  // ------------------------------------------------------------------------------------------ lookups

  /** The live entry for an {@code ip}/{@code integer} key at {@code now} (ms), or {@code null}. No lock. */
  public StickEntry lookup(long key, long now) {
    long stamp = lock.tryOptimisticRead();
    StickEntry e = index.get(key);
    if (!lock.validate(stamp)) {
      stamp = lock.readLock();
      try {
        e = index.get(key);
      } finally {
        lock.unlockRead(stamp);
      }
    }
    return live(e, now);
  }

  /** The live entry for a key of another type at {@code now} (ms), or {@code null}. No lock. */
  public StickEntry lookup(byte[] key, long now) {
    int h = StickIndex.hash(key);
    long stamp = lock.tryOptimisticRead();
    StickEntry e = index.get(key, h);
    if (!lock.validate(stamp)) {
      stamp = lock.readLock();
      try {
        e = index.get(key, h);
      } finally {
        lock.unlockRead(stamp);
      }
    }
    return live(e, now);
  }

  private StickEntry live(StickEntry e, long now) {
    return e == null || (expire != 0 && e.expire <= now) ? null : e;
  }

  /** {@code stktable_touch_local}: the entry expires {@code expire} ms after {@code now}. No lock. */
  public void touch(StickEntry e, long now) {
    e.expire = now + expire;
  }

  // ------------------------------------------------------------------------------------------- stores

  /**
   * {@code stksess_new}: reserves room for one entry at {@code now}; false when the table is full and cannot
   * purge (then the store is skipped, as HAProxy skips it). A reservation ends with {@link #commit} or {@link
   * #release}.
   */
  public boolean reserve(long now) {
    long stamp = lock.writeLock();
    try {
      expireDue(now);
      if (!makeRoom()) {
        return false;
      }
      current++;
      return true;
    } finally {
      lock.unlockWrite(stamp);
    }
  }

  /** Gives a reservation back (the request failed before a server answered). */
  public void release() {
    long stamp = lock.writeLock();
    try {
      current--;
    } finally {
      lock.unlockWrite(stamp);
    }
  }

  /**
   * Stores a reserved key ({@code stktable_set_entry}, then the server and a touch at {@code now}): an
   * existing entry is updated and the reservation given back; a new one is sorted by the expiry it got when
   * reserved ({@code reservedAt}).
   *
   * @param longKey the key of an {@code ip}/{@code integer} table (ignored otherwise)
   * @param bytesKey the key of another table, or {@code null}
   */
  public void commit(long longKey, byte[] bytesKey, String serverName, int serverId, long reservedAt, long now) {
    StickEntry e;
    long stamp = lock.writeLock();
    try {
      expireDue(now);
      int h = hash(longKey, bytesKey);
      e = find(longKey, bytesKey, h);
      if (e == null) {
        e = insert(longKey, bytesKey, h, reservedAt + expire);
      } else {
        current--;
      }
      e.serverName = serverName;
      e.serverId = serverId;
      e.expire = now + expire;
    } finally {
      lock.unlockWrite(stamp);
    }
    Consumer<StickEntry> l = listener;
    if (l != null) {
      l.accept(e);
    }
  }

  /**
   * Applies an entry learned elsewhere (another instance's store): created or updated with this server and
   * expiry, as a remote update ({@code stktable_touch_remote}); purges like a store when full. Returns false
   * when the table is full and cannot purge.
   */
  public boolean apply(long longKey, byte[] bytesKey, String serverName, int serverId, long expireAt, long now) {
    long stamp = lock.writeLock();
    try {
      expireDue(now);
      int h = hash(longKey, bytesKey);
      StickEntry e = find(longKey, bytesKey, h);
      if (e == null) {
        if (!makeRoom()) {
          return false;
        }
        current++;
        e = insert(longKey, bytesKey, h, expireAt);
      }
      e.serverName = serverName;
      e.serverId = serverId;
      e.expire = expireAt;
      return true;
    } finally {
      lock.unlockWrite(stamp);
    }
  }

  /** Number of entries (reservations not counted). */
  public int size() {
    long stamp = lock.readLock();
    try {
      return index.size();
    } finally {
      lock.unlockRead(stamp);
    }
  }

  /** The live entries at {@code now}, oldest first (a copy; control plane). */
  public List<StickEntry> entries(long now) {
    long stamp = lock.readLock();
    try {
      List<StickEntry> out = new ArrayList<>();
      for (StickEntry e = head; e != null; e = e.next) {
        if (live(e, now) != null) {
          out.add(e);
        }
      }
      return out;
    } finally {
      lock.unlockRead(stamp);
    }
  }

  // ---------------------------------------------------------------- HAProxy's expiry tree (write lock held)

  /**
   * Room for one more entry: true when the table is not full, else the result of purging the {@code (size >>
   * 8) + 1} oldest entries (never with {@code nopurge}), as {@code stksess_new} does.
   */
  private boolean makeRoom() {
    return current < size || (!nopurge && trashOldest((size >> 8) + 1) > 0);
  }

  private static int hash(long longKey, byte[] bytesKey) {
    return bytesKey == null ? StickIndex.hash(longKey) : StickIndex.hash(bytesKey);
  }

  /** The entry of a key ({@code bytesKey}, else {@code longKey}) whose index hash is {@code h}, or null. */
  private StickEntry find(long longKey, byte[] bytesKey, int h) {
    return bytesKey == null ? index.get(longKey) : index.get(bytesKey, h);
  }

  /** A new entry for a key, indexed and placed in the expiry order at {@code expireAt}. */
  private StickEntry insert(long longKey, byte[] bytesKey, int h, long expireAt) {
    StickEntry e = new StickEntry(bytesKey == null ? longKey : -1, bytesKey, h);
    e.expire = expireAt;
    e.expKey = expireAt;
    index.add(e);
    insertSorted(e);
    return e;
  }

  /** {@code stktable_trash_expired} as the expiry task would have run it up to {@code now}. */
  private void expireDue(long now) {
    if (expire == 0) {
      return;
    }
    StickEntry e = head;
    while (e != null && e.expKey <= now) {
      StickEntry ts = e;
      e = e.next;
      unlink(ts);
      if (ts.expire > now) {
        e = requeue(ts, e);
        continue;
      }
      drop(ts);
    }
  }

  /** {@code __stktable_trash_oldest}: drops up to {@code batch} oldest entries; returns how many. */
  private int trashOldest(int batch) {
    int maxSearch = batch * 2;
    int batched = 0;
    StickEntry e = head;
    while (batched < batch) {
      if (e == null || --maxSearch < 0) {
        break;
      }
      StickEntry ts = e;
      e = e.next;
      unlink(ts);
      if (ts.expire != ts.expKey) {
        e = requeue(ts, e);
        continue;
      }
      drop(ts);
      batched++;
    }
    return batched;
  }

  /**
   * Puts an unlinked entry that was touched since it was sorted back in the expiry order at its new expiry;
   * returns where the walk goes on: {@code next}, or the entry itself when it now comes first.
   */
  private StickEntry requeue(StickEntry ts, StickEntry next) {
    ts.expKey = ts.expire;
    insertSorted(ts);
    return next == null || next.expKey > ts.expKey ? ts : next;
  }

  /** Forgets an unlinked entry: out of the index, no longer counted. */
  private void drop(StickEntry ts) {
    index.remove(ts);
    current--;
  }

  private void unlink(StickEntry e) {
    if (e.prev == null) {
      head = e.next;
    } else {
      e.prev.next = e.next;
    }
    if (e.next == null) {
      tail = e.prev;
    } else {
      e.next.prev = e.prev;
    }
    e.prev = null;
    e.next = null;
  }

  /** Inserts after every entry whose key is not greater (equal keys keep their insertion order). */
  private void insertSorted(StickEntry e) {
    StickEntry p = tail;
    while (p != null && p.expKey > e.expKey) {
      p = p.prev;
    }
    e.prev = p;
    e.next = p == null ? head : p.next;
    if (p == null) {
      head = e;
    } else {
      p.next = e;
    }
    if (e.next == null) {
      tail = e;
    } else {
      e.next.prev = e;
    }
  }
}
