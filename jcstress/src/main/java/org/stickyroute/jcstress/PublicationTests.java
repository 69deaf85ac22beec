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

  /** A server put in maintenance: readers never see a half-built snapshot. */
  @JCStressTest
  @Outcome(id = "old", expect = ACCEPTABLE, desc = "the previous snapshot, s1 usable and selectable")
  @Outcome(id = "new", expect = ACCEPTABLE, desc = "the new snapshot, s1 in maintenance and never chosen")
  @Outcome(expect = FORBIDDEN, desc = "a snapshot whose state and tables disagree")
  @State
  public static class MaintenanceVisibility {
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
      } else {
        r.r1 = s.usable(0) && picked == 0 && s.totalUsed() == 2 ? "old" : "broken old: " + picked;
      }
    }
  }
}
