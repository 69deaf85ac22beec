package org.stickyroute.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;
import org.openjdk.jcstress.infra.results.I_Result;
import org.openjdk.jcstress.infra.results.L_Result;
import org.stickyroute.Backend;
import org.stickyroute.BackendSnapshot;
import org.stickyroute.Lease;

/** The counter/lease protocol and the leastconn tree under races. */
public final class LeaseTests {
  private LeaseTests() {}

  /** Two threads close the same lease: the counter drops exactly once. */
  @JCStressTest
  @Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "released once, by one of the two")
  @Outcome(expect = FORBIDDEN, desc = "released twice or never")
  @State
  public static class CloseTwice {
    final Backend be = Fixtures.leastConn(2);
    final Lease lease = new Lease();
    int closedBy;

    public CloseTwice() {
      be.snapshot().acquireServer(0, lease);
    }

    @Actor
    public void a() {
      lease.close();
    }

    @Actor
    public void b() {
      lease.close();
    }

    @Arbiter
    public void check(II_Result r) {
      r.r1 = be.snapshot().counters(0).served();
      r.r2 = lease.isHeld() ? 0 : 1;
    }
  }

  /** Two threads take and release on the same server: the count and the tree converge to idle. */
  @JCStressTest
  @Outcome(id = "0, OK", expect = ACCEPTABLE, desc = "counter 0, tree consistent")
  @Outcome(expect = FORBIDDEN, desc = "a lost update")
  @State
  public static class TakeReleaseSameServer {
    final Backend be = Fixtures.leastConn(3);
    final Lease l1 = new Lease();
    final Lease l2 = new Lease();

    @Actor
    public void a() {
      be.snapshot().acquireServer(1, l1);
      l1.close();
    }

    @Actor
    public void b() {
      be.snapshot().acquireServer(1, l2);
      l2.close();
    }

    @Arbiter
    public void check(L_Result r) {
      BackendSnapshot s = be.snapshot();
      String bad = s.inconsistency(); // every leaf's key agrees with its live count
      r.r1 = s.counters(1).served() + ", " + (bad == null ? "OK" : bad);
    }
  }

  /**
   * Two concurrent leastconn picks through the backend: each takes a lease on a different idle server (the
   * choice and the take are serialised, issue 17), and the queue agrees with the live counters.
   */
  @JCStressTest
  @Outcome(id = "distinct, OK", expect = ACCEPTABLE, desc = "two different idle servers")
  @Outcome(id = "same, OK", expect = FORBIDDEN, desc = "the same idle server twice while another was idle")
  @Outcome(expect = FORBIDDEN, desc = "queue inconsistent with the counters")
  @State
  public static class ConcurrentPicks {
    final Backend be = Fixtures.leastConn(4);
    final Lease l1 = new Lease();
    final Lease l2 = new Lease();
    int p1;
    int p2;

    @Actor
    public void a() {
      p1 = be.snapshot().acquire(Fixtures.REQUEST, -1, l1);
    }

    @Actor
    public void b() {
      p2 = be.snapshot().acquire(Fixtures.REQUEST, -1, l2);
    }

    @Arbiter
    public void check(L_Result r) {
      BackendSnapshot s = be.snapshot();
      String bad = s.inconsistency();
      boolean counts = s.totalServed() == 2;
      r.r1 = (p1 == p2 ? "same" : "distinct") + ", " + (bad == null && counts ? "OK" : bad + " total " + s.totalServed());
    }
  }

  /** A release racing with a new snapshot (a weight change publishes one) is not lost by its picker. */
  @JCStressTest
  @Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "released; the new tree sees the server idle")
  @Outcome(expect = FORBIDDEN, desc = "the release was lost by the new tree")
  @State
  public static class ReleaseRacingRebuild {
    final Backend be = Fixtures.leastConn(3);
    final Lease lease = new Lease();

    public ReleaseRacingRebuild() {
      be.snapshot().acquireServer(0, lease);
    }

    @Actor
    public void release() {
      lease.close();
    }

    @Actor
    public void rebuild() {
      be.setWeight("s2", 2);
    }

    @Arbiter
    public void check(II_Result r) {
      BackendSnapshot s = be.snapshot();
      r.r1 = s.counters(0).served();
      r.r2 = s.inconsistency() == null ? 0 : -1; // the new tree's key for s1 agrees with its live count
    }
  }

  /** A take racing with a new snapshot is counted by its picker too. */
  @JCStressTest
  @Outcome(id = "1", expect = ACCEPTABLE, desc = "the new tree sees the server busy: key (1+1)*4096/16")
  @Outcome(expect = FORBIDDEN, desc = "the take was lost by the new tree")
  @State
  public static class TakeRacingRebuild {
    final Backend be = Fixtures.leastConn(3);
    final Lease lease = new Lease();

    @Actor
    public void take() {
      be.snapshot().acquireServer(2, lease);
    }

    @Actor
    public void rebuild() {
      be.setWeight("s1", 3);
    }

    @Arbiter
    public void check(I_Result r) {
      BackendSnapshot s = be.snapshot();
      // The tree's key for s3 agrees with its live count, which is 1: the key is (1+1)*4096/16.
      r.r1 = s.inconsistency() == null ? s.counters(2).served() : -1;
    }
  }
}
