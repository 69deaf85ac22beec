package org.stickyroute.balance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

/**
 * The ring's fast paths (top-bits index, per-bucket direct owners) against a plain reference: the nearest
 * node found by a linear search, then HAProxy's walk. Random rings (tiny to large, duplicate keys from
 * colliding ids) are probed at random hashes, at node keys and their neighbours, at midpoints between nodes
 * and at bucket edges of every table width; avoid and filters are exercised, and the filter must be asked
 * about the same servers in the same order. Every failure message carries the seed.
 */
class ConsistentRingLookupTest {
  private static final long BASE_SEED = 0x51_6E_A1L;

  /** The ring as plain sorted arrays, looked up the slow, obvious way. */
  private static final class Reference {
    final int[] keys; // unsigned keys, ascending
    final int[] owners;

    Reference(ConsistentRing r) {
      keys = new int[r.size()];
      owners = new int[r.size()];
      for (int i = 0; i < r.size(); i++) {
        keys[i] = r.key(i);
        owners[i] = r.owner(i);
      }
    }

    int lookup(int hash, int avoid, ServerFilter filter, LoadView load) {
      int n = keys.length;
      if (n == 0) {
        return -1;
      }
      int next = 0;
      while (next < n && Integer.compareUnsigned(keys[next], hash) < 0) {
        next++;
      }
      if (next == n) {
        next = 0;
      }
      int prev = (next + n - 1) % n;
      int node = Integer.compareUnsigned(hash - keys[prev], keys[next] - hash) <= 0 ? prev : next;
      int server = owners[node];
      int loop = 0;
      while (server == avoid || (filter != null && !filter.accept(server, load))) {
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

  /** A filter that rejects a fixed set of servers and records whom it was asked about. */
  private static final class Recording implements ServerFilter {
    final boolean[] rejected;
    final StringBuilder asked = new StringBuilder();

    Recording(boolean[] rejected) {
      this.rejected = rejected;
    }

    @Override
    public boolean accept(int server, LoadView load) {
      asked.append(server).append(',');
      return !rejected[server];
    }
  }

  private static ConsistentRing randomRing(SplittableRandom r) {
    int servers = r.nextInt(1, r.nextBoolean() ? 5 : 300);
    int[] members = new int[servers];
    int[] puid = new int[servers];
    int[] points = new int[servers];
    int ppw = r.nextBoolean() ? 16 : r.nextInt(1, 200);
    for (int i = 0; i < servers; i++) {
      members[i] = i;
      // Now and then an id that lands on another server's node keys (duplicates on the ring).
      puid[i] = r.nextInt(8) == 0 && i > 0 ? puid[i - 1] + (int) ((1L << 32) / (256L * ppw)) : i + 1;
      points[i] = r.nextInt(4) == 0 ? 0 : r.nextInt(1, r.nextBoolean() ? 4 : 200);
    }
    return ConsistentRing.build(members, puid, points, ppw);
  }

  private static void check(ConsistentRing ring, Reference ref, int hash, int servers, SplittableRandom r,
      String where) {
    assertEquals(ref.lookup(hash, -1, null, null), ring.lookup(hash, -1, null, null), where + " plain");
    int avoid = r.nextInt(-1, servers);
    assertEquals(ref.lookup(hash, avoid, null, null), ring.lookup(hash, avoid, null, null), where + " avoid");
    boolean[] rejected = new boolean[servers];
    for (int s = 0; s < servers; s++) {
      rejected[s] = r.nextInt(3) == 0;
    }
    Recording a = new Recording(rejected);
    Recording b = new Recording(rejected);
    LoadView load = LoadView.of(new int[servers]);
    assertEquals(a.rejected.length, b.rejected.length);
    int expected = ref.lookup(hash, avoid, a, load);
    int actual = ring.lookup(hash, avoid, b, load);
    assertEquals(expected, actual, where + " filter");
    assertEquals(a.asked.toString(), b.asked.toString(), where + " filter calls");
  }

  @RepeatedTest(12)
  void fastPathsAgreeWithTheReference(RepetitionInfo info) {
    long seed = BASE_SEED * 31 + info.getCurrentRepetition();
    SplittableRandom r = new SplittableRandom(seed);
    for (int t = 0; t < 8; t++) {
      ConsistentRing ring = randomRing(r);
      Reference ref = new Reference(ring);
      int servers = 300;
      String tag = "seed " + seed + " ring " + t + " (" + ring.size() + " nodes) hash ";
      for (int q = 0; q < 3000; q++) {
        int h = r.nextInt();
        check(ring, ref, h, servers, r, tag + Integer.toHexString(h));
      }
      for (int i = 0; i < ring.size(); i += 1 + ring.size() / 500) {
        int k = ring.key(i);
        int after = ring.key((i + 1) % ring.size());
        int mid = k + (after - k) / 2;
        for (int h : new int[] {k - 1, k, k + 1, mid, mid + 1}) {
          check(ring, ref, h, servers, r, tag + Integer.toHexString(h));
        }
      }
      for (int q = 0; q < 2000; q++) {
        int width = r.nextInt(11, 32);
        int edge = r.nextInt() >>> width << width;
        for (int h : new int[] {edge - 1, edge, edge + 1}) {
          check(ring, ref, h, servers, r, tag + Integer.toHexString(h));
        }
      }
    }
  }

  @Test
  void emptyRingAndSingleNode() {
    ConsistentRing empty = ConsistentRing.build(new int[0], new int[0], new int[0], 16);
    assertEquals(-1, empty.lookup(0, -1, null, null));
    assertEquals(-1, empty.lookup(0x80000000, 3, (s, l) -> true, null));
    ConsistentRing one = ConsistentRing.build(new int[] {0}, new int[] {7}, new int[] {1}, 16);
    for (int h : new int[] {0, 1, -1, 0x7fffffff, 0x80000000, one.key(0)}) {
      assertEquals(0, one.lookup(h, -1, null, null));
      assertEquals(0, one.lookup(h, 0, null, null), "nothing else to go to");
    }
  }

  @Test
  void largeRingWithoutDirectTableStillAgrees() {
    // More than 2^19 nodes: every lookup takes the scan.
    int servers = 40;
    int[] members = new int[servers];
    int[] puid = new int[servers];
    int[] points = new int[servers];
    for (int i = 0; i < servers; i++) {
      members[i] = i;
      puid[i] = i + 1;
      points[i] = 14_000;
    }
    ConsistentRing ring = ConsistentRing.build(members, puid, points, 4096);
    Reference ref = new Reference(ring);
    SplittableRandom r = new SplittableRandom(BASE_SEED);
    int[] sorted = ref.keys.clone();
    Arrays.sort(sorted);
    for (int q = 0; q < 300; q++) {
      int h = r.nextInt();
      assertEquals(ref.lookup(h, -1, null, null), ring.lookup(h, -1, null, null), "hash " + h);
    }
  }
}
