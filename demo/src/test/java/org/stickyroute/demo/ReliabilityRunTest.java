package org.stickyroute.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.junit.jupiter.api.Test;
import org.stickyroute.config.StickyFailure;

/**
 * The short, CI-sized versions of the README's reliability runs ({@link ReliabilityRun}): the demo proxy under
 * a few hundred concurrent clients while one instance is killed and brought back, with a fast health-check
 * interval. Every check of the run must hold, and the failure must really have been exercised.
 */
class ReliabilityRunTest {

  static long seed() {
    long seed = Long.getLong("reliability.seed", System.nanoTime());
    System.out.println("ReliabilityRunTest seed " + seed + " (-Dreliability.seed=" + seed + " to repeat)");
    return seed;
  }

  @Test
  void redispatchUnderLoad() throws Exception {
    ReliabilityReport r = ReliabilityRun.run(
        new ReliabilityRun.Settings(20, 200, 1000, StickyFailure.REDISPATCH, seed()), System.out);
    System.out.print(r.text());
    assertTrue(r.passed(), r.text());
    // the run waits until every client had two answers before the kill and two after recovery (a violation if not)
    assertTrue(r.steadyRequests() >= 4L * 200, "every client answered before the kill and after recovery: " + r.text());
    assertTrue(r.victimClients() > 0 && r.victimClientsMoved() == r.victimClients(), r.text());
    assertTrue(r.cookieMoves() >= r.victimClients(), r.text());
    assertEquals(0, r.inFlightAtEnd());
    assertEquals(0, r.strictErrors());
    assertEquals(0, r.steadyFailures(), "sustained load with every instance up: only 2xx");
    // nothing but the explained failures: every non-2xx answer is one of them
    long failed = r.statuses().values().stream().mapToLong(Long::longValue).sum();
    assertEquals(failed, r.lostInFlight() + r.projectHashed503(), r.text());
  }

  @Test
  void strictUnderLoad() throws Exception {
    ReliabilityReport r = ReliabilityRun.run(
        new ReliabilityRun.Settings(20, 120, 1000, StickyFailure.STRICT, seed()), System.out);
    System.out.print(r.text());
    assertTrue(r.passed(), r.text());
    assertTrue(r.victimClients() > 0, r.text());
    assertEquals(0, r.victimClientsMoved(), "strict never moves a user: " + r.text());
    assertTrue(r.strictErrors() > 0, "the victim's users must have seen the strict error: " + r.text());
    assertTrue(r.steadyRequests() >= 4L * 120, "every client answered before the kill and after recovery: " + r.text());
    assertEquals(0, r.inFlightAtEnd());
    long failed = r.statuses().values().stream().mapToLong(Long::longValue).sum();
    assertEquals(failed, r.lostInFlight() + r.projectHashed503() + r.strictErrors(), r.text());
  }

  @Test
  void readsTheServerIdCookie() {
    assertEquals("docker-2", ReliabilityRun.serverIdCookie(List.of(
        new HttpField(HttpHeader.SET_COOKIE, "lang=en"), new HttpField(HttpHeader.SET_COOKIE, "SERVERID=docker-2; path=/"))));
    assertEquals(null, ReliabilityRun.serverIdCookie(List.of(new HttpField(HttpHeader.SET_COOKIE, "lang=en"))));
    assertEquals(null, ReliabilityRun.serverIdCookie(null));
  }

  @Test
  void histogramPercentiles() {
    LatencyHistogram h = new LatencyHistogram();
    for (int i = 1; i <= 100; i++) {
      h.record(i * 1_000_000L); // 1..100 ms
    }
    assertEquals(50.01, h.percentile(0.5), 0.02);
    assertEquals(99.01, h.percentile(0.99), 1.01);
    assertEquals(100.0, h.max(), 1e-9);
  }
}
