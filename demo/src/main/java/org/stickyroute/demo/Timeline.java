package org.stickyroute.demo;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When the events of one {@link ReliabilityRun} happened, as {@link System#nanoTime()} values ({@link Long#MAX_VALUE}
 * until they did): written by the run, read by the load's answer checks and by the failure classification.
 */
final class Timeline {
  /** Not yet. */
  static final long NOT_YET = Long.MAX_VALUE;

  /** The kill began (just before the instance was told to die). */
  volatile long killStart = NOT_YET;
  /** The instance was dead: its connections reset, its port refusing. */
  volatile long killDone = NOT_YET;
  /** The restart began. */
  volatile long restoreStart = NOT_YET;
  /**
   * Every request sent before the checks marked the victim UP again (in every backend) had its answer: from here
   * on, every instance is up for every request sent.
   */
  volatile long recovered = NOT_YET;
  /** Per backend, when its checks marked the victim DOWN after the kill. */
  final Map<String, Long> downAt = new ConcurrentHashMap<>();
  /** Per backend, when its checks marked the victim UP after the restart. */
  final Map<String, Long> upAt = new ConcurrentHashMap<>();

  /** Whether a request sent at {@code sent} and answered at {@code done} ran while every instance was up. */
  boolean allUp(long sent, long done) {
    return done < killStart || sent > recovered;
  }

  /** The latest of the marks, or {@link #NOT_YET} if there are fewer than {@code expected}. */
  static long last(Map<String, Long> marks, int expected) {
    Collection<Long> values = marks.values();
    if (values.size() < expected) {
      return NOT_YET;
    }
    long last = Long.MIN_VALUE;
    for (long v : values) {
      last = Math.max(last, v);
    }
    return last;
  }
}
