package org.stickyroute.stick;

/**
 * One entry of a {@link StickTable} (HAProxy's {@code stksess}): its key, the server it names (by name, then
 * by id, as {@code srvkey name} does), when it expires, and its place in the table's expiry order ({@code
 * expKey}: HAProxy's {@code exp.key}, which a touch does not move; only expiry and purging re-sort it).
 */
public final class StickEntry {
  final long longKey;
  final byte[] bytesKey;
  final int hash;
  volatile String serverName;
  volatile int serverId;
  volatile long expire;
  /** 1 while the entry waits in a {@link StickShare}'s queue (so that it is queued once). */
  volatile int queued;
  long expKey;
  StickEntry prev;
  StickEntry next;

  StickEntry(long longKey, byte[] bytesKey, int hash) {
    this.longKey = longKey;
    this.bytesKey = bytesKey;
    this.hash = hash;
  }

  /** The {@code ip} / {@code integer} key, or -1 for other key types. */
  public long longKey() {
    return longKey;
  }

  /** A copy of the key's bytes for other key types, or {@code null}. */
  public byte[] bytesKey() {
    return bytesKey == null ? null : bytesKey.clone();
  }

  /** The name of the server the entry routes to. */
  public String serverName() {
    return serverName;
  }

  /** The id ({@code puid}) of the server the entry routes to. */
  public int serverId() {
    return serverId;
  }

  /** When the entry expires (the table's clock, ms). */
  public long expire() {
    return expire;
  }
}
