package org.stickyroute.demo;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.stickyroute.config.StickyFailure;

/**
 * Why a request of a {@link ReliabilityRun} failed, decided by what the proxy recorded about it ({@link AttemptLog}:
 * each server it tried, when, and how the attempt ended), never by when it was sent. A status that any server
 * answered itself is never explained.
 */
final class FailureCauses {
  /** Why a request failed. */
  enum Cause {
    /** It had an attempt running on the victim while it was killed, and that attempt failed. */
    CUT_BY_THE_KILL,
    /**
     * A {@code /project/} request answered HAProxy's 503 after every attempt went to the dead victim (map-based
     * hashing before the checks noticed).
     */
    PROJECT_HASHED_TO_DEAD,
    /**
     * Under {@code strict}, the strict page for a cookie naming the victim: every attempt went to the dead victim,
     * or none was made because the router had it DOWN.
     */
    STRICT_PAGE,
    /** None of the above: a violation. */
    UNEXPLAINED
  }

  /**
   * One failed request; {@code strictPage} when the answer was the strict sticky-failure page. Kept small (the
   * detail only for failures that are not the expected pages), so that tens of thousands of expected failures do
   * not show up as heap growth in the run's own figures.
   */
  record Failure(LoadClients.Client client, long id, String path, String sentCookie, long sent, long done,
      int status, boolean strictPage, boolean haproxy503, String servedBy, String detail) {}

  private final StickyFailure policy;
  private final Timeline timeline;

  FailureCauses(StickyFailure policy, Timeline timeline) {
    this.policy = policy;
    this.timeline = timeline;
  }

  /** Classifies one failed request by its attempts. */
  Cause cause(Failure f, List<AttemptLog.Attempt> tried, Set<Long> inFlightAtKill) {
    if (!tried.isEmpty()) {
      AttemptLog.Attempt last = tried.get(tried.size() - 1);
      if (last.failure() == null && last.status() == f.status()) {
        return Cause.UNEXPLAINED; // a server answered this status itself (a dying instance must not answer at all)
      }
    }
    String victim = ReliabilityRun.VICTIM;
    boolean cut = tried.stream().anyMatch(a -> victim.equals(a.server()) && a.failure() != null
        && a.begin() <= timeline.killDone && a.end() >= timeline.killStart);
    if (cut && inFlightAtKill.contains(f.id())) {
      return Cause.CUT_BY_THE_KILL;
    }
    // Every attempt went to the victim while it was dead: refused, or sent on a kept-alive connection the kill had
    // reset, before any answer began. With no attempt at all, a strict page is explained when the router had the
    // victim DOWN while the request was routed (the filter then answers without calling the proxy).
    String cookieBackend = ReliabilityRun.COOKIE_BACKEND_NAME;
    boolean onlyTheDeadVictim = tried.isEmpty()
        ? f.strictPage() && f.sent() <= timeline.upAt.getOrDefault(cookieBackend, Timeline.NOT_YET)
            && f.done() >= timeline.downAt.getOrDefault(cookieBackend, Timeline.NOT_YET)
        : tried.stream().allMatch(a -> victim.equals(a.server()) && a.failure() != null && a.status() == 0
            && (a.refused() || a.begin() >= timeline.killStart && a.begin() < timeline.restoreStart));
    if (onlyTheDeadVictim && f.client().project && f.status() == 503 && f.haproxy503()) {
      return Cause.PROJECT_HASHED_TO_DEAD;
    }
    if (onlyTheDeadVictim && policy == StickyFailure.STRICT && !f.client().project
        && victim.equals(f.sentCookie()) && f.strictPage()) {
      return Cause.STRICT_PAGE;
    }
    return Cause.UNEXPLAINED;
  }

  /** One failure and its attempts as text, times in seconds since {@code start}. */
  static String describe(Failure f, List<AttemptLog.Attempt> tried, long start) {
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "t=%.3fs %s %s (cookie %s) -> %s%s",
        (f.sent() - start) / 1e9, f.client().project ? "project" : "page", f.path(), f.sentCookie(),
        f.status() == 0 ? "transport failure" : f.status(), f.servedBy() == null ? "" : " from " + f.servedBy()));
    b.append("; attempts:");
    for (AttemptLog.Attempt a : tried) {
      b.append(String.format(Locale.ROOT, " [%s, %.3f-%s]", a, (a.begin() - start) / 1e9,
          a.end() == Long.MAX_VALUE ? "" : String.format(Locale.ROOT, "%.3fs", (a.end() - start) / 1e9)));
    }
    if (!f.detail().isEmpty()) {
      b.append("; answer: ").append(f.detail());
    }
    return b.toString();
  }

  /** The stack traces of the failed attempts, so that an unexplained failure says where it was thrown. */
  static String traces(List<AttemptLog.Attempt> tried) {
    StringBuilder b = new StringBuilder();
    for (AttemptLog.Attempt a : tried) {
      if (a.thrown() != null) {
        b.append("\n      attempt on ").append(a.server()).append(" failed with ").append(a.trace());
      }
    }
    return b.toString();
  }
}
