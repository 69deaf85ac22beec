package org.stickyroute.archfixture.api;

import org.stickyroute.archfixture.impl.Hidden;

/** A deliberate violation for ArchitectureTest's self-checks: an "exported" class that returns a hidden type. */
public final class Exposing {
  /** Returns an implementation type, which the exposure rule must flag. */
  public Hidden hidden() {
    return new Hidden();
  }
}
