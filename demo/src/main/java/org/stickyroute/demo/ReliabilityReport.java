package org.stickyroute.demo;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.stickyroute.config.StickyFailure;

/**
 * The figures of one {@link ReliabilityRun}. Every non-2xx answer is classified by what the proxy recorded about
 * the request ({@link AttemptLog}: the servers it tried, how each attempt ended), never by when it was sent.
 *
 * @param settings what ran
 * @param requests answers received (and transport failures)
 * @param ok 2xx answers
 * @param statuses the other answers by status, and {@code 0} for transport failures
 * @param seconds the measured length of the load
 * @param p50Millis median latency
 * @param p99Millis 99th percentile latency
 * @param maxMillis largest latency
 * @param inFlightAtKill requests the proxy had an attempt running on the victim for while it was being killed
 *     (from its attempt log)
 * @param lostInFlight failed requests among those whose attempt there failed (cut by the kill): the only losses
 *     the kill may cause, so never more than {@code inFlightAtKill}
 * @param lostDetails up to ten of those, as text, with their attempts
 * @param steadyRequests requests sent while every instance was up (before the kill, after recovery)
 * @param steadyFailures of those, the ones that failed (other than those in flight at the kill): must be 0
 * @param projectHashed503 {@code /project/} requests whose every attempt went to the dead instance and was refused
 *     (map-based hashing before the checks noticed), answered 503 after the retries, as HAProxy does
 * @param strictErrors the clear error pages under {@code strict}, each for a user whose cookie names the victim
 *     and whose every attempt there was refused
 * @param cookieMoves responses that moved a client to another instance, each with a new cookie
 * @param victimClients clients whose cookie named the victim when it died
 * @param victimClientsMoved of those, the clients that got a new cookie for another instance
 * @param downMillis per backend, kill to DOWN
 * @param upMillis per backend, restore to UP
 * @param downChecks per backend, health checks of the victim completed from the kill to DOWN (at most {@code fall}
 *     + 1: one probe may have begun before the kill)
 * @param upChecks per backend, health checks of the victim completed from the restart to UP (at most {@code rise}
 *     + 1)
 * @param downBoundMillis {@code fall × inter} with the jitter, plus {@code fall} times the longest probe
 *     (the checker waits {@code inter} after each probe ends)
 * @param upBoundMillis {@code rise × inter} with the jitter, plus {@code rise} times the longest probe
 * @param longestProbeMillis the longest health-check probe of the victim seen during the run
 * @param inFlightAtEnd every server's in-flight count at the end, summed
 * @param minInFlightSeen the smallest in-flight count sampled during the run
 * @param heapMb the used heap after a full GC: after warm-up, before the kill, after recovery, at the end
 * @param violations what did not hold (empty when the run passed)
 */
public record ReliabilityReport(
    ReliabilityRun.Settings settings,
    long requests,
    long ok,
    Map<Integer, Long> statuses,
    double seconds,
    double p50Millis,
    double p99Millis,
    double maxMillis,
    int inFlightAtKill,
    long lostInFlight,
    List<String> lostDetails,
    long steadyRequests,
    long steadyFailures,
    long projectHashed503,
    long strictErrors,
    long cookieMoves,
    int victimClients,
    int victimClientsMoved,
    Map<String, Long> downMillis,
    Map<String, Long> upMillis,
    Map<String, Long> downChecks,
    Map<String, Long> upChecks,
    long downBoundMillis,
    long upBoundMillis,
    long longestProbeMillis,
    long inFlightAtEnd,
    long minInFlightSeen,
    List<Double> heapMb,
    List<String> violations) {

  /** Whether every check held. */
  public boolean passed() {
    return violations.isEmpty();
  }

  /** The report as text, one figure per line. */
  public String text() {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "reliability: %d clients, %.0f s, inter %d ms, sticky-failure %s, seed %d%n",
        settings.clients(), seconds, settings.interMillis(), settings.policy().name().toLowerCase(Locale.ROOT),
        settings.seed()));
    b.append(String.format(Locale.ROOT, "  requests        %,d (%,.0f/s), 2xx %,d, other %s%n", requests, requests / seconds, ok,
        statuses.isEmpty() ? "none" : statuses));
    b.append(String.format(Locale.ROOT, "  steady load     %,d requests while every instance was up (before the kill, after recovery): %d non-2xx%n",
        steadyRequests, steadyFailures));
    b.append(String.format(Locale.ROOT, "  latency         p50 %.2f ms, p99 %.2f ms, max %.0f ms%n", p50Millis, p99Millis, maxMillis));
    b.append(String.format(Locale.ROOT, "  kill %s       %d request(s) in flight on it (the proxy's attempt log); %d of them failed, cut by the kill%n",
        ReliabilityRun.VICTIM, inFlightAtKill, lostInFlight));
    for (String l : lostDetails) {
      b.append("                    ").append(l).append('\n');
    }
    b.append(String.format(Locale.ROOT, "  project 503s    %d (/project/ hashed to %s before the checks noticed: HAProxy's map-based behaviour)%n",
        projectHashed503, ReliabilityRun.VICTIM));
    if (settings.policy() == StickyFailure.STRICT) {
      b.append(String.format(Locale.ROOT, "  strict errors   %d (clear error page for users whose cookie names %s)%n", strictErrors, ReliabilityRun.VICTIM));
    }
    b.append(String.format(Locale.ROOT, "  sticky clients  %d had a cookie for %s when it died; %d moved with a new cookie; %d moves in all, each with a new cookie%n",
        victimClients, ReliabilityRun.VICTIM, victimClientsMoved, cookieMoves));
    b.append(String.format(Locale.ROOT, "  detection       DOWN after %s ms (bound %d), UP after %s ms (bound %d)%n",
        downMillis, downBoundMillis, upMillis, upBoundMillis));
    b.append(String.format(Locale.ROOT, "                  (bounds: fall or rise x inter x 1.05 + that many of the longest probe, %d ms, + 250 ms)%n",
        longestProbeMillis));
    b.append(String.format(Locale.ROOT, "                  checks completed: %s from the kill to DOWN, %s from the restart to UP%n",
        downChecks, upChecks));
    b.append(String.format(Locale.ROOT, "  counters        in flight at the end %d, lowest seen %d%n", inFlightAtEnd, minInFlightSeen));
    b.append(String.format(Locale.ROOT, "  heap after GC   %s MB (after warm-up, before the kill, after recovery, at the end)%n", heapMb));
    b.append(violations.isEmpty() ? "  PASSED: every check held\n" : "  FAILED:\n");
    int shown = 0;
    for (String v : violations) {
      if (shown++ == 20) {
        b.append("    ... ").append(violations.size() - 20).append(" more\n");
        break;
      }
      b.append("    ").append(v).append('\n');
    }
    return b.toString();
  }
}
