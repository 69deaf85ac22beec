package org.stickyroute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.stickyroute.config.ConfigLoader;
import org.stickyroute.http.RequestView;

/**
 * The counters the request flow feeds, read through {@link Router#stats()}: sessions and {@code lbtot} when
 * routing (persistent requests are not load-balanced), {@code wredis}/{@code wretr} on the server that refused,
 * {@code econ}, responses by class, bytes and times when the decision closes — exact numbers on a router clock
 * the test moves.
 */
class CountersFlowTest {
  static final String CFG = String.join("\n",
      "defaults",
      "    mode http",
      "    retries 2",
      "frontend fe",
      "    acl is_p path_beg /p",
      "    use_backend hashed if is_p",
      "    default_backend rr",
      "backend rr",
      "    balance roundrobin",
      "    option redispatch",
      "    cookie SERVERID insert indirect nocache",
      "    server a 127.0.0.1:1 cookie a",
      "    server b 127.0.0.1:2 cookie b",
      "backend hashed",
      "    balance uri",
      "    option redispatch",
      "    server h1 127.0.0.1:3",
      "    server h2 127.0.0.1:4",
      "");

  static final class MovingClock extends Clock {
    volatile long millis = 1_700_000_000_000L;

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis);
    }

    @Override
    public long millis() {
      return millis;
    }
  }

  @Test
  void sessionsResponsesBytesAndTimes() {
    MovingClock clock = new MovingClock();
    Router r = Router.create(ConfigLoader.parse(CFG, "t.cfg", false), clock);
    Frontend fe = r.frontend("fe");
    try (Decision d = new Decision()) {
      for (int i = 0; i < 4; i++) {
        r.route(fe, RequestView.of("GET", "/x"), d); // round robin: a, b, a, b
        d.exchange().status(i == 3 ? 503 : 200).bytesIn(100).bytesOut(1000).times(0, 2, 10, 20);
        d.close();
      }
      r.route(fe, RequestView.of("GET", "/x", "SERVERID=a"), d); // persistent: no lbtot
      d.exchange().status(302);
      d.close();
      clock.millis += 3500;
      TrafficStats f = r.stats().proxy("fe").frontend().traffic();
      assertEquals(5, f.stot());
      assertEquals(5, f.reqTot());
      assertEquals(0, f.scur());
      assertEquals(1, f.smax());
      assertEquals(3, f.hrsp2xx());
      assertEquals(1, f.hrsp3xx());
      assertEquals(1, f.hrsp5xx());
      assertEquals(400, f.bin());
      assertEquals(4000, f.bout());
      assertEquals(5, f.rateMax());
      assertEquals(0, f.rate());
      BackendStats rr = r.stats().proxy("rr").backend();
      assertEquals(5, rr.traffic().stot());
      assertEquals(4, rr.traffic().lbtot());
      assertEquals(5, rr.traffic().reqTot());
      assertEquals(3, rr.traffic().lastsess());
      // HAProxy reads the sums over req_tot samples, timed or not: 4 timed requests of 5
      assertEquals(16, rr.traffic().ttime()); // (4 * 20 + 5 - 1) / 5
      assertEquals(8, rr.traffic().rtime()); // (4 * 10 + 4) / 5
      assertEquals(2, rr.traffic().ctime()); // (4 * 2 + 4) / 5
      assertEquals(20, rr.traffic().ttimeMax());
      TrafficStats a = rr.servers().get(0).traffic();
      TrafficStats b = rr.servers().get(1).traffic();
      assertEquals(3, a.stot());
      assertEquals(2, a.lbtot());
      assertEquals(2, a.hrsp2xx());
      assertEquals(1, a.hrsp3xx());
      assertEquals(1, b.hrsp2xx());
      assertEquals(1, b.hrsp5xx());
      assertEquals(2, b.reqTot());
      assertEquals(200, b.bin());
      assertEquals(3, a.lastsess());
    }
  }

  @Test
  void refusedConnectionsRedispatchAndRetry() {
    MovingClock clock = new MovingClock();
    Router r = Router.create(ConfigLoader.parse(CFG, "t.cfg", false), clock);
    Frontend fe = r.frontend("fe");
    try (Decision d = new Decision()) {
      r.route(fe, RequestView.of("GET", "/x"), d); // a
      assertEquals("a", d.serverName());
      d.exchange().connectFailed();
      assertEquals(0, ConnectRetry.next(r, d, 1)); // non-persistent, round robin, 2 active: redispatch to b
      assertEquals("b", d.serverName());
      d.exchange().status(200);
      d.close();
      r.route(fe, RequestView.of("GET", "/p/1"), d); // hashed: retried on the same server
      String first = d.serverName();
      d.exchange().connectFailed();
      assertTrue(ConnectRetry.next(r, d, 1) > 0);
      assertEquals(first, d.serverName());
      d.exchange().connectFailed();
      ConnectRetry.next(r, d, 2); // the last retry redispatches; map-based hashing computes the same server
      d.exchange().connectFailed();
      assertEquals(ConnectRetry.GIVE_UP, ConnectRetry.next(r, d, 3));
      d.exchange().localStatus(503);
      d.close();
    }
    RouterStats s = r.stats();
    BackendStats rr = s.proxy("rr").backend();
    assertEquals(1, rr.traffic().econ());
    assertEquals(1, rr.traffic().wredis());
    assertEquals(0, rr.traffic().wretr());
    assertEquals(1, rr.servers().get(0).traffic().econ());
    assertEquals(1, rr.servers().get(0).traffic().wredis()); // on the server that refused
    assertEquals(0, rr.servers().get(1).traffic().wredis());
    assertEquals(1, rr.servers().get(1).traffic().lbtot());
    assertEquals(1, rr.servers().get(1).traffic().hrsp2xx());
    BackendStats h = s.proxy("hashed").backend();
    assertEquals(3, h.traffic().econ());
    assertEquals(2, h.traffic().wretr());
    assertEquals(0, h.traffic().wredis());
    assertEquals(1, h.traffic().hrsp5xx()); // HAProxy's own 503 counts for the backend ...
    long serverResponses = 0;
    for (ServerStatsRow row : h.servers()) {
      serverResponses += row.traffic().hrsp5xx();
    }
    assertEquals(0, serverResponses); // ... not for a server
    assertEquals(2, s.proxy("fe").frontend().traffic().stot());
  }

  @Test
  void aRequestNoRuleRoutesCountsOnTheFrontendOnly() {
    String cfg = "frontend f\n    acl a path_beg /a\n    use_backend b if a\nbackend b\n    server s 127.0.0.1:1\n";
    Router r = Router.create(ConfigLoader.parse(cfg, "t.cfg", false));
    try (Decision d = new Decision()) {
      r.route(r.frontend("f"), RequestView.of("GET", "/z"), d);
      d.exchange().localStatus(503);
    }
    RouterStats s = r.stats();
    assertEquals(1, s.proxy("f").frontend().traffic().hrsp5xx());
    assertEquals(0, s.proxy("b").backend().traffic().stot());
  }
}
