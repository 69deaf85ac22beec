package org.stickyroute.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.L_Result;
import org.stickyroute.AdminState;
import org.stickyroute.Backend;
import org.stickyroute.BackendSnapshot;

/** Snapshot publication: a reader sees either the old or the new snapshot, each complete. */
public final class PublicationTests {
  private PublicationTests() {}

  /**
   * A server put in maintenance on a map-based backend ({@code balance uri}), whose table belongs to the
   * snapshot: readers never see a half-built snapshot, and a key that hashed to {@code s1} moves only in the
   * new one.
   */
  @JCStressTest
  @Outcome(id = "old", expect = ACCEPTABLE, desc = "the previous snapshot: s1 usable, and the key still on s1")
  @Outcome(id = "new", expect = ACCEPTABLE, desc = "the new snapshot: s1 in maintenance, the key moved to s2")
  @Outcome(expect = FORBIDDEN, desc = "a snapshot whose state and table disagree")
  @State
  public static class MaintenanceVisibility {
    final Backend be = Fixtures.uri(2);

    @Actor
    public void operator() {
      be.setAdmin("s1", AdminState.MAINT);
    }

    @Actor
    public void request(L_Result r) {
      BackendSnapshot s = be.snapshot();
      boolean maint = s.state(0).admin() == AdminState.MAINT;
      int picked = s.select(Fixtures.ON_S1);
      if (maint) {
        r.r1 = !s.usable(0) && picked == 1 && s.totalUsed() == 1 ? "new" : "broken new: " + picked;
      } else {
        r.r1 = s.usable(0) && picked == 0 && s.totalUsed() == 2 ? "old" : "broken old: " + picked;
      }
    }
  }

  /**
   * The same on a leastconn backend. Its queue is live state that outlives snapshots, as HAProxy's tree
   * outlives state changes: the new snapshot's queue is updated before the snapshot is published, so a
   * request that read the previous snapshot may already pick from the updated queue. It then never picks the
   * server in maintenance; what is forbidden is the new snapshot picking it, or a pick of no server.
   */
  @JCStressTest
  @Outcome(id = "old", expect = ACCEPTABLE, desc = "the previous snapshot, s1 usable and picked (idle, first)")
  @Outcome(id = "old snapshot, updated queue", expect = ACCEPTABLE,
      desc = "the previous snapshot, its pick already made in the queue without s1")
  @Outcome(id = "new", expect = ACCEPTABLE, desc = "the new snapshot, s1 in maintenance and never chosen")
  @Outcome(expect = FORBIDDEN, desc = "a snapshot whose state and queue disagree the other way, or no pick")
  @State
  public static class LeastConnMaintenanceVisibility {
    final Backend be = Fixtures.leastConn(2);

    @Actor
    public void operator() {
      be.setAdmin("s1", AdminState.MAINT);
    }

    @Actor
    public void request(L_Result r) {
      BackendSnapshot s = be.snapshot();
      boolean maint = s.state(0).admin() == AdminState.MAINT;
      int picked = s.select("/");
      if (maint) {
        r.r1 = !s.usable(0) && picked == 1 && s.totalUsed() == 1 ? "new" : "broken new: " + picked;
      } else if (s.usable(0) && s.totalUsed() == 2 && (picked == 0 || picked == 1)) {
        r.r1 = picked == 0 ? "old" : "old snapshot, updated queue";
      } else {
        r.r1 = "broken old: " + picked;
      }
    }
  }
}
