package org.stickyroute.counters;

import java.util.concurrent.atomic.AtomicInteger;

/** HAProxy's {@code HA_ATOMIC_UPDATE_MAX}: raise a maximum, writing only when the value is larger. */
public final class Maxima {
  private Maxima() {}

  /** Raises {@code max} to {@code value} if it is larger; a plain read when it is not. */
  public static void raise(AtomicInteger max, int value) {
    int m = max.get();
    while (value > m && !max.compareAndSet(m, value)) {
      m = max.get();
    }
  }
}
