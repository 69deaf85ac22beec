package org.stickyroute.balance;

import java.util.Arrays;
import org.stickyroute.hash.internal.Avalanche;

/**
 * HAProxy's consistent-hashing ring ({@code src/lb_chash.c}) as flat primitive arrays. Immutable and
 * thread-safe; lookups are allocation-free.
 *
 * <p>Server {@code s} with id {@code puid} contributes {@code points(s)} nodes; node {@code j} has the key
 * {@code full_hash(puid * span + j)} (mod 2^32), where {@code span = 256 * pointsPerWeight}. With HAProxy's
 * 16 points per unit of weight the span is 4096 and the ring is HAProxy's, node for node. The nodes depend
 * only on ids and weights, so removing a server moves only its own keys.
 *
 * <p>A lookup takes the node closest to the hash in either direction (ties go to the lower key), then walks
 * forward past the server to avoid and past servers a {@link ServerFilter} rejects, with HAProxy's guard
 * against endless walks: after wrapping past the end twice it gives up and returns the last server seen.
 *
 * <p>Keys are stored with the sign bit flipped so that signed comparisons give the unsigned order, and an
 * index over their top bits turns the search into a short scan.
 *
 * <p>A second, finer table answers most lookups with one load: it splits the hash space into at least eight
 * times as many equal buckets as there are nodes (at most 2<sup>20</sup>, 4 MiB) and records, for each bucket
 * every hash of which has the same nearest-node owner, that owner. A lookup whose bucket has an owner, and
 * whose owner is neither avoided nor rejected, is done; the others (7 to 15 % of random hashes, and all
 * hashes of a ring with more than 2<sup>19</sup> nodes, where the table would not pay) take the scan above.
 * Both paths give the same answer: nearest nodes advance monotonically around the ring as the hash grows,
 * so the nodes nearest to a bucket's hashes are exactly those from the one nearest its first hash to the one
 * nearest its last.
 */
public final class ConsistentRing {
  private final int[] keys; // sorted, sign-flipped
  private final int[] owners; // server index per node
  private final int[] index; // index[b] = first node whose top bits are >= b; length buckets + 1
  private final int shift;
  private final int[] direct; // owner of every hash of bucket b, or -1 when they differ (or for an empty ring)
  private final int directShift;

  /** Finest direct table: 2^20 buckets (4 MiB). */
  static final int MAX_DIRECT_BITS = 20;

  /** The direct table has at least 2^3 = 8 buckets per node. */
  static final int DIRECT_BITS_PER_NODE = 3;

  private ConsistentRing(int[] keys, int[] owners, int[] index, int shift) {
    this.keys = keys;
    this.owners = owners;
    this.index = index;
    this.shift = shift;
    int n = keys.length;
    int bits = 1;
    while (bits < MAX_DIRECT_BITS && (1L << bits) < ((long) n << DIRECT_BITS_PER_NODE)) {
      bits++;
    }
    if (n == 0 || (long) n << 1 > 1L << bits) {
      // Empty, or so many nodes that most buckets would be mixed: every lookup scans.
      bits = 1;
      this.direct = new int[] {-1, -1};
    } else {
      this.direct = directTable(bits);
    }
    this.directShift = 32 - bits;
  }

  /** For each of {@code 2^bits} buckets, the single owner of its hashes, or -1. */
  private int[] directTable(int bits) {
    int n = keys.length;
    int[] table = new int[1 << bits];
    int width = 32 - bits;
    for (int b = 0; b < table.length; b++) {
      int first = b << width;
      int last = first + ((1 << width) - 1);
      int from = nearest(first);
      int to = nearest(last);
      int owner = owners[from];
      // Nearest nodes only move forward (cyclically) as the hash grows: check the nodes in between.
      for (int node = from; node != to && owner >= 0; ) {
        node = node + 1 == n ? 0 : node + 1;
        if (owners[node] != owner) {
          owner = -1;
        }
      }
      table[b] = owner;
    }
    return table;
  }

  /**
   * Builds a ring.
   *
   * @param members server indices in the ring, in declaration order
   * @param puid the numeric id of every server, indexed by server index
   * @param points the number of nodes of every server, indexed by server index
   * @param pointsPerWeight 16 for HAProxy's ring; sets the id span {@code 256 * pointsPerWeight}
   * @return the ring (possibly empty)
   */
  public static ConsistentRing build(int[] members, int[] puid, int[] points, int pointsPerWeight) {
    int total = 0;
    for (int m : members) {
      total += points[m];
    }
    long span = 256L * pointsPerWeight;
    // (flipped key << 32 | insertion order) sorts by unsigned key, then FIFO like ebtree duplicates.
    long[] packed = new long[total];
    int[] ownerOf = new int[total];
    int n = 0;
    for (int m : members) {
      for (int j = 0; j < points[m]; j++) {
        int key = Avalanche.fullHash((int) (puid[m] * span + j));
        packed[n] = ((long) (key ^ Integer.MIN_VALUE) << 32) | n;
        ownerOf[n] = m;
        n++;
      }
    }
    Arrays.sort(packed);
    int[] keys = new int[total];
    int[] owners = new int[total];
    for (int i = 0; i < total; i++) {
      keys[i] = (int) (packed[i] >> 32);
      owners[i] = ownerOf[(int) packed[i]];
    }
    int bits = 1;
    while (bits < 16 && (1 << bits) < total) {
      bits++;
    }
    int shift = 32 - bits;
    int buckets = 1 << bits;
    int[] index = new int[buckets + 1];
    int node = 0;
    for (int b = 0; b <= buckets; b++) {
      while (node < total && bucketOf(keys[node], shift) < b) {
        node++;
      }
      index[b] = node;
    }
    return new ConsistentRing(keys, owners, index, shift);
  }

  private static int bucketOf(int flippedKey, int shift) {
    return (flippedKey ^ Integer.MIN_VALUE) >>> shift;
  }

  /** Number of nodes. */
  public int size() {
    return keys.length;
  }

  /** The unsigned key of node {@code i} (in ring order). */
  public int key(int i) {
    return keys[i] ^ Integer.MIN_VALUE;
  }

  /** The server index owning node {@code i}. */
  public int owner(int i) {
    return owners[i];
  }

  /** The node nearest to {@code hash} in either direction (ties go to the lower key); the ring is not empty. */
  int nearest(int hash) {
    int n = keys.length;
    int next = ceiling(hash);
    if (next == n) {
      next = 0;
    }
    int prev = next == 0 ? n - 1 : next - 1;
    int dp = hash - key(prev);
    int dn = key(next) - hash;
    return Integer.compareUnsigned(dp, dn) <= 0 ? prev : next;
  }

  /** Index of the first node whose key is {@code >=} the unsigned {@code hash}, or {@link #size()}. */
  int ceiling(int hash) {
    int b = hash >>> shift;
    int lo = index[b];
    int hi = index[b + 1];
    int flipped = hash ^ Integer.MIN_VALUE;
    while (lo < hi && keys[lo] < flipped) {
      lo++;
    }
    return lo;
  }

  /**
   * The server for {@code hash}, or -1 when the ring is empty.
   *
   * @param hash the (unsigned) key hash
   * @param avoid a server index to skip if possible (a redispatch), or -1
   * @param filter servers to skip if possible (bounded loads), or {@code null}
   * @param load the in-flight counts given to {@code filter}
   */
  public int lookup(int hash, int avoid, ServerFilter filter, LoadView load) {
    int owner = direct[hash >>> directShift];
    if (owner >= 0 && owner != avoid && (filter == null || filter.accept(owner, load))) {
      return owner;
    }
    int n = keys.length;
    if (n == 0) {
      return -1;
    }
    int node = nearest(hash);
    int server = owners[node];
    // owner >= 0: the direct table already offered this very server and it was avoided or rejected.
    boolean rejected = owner >= 0;
    int loop = 0;
    while (rejected || server == avoid || (filter != null && !filter.accept(server, load))) {
      rejected = false;
      node++;
      if (node == n) {
        node = 0;
        if (++loop > 1) {
          break;
        }
      }
      server = owners[node];
    }
    return server;
  }
}
