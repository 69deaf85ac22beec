package org.stickyroute.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;
import org.openjdk.jcstress.infra.results.II_Result;
import org.openjdk.jcstress.infra.results.L_Result;
import org.stickyroute.balance.LeastConnQueue;

/**
 * {@link LeastConnQueue} under races: concurrent picks behave as if they ran one after the other in some
 * order (HAProxy's serialised choice), and picks racing with releases, persistent takes, weight changes and
 * removals see each of them either entirely before or entirely after. Every outcome a serial order can
 * produce is listed; anything else is FORBIDDEN. An arbiter checks the queue's invariants afterwards
 * (0 = consistent).
 *
 * <p>Three picks run from two threads (one pick racing with two in a row): jcstress 0.16 does not schedule
 * more actors than the machine has CPUs, and CI's machines have two, where three-actor tests would be
 * skipped silently.
 */
public final class LeastConnQueueTests {
  private LeastConnQueueTests() {}

  /** A queue whose servers all are members, with these effective weights, queued in index order. */
  static LeastConnQueue queue(int... eweights) {
    LeastConnQueue q = new LeastConnQueue(eweights.length);
    int[] members = new int[eweights.length];
    for (int i = 0; i < members.length; i++) {
      members[i] = i;
    }
    q.update(members, eweights, new int[eweights.length]);
    return q;
  }

  static int consistent(LeastConnQueue q) {
    return q.inconsistency() == null ? 0 : 1;
  }

  /** Two picks on four idle servers take the first two in FIFO order, never one of them twice. */
  @JCStressTest
  @Outcome(id = {"0, 1, 0", "1, 0, 0"}, expect = ACCEPTABLE, desc = "s0 then s1, in either order")
  @Outcome(id = {"0, 0, 0", "1, 1, 0"}, expect = FORBIDDEN, desc = "the same idle server twice while another was idle")
  @Outcome(expect = FORBIDDEN, desc = "out of FIFO order, or the queue is inconsistent")
  @State
  public static class TwoPicksIdle {
    final LeastConnQueue q = queue(16, 16, 16, 16);

    @Actor
    public void a(III_Result r) {
      r.r1 = q.pickAndTake(-1);
    }

    @Actor
    public void b(III_Result r) {
      r.r2 = q.pickAndTake(-1);
    }

    @Arbiter
    public void check(III_Result r) {
      r.r3 = consistent(q);
    }
  }

  /** Three picks on four idle servers take s0, s1 and s2, one each. */
  @JCStressTest
  @Outcome(
      id = {"0, 1 2, 0", "1, 0 2, 0", "2, 0 1, 0"},
      expect = ACCEPTABLE,
      desc = "s0, s1, s2, one pick each, the two of one thread in FIFO order")
  @Outcome(expect = FORBIDDEN, desc = "the same idle server twice while another was idle, or out of order")
  @State
  public static class ThreePicksIdleTwoThreads {
    final LeastConnQueue q = queue(16, 16, 16, 16);
    int one;
    int two;
    int three;

    @Actor
    public void a() {
      one = q.pickAndTake(-1);
    }

    @Actor
    public void b() {
      two = q.pickAndTake(-1);
      three = q.pickAndTake(-1);
    }

    @Arbiter
    public void check(L_Result r) {
      r.r1 = one + ", " + two + " " + three + ", " + consistent(q);
    }
  }

  /**
   * Loaded servers of equal weight: s0 2 in flight (key 768), s1 and s2 1 each (key 512, s1 queued first),
   * s3 3 (1024). Serially: s1 (then 768, behind s0), then s2.
   */
  @JCStressTest
  @Outcome(id = {"1, 2, 0", "2, 1, 0"}, expect = ACCEPTABLE, desc = "s1 then s2, in either order")
  @Outcome(expect = FORBIDDEN, desc = "a busier server taken, or one server twice")
  @State
  public static class TwoPicksLoaded {
    final LeastConnQueue q = queue(16, 16, 16, 16);

    public TwoPicksLoaded() {
      q.take(0);
      q.take(0);
      q.take(1);
      q.take(2);
      q.take(3);
      q.take(3);
      q.take(3);
    }

    @Actor
    public void a(III_Result r) {
      r.r1 = q.pickAndTake(-1);
    }

    @Actor
    public void b(III_Result r) {
      r.r2 = q.pickAndTake(-1);
    }

    @Arbiter
    public void check(III_Result r) {
      r.r3 = consistent(q);
    }
  }

  /**
   * Loaded servers of weights 2, 1, 1, 1 with 1, 1, 1, 2 in flight: keys 256, 512, 512, 768. Serially: s0
   * (then 384), s0 again (384 is still the least; then 512, behind s1 and s2), then s1.
   */
  @JCStressTest
  @Outcome(id = {"0, 0 1, 0", "1, 0 0, 0"}, expect = ACCEPTABLE, desc = "s0 twice, then s1")
  @Outcome(expect = FORBIDDEN, desc = "not a serial order")
  @State
  public static class ThreePicksLoadedTwoThreads {
    final LeastConnQueue q = queue(32, 16, 16, 16);
    int one;
    int two;
    int three;

    public ThreePicksLoadedTwoThreads() {
      q.take(0);
      q.take(1);
      q.take(2);
      q.take(3);
      q.take(3);
    }

    @Actor
    public void a() {
      one = q.pickAndTake(-1);
    }

    @Actor
    public void b() {
      two = q.pickAndTake(-1);
      three = q.pickAndTake(-1);
    }

    @Arbiter
    public void check(L_Result r) {
      r.r1 = one + ", " + two + " " + three + ", " + consistent(q);
    }
  }

  /** s0 and s1 at key 512 (s0 first), s2 at 768; s1's request ends while a pick runs. */
  @JCStressTest
  @Outcome(id = "0, 2 0, 0", expect = ACCEPTABLE, desc = "pick first: s0; then s1 goes idle")
  @Outcome(id = "1, 1 1, 0", expect = ACCEPTABLE, desc = "release first: s1 idle, picked")
  @Outcome(expect = FORBIDDEN, desc = "a lost count or a pick no serial order gives")
  @State
  public static class PickRacesRelease {
    final LeastConnQueue q = queue(16, 16, 16);
    int pick;

    public PickRacesRelease() {
      q.take(0);
      q.take(1);
      q.take(2);
      q.take(2);
    }

    @Actor
    public void release() {
      q.drop(1);
    }

    @Actor
    public void pick() {
      pick = q.pickAndTake(-1);
    }

    @Arbiter
    public void check(L_Result r) {
      r.r1 = pick + ", " + q.served(0) + " " + q.served(1) + ", " + consistent(q);
    }
  }

  /** A persistent take on idle s0 (a cookie) races with a pick: the pick sees it entirely or not at all. */
  @JCStressTest
  @Outcome(id = "0, 2, 0", expect = ACCEPTABLE, desc = "pick first: s0, then the cookie's request on s0 too")
  @Outcome(id = "1, 1, 0", expect = ACCEPTABLE, desc = "take first: s0 busy, the pick takes s1")
  @Outcome(expect = FORBIDDEN, desc = "a lost count or a pick no serial order gives")
  @State
  public static class PickRacesPersistentTake {
    final LeastConnQueue q = queue(16, 16, 16);

    @Actor
    public void take(III_Result r) {
      q.take(0);
    }

    @Actor
    public void pick(III_Result r) {
      r.r1 = q.pickAndTake(-1);
    }

    @Arbiter
    public void check(III_Result r) {
      r.r2 = q.served(0);
      r.r3 = consistent(q);
    }
  }

  /**
   * Idle s0, s1, s2; s0's weight changes (HAProxy re-queues it behind the servers of equal key) while a
   * pick runs.
   */
  @JCStressTest
  @Outcome(id = "0, 1 2 0, 0", expect = ACCEPTABLE, desc = "pick first: s0; re-queued at key 256")
  @Outcome(id = "1, 2 0 1, 0", expect = ACCEPTABLE, desc = "change first: s0 behind s1 and s2, s1 picked")
  @Outcome(expect = FORBIDDEN, desc = "a pick or an order no serial order gives")
  @State
  public static class PickRacesWeightChange {
    final LeastConnQueue q = queue(16, 16, 16);
    int pick;

    @Actor
    public void change() {
      q.update(new int[] {0, 1, 2}, new int[] {32, 16, 16}, new int[3]);
    }

    @Actor
    public void pick() {
      pick = q.pickAndTake(-1);
    }

    @Arbiter
    public void check(L_Result r) {
      int[] o = q.order();
      r.r1 = pick + ", " + o[0] + " " + o[1] + " " + o[2] + ", " + consistent(q);
    }
  }

  /** Idle s0, s1, s2; s0 leaves the group (down, maintenance, drain) while a pick runs. */
  @JCStressTest
  @Outcome(id = "0, 1, 0", expect = ACCEPTABLE, desc = "pick first: s0, whose request is still counted")
  @Outcome(id = "1, 0, 0", expect = ACCEPTABLE, desc = "removal first: s1")
  @Outcome(expect = FORBIDDEN, desc = "a removed server picked after its removal, or a lost count")
  @State
  public static class PickRacesRemoval {
    final LeastConnQueue q = queue(16, 16, 16);

    @Actor
    public void remove(III_Result r) {
      q.update(new int[] {1, 2}, new int[] {0, 16, 16}, new int[3]);
    }

    @Actor
    public void pick(III_Result r) {
      r.r1 = q.pickAndTake(-1);
    }

    @Arbiter
    public void check(III_Result r) {
      r.r2 = q.served(0);
      r.r3 = consistent(q);
    }
  }

  /** Two releases on one server with two in flight: both counted, the server idle and re-queued. */
  @JCStressTest
  @Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "idle, key 0, consistent")
  @Outcome(expect = FORBIDDEN, desc = "a lost release")
  @State
  public static class TwoReleases {
    final LeastConnQueue q = queue(16, 16, 16);

    public TwoReleases() {
      q.take(1);
      q.take(1);
    }

    @Actor
    public void a() {
      q.drop(1);
    }

    @Actor
    public void b() {
      q.drop(1);
    }

    @Arbiter
    public void check(II_Result r) {
      r.r1 = (int) q.key(1) + q.served(1);
      r.r2 = consistent(q);
    }
  }
}
