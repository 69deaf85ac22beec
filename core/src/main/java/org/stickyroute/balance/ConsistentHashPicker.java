package org.stickyroute.balance;

import java.util.concurrent.atomic.AtomicInteger;
import org.stickyroute.http.RequestView;
import org.stickyroute.key.KeyExtractor;

/**
 * Hash-based balancing with {@code hash-type consistent} ({@code src/lb_chash.c}): the key hash is looked
 * up on the {@link ConsistentRing} of the group in use ({@code chash_get_server_hash}), walking past the
 * server to avoid and, with {@code hash-balance-factor}, past servers over their bounded load. With the first
 * backup alone in use, that backup. A request without a key takes the next node of the ring after the last
 * one so chosen, skipping saturated servers and the server to avoid ({@code chash_get_next_server}), as
 * {@code assign_server} does. With one server in use the key is not even hashed (hash 0, as {@code
 * get_server_uh}), unless the key says HAProxy looks it up anyway ({@code url_param}).
 *
 * <p>Immutable apart from the fallback's cursor; thread-safe and allocation-free.
 */
public final class ConsistentHashPicker implements Picker {
  private final ConsistentRing ring;
  private final KeyExtractor key;
  private final ServerGroup group;
  private final int firstBackup;
  private final boolean single;
  private final ServerFilter bounded;
  private final AtomicInteger cursor = new AtomicInteger();

  private ConsistentHashPicker(ConsistentRing ring, KeyExtractor key, ServerGroup group, int balanceFactor) {
    this.ring = ring;
    this.key = key;
    this.group = group;
    this.firstBackup = group.firstBackup();
    this.single = group.totalUsed() == 1 && !key.lookedUpWithOneServer();
    this.bounded = balanceFactor != 0 ? new BoundedLoad(balanceFactor, group) : null;
  }

  /**
   * Builds the ring of the group's usable servers, {@code ceil(eweight * pointsPerWeight / 16)} nodes each.
   *
   * @param balanceFactor {@code hash-balance-factor}: 0 (off) or a percentage above 100
   * @param pointsPerWeight ring points per unit of user weight; 16 is HAProxy's ring
   */
  public static ConsistentHashPicker build(
      ServerGroup group, KeyExtractor key, int balanceFactor, int pointsPerWeight) {
    int[] members = group.members();
    int[] points = Weights.ringPoints(members, group.eweight(), pointsPerWeight);
    ConsistentRing ring = ConsistentRing.build(members, group.puid(), points, pointsPerWeight);
    return new ConsistentHashPicker(ring, key, group, balanceFactor);
  }

  @Override
  public int pick(RequestView request, int avoid, LoadView load) {
    long hash = single ? 0 : key.hash(request);
    if (hash < 0) {
      return next(avoid, load);
    }
    return lookup(hash, avoid, load);
  }

  /**
   * The server for an already computed key hash (unsigned 32-bit), honouring {@code avoid} and the bounded
   * load by {@code load}; {@link #NO_SERVER} when nothing is usable.
   */
  public int lookup(long hash, int avoid, LoadView load) {
    if (firstBackup >= 0) {
      return firstBackup;
    }
    return ring.lookup((int) hash, avoid, bounded, load);
  }

  /** {@code chash_get_next_server}: the next unsaturated node after the last one it chose. */
  private int next(int avoid, LoadView load) {
    if (firstBackup >= 0) {
      return firstBackup;
    }
    int n = ring.size();
    if (n == 0) {
      return NO_SERVER;
    }
    int start = (cursor.getAndIncrement() & Integer.MAX_VALUE) % n;
    int avoided = -1;
    for (int k = 0; k < n; k++) {
      int node = start + k;
      if (node >= n) {
        node -= n;
      }
      int s = ring.owner(node);
      if (group.saturated(s, load)) {
        continue;
      }
      if (s != avoid) {
        if (k > 0) {
          cursor.addAndGet(k);
        }
        return s;
      }
      avoided = node;
    }
    if (avoided < 0) {
      cursor.set(0); // HAProxy forgets its position when every node was skipped
      return SATURATED;
    }
    cursor.set(avoided + 1); // HAProxy resumes after the avoided node it fell back to
    return ring.owner(avoided);
  }

  /** The ring (tests and diagnostics). */
  public ConsistentRing ring() {
    return ring;
  }
}
