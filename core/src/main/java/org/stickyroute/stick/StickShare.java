package org.stickyroute.stick;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.stickyroute.config.StickTableConfig;
import org.stickyroute.share.SharedEntry;
import org.stickyroute.share.SharedTables;

/**
 * The tables of one {@code peers} section, shared: {@link SharedTables} over {@link StickTable}s. Local stores
 * go through a bounded multi-producer queue of entry references (Vyukov's bounded queue over two parallel
 * arrays: no lock, no allocation); the one consumer is the sharing layer's thread, which parks when the queue
 * is empty and is unparked by the producer that finds it parked.
 */
public final class StickShare implements SharedTables {
  private static final AtomicIntegerFieldUpdater<StickEntry> QUEUED =
      AtomicIntegerFieldUpdater.newUpdater(StickEntry.class, "queued");
  private static final HexFormat HEX = HexFormat.of();

  private final String peers;
  private final StickTable[] tables;
  private final Map<String, Integer> byName;
  private final LongSupplier clock;
  // the queue: slot i holds (entries[i], tableOf[i]) when seq[i] == position + 1
  private final int mask;
  private final StickEntry[] entries;
  private final int[] tableOf;
  private final AtomicLongArray seq;
  private final AtomicLong tail = new AtomicLong();
  private long head; // consumer only
  private final AtomicLong dropped = new AtomicLong();
  private volatile Thread parked;

  /**
   * Shares {@code tables} (their {@code peers} section is {@code peers}) with a queue of {@code capacity}
   * entries (rounded up to a power of two), reading time from {@code clock} (the tables' clock, ms). Installs
   * itself as each table's store listener.
   */
  public StickShare(String peers, List<StickTable> tables, int capacity, LongSupplier clock) {
    this.peers = peers;
    this.tables = tables.toArray(new StickTable[0]);
    this.clock = clock;
    java.util.HashMap<String, Integer> m = new java.util.HashMap<>();
    for (int i = 0; i < this.tables.length; i++) {
      m.put(this.tables[i].config().name(), i);
    }
    this.byName = Map.copyOf(m);
    int cap = 2;
    while (cap < capacity && cap < (1 << 30)) {
      cap <<= 1;
    }
    mask = cap - 1;
    entries = new StickEntry[cap];
    tableOf = new int[cap];
    seq = new AtomicLongArray(cap);
    for (int i = 0; i < cap; i++) {
      seq.set(i, i);
    }
    for (int i = 0; i < this.tables.length; i++) {
      int t = i;
      this.tables[i].onStore(e -> offer(e, t));
    }
  }

  /** The request path's hand-off: never blocks, never allocates. */
  void offer(StickEntry e, int table) {
    if (!QUEUED.compareAndSet(e, 0, 1)) {
      return; // already waiting: the consumer reads its latest state
    }
    long pos = tail.get();
    while (true) {
      int i = (int) pos & mask;
      long s = seq.get(i);
      if (s == pos) {
        if (tail.compareAndSet(pos, pos + 1)) {
          entries[i] = e;
          tableOf[i] = table;
          seq.set(i, pos + 1);
          break;
        }
        pos = tail.get();
      } else if (s < pos) {
        e.queued = 0;
        dropped.incrementAndGet();
        return;
      } else {
        pos = tail.get();
      }
    }
    Thread t = parked;
    if (t != null) {
      LockSupport.unpark(t);
    }
  }

  @Override
  public String peers() {
    return peers;
  }

  @Override
  public List<String> tables() {
    List<String> out = new ArrayList<>();
    for (StickTable t : tables) {
      out.add(t.config().name());
    }
    return out;
  }

  @Override
  public SharedEntry poll(long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    while (true) {
      SharedEntry e = take();
      if (e != null) {
        return e;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return null;
      }
      parked = Thread.currentThread();
      e = take(); // a producer may have published before it could see us parked
      if (e != null) {
        parked = null;
        return e;
      }
      LockSupport.parkNanos(this, left);
      parked = null;
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
    }
  }

  private SharedEntry take() {
    while (true) {
      int i = (int) head & mask;
      if (seq.get(i) != head + 1) {
        return null;
      }
      StickEntry e = entries[i];
      int t = tableOf[i];
      entries[i] = null;
      seq.set(i, head + mask + 1);
      head++;
      e.queued = 0; // from here a new store queues it again
      SharedEntry out = toShared(tables[t], e, clock.getAsLong());
      if (out != null) {
        return out;
      }
    }
  }

  @Override
  public boolean apply(SharedEntry entry) {
    Integer i = byName.get(entry.table());
    if (i == null) {
      return false;
    }
    StickTable t = tables[i];
    long now = clock.getAsLong();
    long expireAt = entry.ttlMillis() == SharedEntry.NO_EXPIRY ? now : now + entry.ttlMillis();
    try {
      if (t.longKeys()) {
        long k = decodeLong(t.config().type(), entry.key());
        return k >= 0 && t.apply(k, null, entry.server(), -1, expireAt, now);
      }
      byte[] k = HEX.parseHex(entry.key());
      if (k.length == 0 || k.length > t.config().keyLength()
          || (t.config().type() != StickTableConfig.KeyType.STRING && k.length != t.config().keyLength())) {
        return false;
      }
      return t.apply(-1, k, entry.server(), -1, expireAt, now);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  @Override
  public List<SharedEntry> entries() {
    long now = clock.getAsLong();
    List<SharedEntry> out = new ArrayList<>();
    for (StickTable t : tables) {
      for (StickEntry e : t.entries(now)) {
        SharedEntry s = toShared(t, e, now);
        if (s != null) {
          out.add(s);
        }
      }
    }
    return out;
  }

  @Override
  public long dropped() {
    return dropped.get();
  }

  /** The entry as shared at {@code now}, or {@code null} when it has expired or has no server yet. */
  static SharedEntry toShared(StickTable t, StickEntry e, long now) {
    String server = e.serverName;
    if (server == null) {
      return null;
    }
    long ttl = SharedEntry.NO_EXPIRY;
    if (t.config().expireMillis() != 0) {
      ttl = e.expire - now;
      if (ttl <= 0) {
        return null;
      }
    }
    String key = e.bytesKey == null ? encodeLong(t.config().type(), e.longKey) : HEX.formatHex(e.bytesKey);
    return new SharedEntry(t.config().name(), key, server, ttl);
  }

  static String encodeLong(StickTableConfig.KeyType type, long k) {
    if (type == StickTableConfig.KeyType.INTEGER) {
      return Long.toString(k);
    }
    return ((k >>> 24) & 255) + "." + ((k >>> 16) & 255) + "." + ((k >>> 8) & 255) + "." + (k & 255);
  }

  /** The key, or -1 when it does not decode. */
  static long decodeLong(StickTableConfig.KeyType type, String s) {
    if (type == StickTableConfig.KeyType.INTEGER) {
      if (s.isEmpty() || s.length() > 10) {
        return -1;
      }
      long v = 0;
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c < '0' || c > '9') {
          return -1;
        }
        v = v * 10 + (c - '0');
      }
      return v <= 0xFFFF_FFFFL ? v : -1;
    }
    long v = 0;
    int parts = 0;
    int i = 0;
    while (parts < 4) {
      int start = i;
      long p = 0;
      while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9' && i - start < 3) {
        p = p * 10 + (s.charAt(i) - '0');
        i++;
      }
      if (i == start || p > 255) {
        return -1;
      }
      v = (v << 8) | p;
      parts++;
      if (parts < 4) {
        if (i >= s.length() || s.charAt(i) != '.') {
          return -1;
        }
        i++;
      }
    }
    return i == s.length() ? v : -1;
  }
}
