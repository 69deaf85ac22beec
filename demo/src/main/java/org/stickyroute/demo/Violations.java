package org.stickyroute.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/** What did not hold during a {@link ReliabilityRun}: the first 200 kept as text, all counted. Thread-safe. */
final class Violations {
  private static final int KEPT = 200;
  private final ConcurrentLinkedQueue<String> kept = new ConcurrentLinkedQueue<>();
  private final AtomicInteger count = new AtomicInteger();

  /** Records one. */
  void add(String violation) {
    if (count.incrementAndGet() <= KEPT) {
      kept.add(violation);
    }
  }

  /** The kept ones, and a last line counting those not kept. */
  List<String> list() {
    List<String> v = new ArrayList<>(kept);
    if (count.get() > v.size()) {
      v.add("... " + (count.get() - v.size()) + " more violations not kept");
    }
    return v;
  }
}
