package org.stickyroute.archfixture.impl;

import org.stickyroute.archfixture.api.Exposing;

/** A deliberate violation for ArchitectureTest's self-checks: closes a package cycle with {@link Exposing}. */
public final class Hidden {
  /** Depends back on the other package. */
  public Exposing back() {
    return new Exposing();
  }
}
