package org.stickyroute;

import org.stickyroute.balance.LoadView;
import org.stickyroute.balance.Picker;
import org.stickyroute.http.RequestView;

/**
 * What tests in other packages may read of a snapshot beyond its public API: its picker (an implementation
 * class of the non-exported {@code balance} package) and "what if" selections with given in-flight counts.
 */
public final class SnapshotAccess {
  private SnapshotAccess() {}

  /** The snapshot's picker. */
  public static Picker picker(BackendSnapshot s) {
    return s.picker();
  }

  /** The snapshot's picker, as the class the test expects. */
  public static <P extends Picker> P picker(BackendSnapshot s, Class<P> type) {
    return type.cast(s.picker());
  }

  /** What the snapshot would pick for {@code target}, avoiding {@code avoid}, with these in-flight counts. */
  public static int select(BackendSnapshot s, CharSequence target, int avoid, LoadView load) {
    return s.select(RequestView.of("GET", target), avoid, load);
  }
}
