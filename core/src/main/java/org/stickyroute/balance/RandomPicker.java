package org.stickyroute.balance;

import java.util.concurrent.ThreadLocalRandom;
import org.stickyroute.http.RequestView;

/**
 * {@code balance random(N)}: power of N choices ({@code src/backend.c:get_server_rnd}). N <em>distinct</em>
 * servers are drawn through the consistent-hash ring of the group in use ({@code eweight} nodes per server,
 * so with probability proportional to their effective weight; a server already drawn is drawn again up to 8
 * times, then the ring is walked to the next undrawn server); each draw replaces the best so far unless it
 * is strictly busier per unit of weight ({@code served * eweight(best) > served(best) * eweight}, HAProxy's
 * comparison). HAProxy 2.6 draws with replacement, so it may compare a server with itself (Envoy #11004);
 * here N is capped at the number of usable servers. As in HAProxy, if the winner is saturated the result is
 * {@link #SATURATED} rather than another server.
 *
 * <p>Thread-safe; with N &gt; 2 the draws are remembered in a per-thread scratch array (allocated once per
 * thread), otherwise allocation-free.
 */
public final class RandomPicker implements Picker {
  private static final ThreadLocal<int[]> DRAWS = ThreadLocal.withInitial(() -> new int[8]);

  private final ConsistentRing ring;
  private final ServerGroup group;
  private final int[] eweight;
  private final int draws;

  private RandomPicker(ConsistentRing ring, ServerGroup group, int draws) {
    this.ring = ring;
    this.group = group;
    this.eweight = group.eweight();
    this.draws = draws;
  }

  /** {@code balance random(draws)} over the group in use. */
  public static RandomPicker build(ServerGroup group, int draws) {
    // HAProxy draws through the consistent-hash tree of the group in use: eweight nodes per server.
    ConsistentRing ring = ConsistentRing.build(group.inUse(), group.puid(), group.eweight(), Weights.SCALE);
    return new RandomPicker(ring, group, draws);
  }

  @Override
  public int pick(RequestView request, int avoid, LoadView load) {
    ConsistentRing r = ring;
    int nodes = r.size();
    if (nodes == 0) {
      return NO_SERVER;
    }
    int distinct = group.totalUsed()
        - (avoid >= 0 && avoid < group.serverCount() && group.usable(avoid) ? 1 : 0);
    int n = Math.max(1, Math.min(draws, distinct));
    ThreadLocalRandom rnd = ThreadLocalRandom.current();
    int[] drawn = n > 2 ? scratch(n) : null;
    int first = -1;
    int best = -1;
    for (int k = 0; k < n; k++) {
      int s = -1;
      for (int attempt = 0; attempt < 8 && s < 0; attempt++) {
        int c = r.lookup(rnd.nextInt(), avoid, null, load);
        if (!drawnBefore(c, k, first, drawn)) {
          s = c;
        }
      }
      if (s < 0) {
        int node = rnd.nextInt(nodes);
        for (int step = 0; step < nodes && s < 0; step++) {
          int c = r.owner(node);
          if (c != avoid && !drawnBefore(c, k, first, drawn)) {
            s = c;
          }
          node = node + 1 == nodes ? 0 : node + 1;
        }
        if (s < 0) {
          break;
        }
      }
      if (k == 0) {
        first = s;
      }
      if (drawn != null) {
        drawn[k] = s;
      }
      if (best >= 0 && (long) load.served(s) * eweight[best] > (long) load.served(best) * eweight[s]) {
        continue; // the new draw is strictly busier: keep the best so far
      }
      best = s;
    }
    return group.saturated(best, load) ? SATURATED : best;
  }

  private static int[] scratch(int n) {
    int[] a = DRAWS.get();
    if (a.length < n) {
      a = new int[Math.max(n, a.length * 2)];
      DRAWS.set(a);
    }
    return a;
  }

  private static boolean drawnBefore(int s, int k, int first, int[] drawn) {
    if (k == 0) {
      return false;
    }
    if (drawn == null) {
      return s == first;
    }
    for (int i = 0; i < k; i++) {
      if (drawn[i] == s) {
        return true;
      }
    }
    return false;
  }
}
