package org.stickyroute;

import org.stickyroute.http.ResponseView;
import org.stickyroute.http.RequestView;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.stickyroute.config.ConfigLoader;
import org.stickyroute.config.RoutingConfig;
import org.stickyroute.config.StickyFailure;
import org.stickyroute.config.StickyOptions;

/** Router.route / respond / redispatch: policies, leases, frontend rules, HAProxy's redispatch "avoid". */
class RouterDecisionTest {
  static final String CFG = """
      frontend fe
          bind 127.0.0.1:8080
          acl is_project path_beg -i /project
          use_backend be_map if is_project
          default_backend be_ck

      backend be_ck
          balance roundrobin
          cookie SERVERID insert indirect nocache
          server s1 10.0.0.1:80 cookie s1
          server s2 10.0.0.2:80 cookie s2
          server s3 10.0.0.3:80 cookie s3 disabled

      backend be_map
          balance uri depth 2
          server s1 10.0.0.1:80
          server s2 10.0.0.2:80
          server s3 10.0.0.3:80

      backend be_cons
          balance uri depth 2
          hash-type consistent
          cookie SERVERID insert indirect
          server s1 10.0.0.1:80 cookie s1
          server s2 10.0.0.2:80 cookie s2
          server s3 10.0.0.3:80 cookie s3
      """;

  static Router router(RoutingConfig c) {
    return Router.create(c, Clock.fixed(Instant.ofEpochSecond(1_790_000_000L), ZoneOffset.UTC));
  }

  static RoutingConfig withBackend(RoutingConfig c, String name, StickyOptions o) {
    RoutingConfig.Builder b = RoutingConfig.builder();
    c.frontends().forEach(b::frontend);
    c.backends().forEach(be -> b.backend(be.name().equals(name) ? be.withSticky(o) : be));
    return b.build();
  }

  static final RoutingConfig BASE = ConfigLoader.parse(CFG, "t.cfg", false);

  @Test
  void frontendRulesThenCookieThenAlgorithm() {
    Router r = router(BASE);
    Frontend fe = r.frontend("fe");
    try (Decision d = new Decision()) {
      r.route(fe, RequestView.of("GET", "/project/7/x", "SERVERID=s2"), d);
      assertEquals("be_map", d.backend().name());
      assertEquals('N', d.cookieFlag(), "be_map has no cookie");
      assertEquals("SERVERID=s2", d.forwardedCookie(0).toString());
    }
    try (Decision d = new Decision()) {
      r.route(fe, RequestView.of("GET", "/app", "a=1; SERVERID=s2"), d);
      assertEquals("be_ck", d.backend().name());
      assertEquals("s2", d.serverName());
      assertTrue(d.direct());
      assertEquals("a=1", d.forwardedCookie(0).toString());
      assertTrue(d.lease().isHeld());
      assertEquals(1, d.snapshot().served(1));
      assertFalse(r.wantsSetCookie(d));
      r.respond(d, ResponseView.of(200));
      assertNull(d.setCookie());
    }
    assertEquals(0, r.backend("be_ck").snapshot().served(1), "closing the decision released the lease");
  }

  @Test
  void everyServerAtMaxconnIsReportedAsSaturated() {
    Router r = Router.create(ConfigLoader.parse(
        "backend lc\n balance leastconn\n server a 10.0.0.1:80 maxconn 1\n server b 10.0.0.2:80 maxconn 1\n",
        "t.cfg", false));
    Backend lc = r.backend("lc");
    try (Decision d1 = new Decision(); Decision d2 = new Decision(); Decision d3 = new Decision()) {
      r.route(lc, RequestView.of("GET", "/"), d1);
      r.route(lc, RequestView.of("GET", "/"), d2);
      assertTrue(d1.ok() && d2.ok());
      assertNotEquals(d1.server(), d2.server());
      r.route(lc, RequestView.of("GET", "/"), d3);
      assertFalse(d3.ok());
      assertTrue(d3.saturated());
      assertEquals(503, d3.status());
      d1.close();
      d3.close();
      r.route(lc, RequestView.of("GET", "/"), d3);
      assertTrue(d3.ok());
      assertFalse(d3.saturated());
    }
    assertEquals(0, lc.snapshot().served(0) + lc.snapshot().served(1));
  }

  @Test
  void routingAgainBeforeClosingIsRefused() {
    Router r = router(BASE);
    Decision d = new Decision();
    r.route(r.backend("be_ck"), RequestView.of("GET", "/"), d);
    assertThrows(IllegalStateException.class, () -> r.route(r.backend("be_ck"), RequestView.of("GET", "/"), d));
    d.close();
    d.close();
    r.route(r.backend("be_ck"), RequestView.of("GET", "/"), d);
    d.close();
  }

  @Test
  void stickyFailurePolicies() {
    RequestView toDisabled = RequestView.of("GET", "/", "SERVERID=s3");
    // default without option persist: redispatch (load-balance, new cookie)
    Router def = router(BASE);
    try (Decision d = new Decision()) {
      def.route(def.backend("be_ck"), toDisabled, d);
      assertTrue(d.ok());
      assertEquals('D', d.cookieFlag());
      assertNotEquals("s3", d.serverName());
      def.respond(d, ResponseView.of(200));
      assertEquals("SERVERID=" + d.serverName() + "; path=/", d.setCookie());
    }
    // persist: keeps the named server while it exists
    Router persist = router(withBackend(BASE, "be_ck", StickyOptions.HAPROXY.withFailure(StickyFailure.PERSIST)));
    try (Decision d = new Decision()) {
      persist.route(persist.backend("be_ck"), toDisabled, d);
      assertEquals("s3", d.serverName());
      assertTrue(d.direct());
    }
    // strict: fails with the configured status, takes no lease, changes nothing
    Router strict = router(withBackend(BASE, "be_ck", StickyOptions.HAPROXY.strict(503)));
    try (Decision d = new Decision()) {
      strict.route(strict.backend("be_ck"), toDisabled, d);
      assertFalse(d.ok());
      assertEquals(503, d.status());
      assertFalse(d.lease().isHeld());
      assertTrue(d.stickyFailure(), "a strict failure says so");
      strict.respond(d, ResponseView.of(200));
      assertNull(d.setCookie());
    }
    // strict does not apply to unknown or empty cookies
    try (Decision d = new Decision()) {
      strict.route(strict.backend("be_ck"), RequestView.of("GET", "/", "SERVERID=nope"), d);
      assertTrue(d.ok());
      assertEquals('I', d.cookieFlag());
    }
    // an explicit policy beats 'option persist'
    RoutingConfig persistFile = ConfigLoader.parse(CFG.replace("balance roundrobin", "balance roundrobin\n    option persist"),
        "t.cfg", false);
    assertEquals(StickyFailure.PERSIST, persistFile.backend("be_ck").stickyFailure());
    Router overridden = router(withBackend(persistFile, "be_ck", StickyOptions.HAPROXY.withFailure(StickyFailure.REDISPATCH)));
    try (Decision d = new Decision()) {
      overridden.route(overridden.backend("be_ck"), toDisabled, d);
      assertNotEquals("s3", d.serverName());
    }
  }

  @Test
  void strictNeverRedispatchesARequestItsCookieChose() {
    Router strict = router(withBackend(BASE, "be_ck", StickyOptions.HAPROXY.strict(502)));
    try (Decision d = new Decision()) {
      strict.route(strict.backend("be_ck"), RequestView.of("GET", "/", "SERVERID=s1"), d);
      assertEquals("s1", d.serverName());
      assertFalse(strict.mayRedispatch(d), "the cookie chose s1: it may not move");
      assertEquals(BackendSnapshot.NO_SERVER, strict.redispatch(d));
      assertEquals(502, d.status());
      assertTrue(d.stickyFailure());
      assertFalse(d.lease().isHeld(), "the lease is released at once");
      assertEquals(0, strict.backend("be_ck").snapshot().served(0));
      assertFalse(strict.failSticky(d), "only once");
    }
    try (Decision d = new Decision()) { // no cookie: load-balanced, so it may move as usual
      strict.route(strict.backend("be_ck"), RequestView.of("GET", "/"), d);
      assertTrue(strict.mayRedispatch(d));
      assertFalse(strict.failSticky(d));
      assertTrue(strict.redispatch(d) >= 0);
      assertFalse(d.stickyFailure());
    }
    Router def = router(BASE);
    try (Decision d = new Decision()) { // redispatch policy: a cookie request may move
      def.route(def.backend("be_ck"), RequestView.of("GET", "/", "SERVERID=s1"), d);
      assertTrue(def.mayRedispatch(d));
      assertFalse(def.failSticky(d));
      assertEquals("s2", d.snapshot().server(def.redispatch(d)).name());
    }
  }

  @Test
  void redispatchAvoidsTheFailedServerExceptWithMapBasedHashing() {
    Router r = router(BASE);
    try (Decision d = new Decision()) {
      r.route(r.backend("be_cons"), RequestView.of("GET", "/project/1", "SERVERID=s2"), d);
      assertEquals("s2", d.serverName());
      int next = r.redispatch(d);
      assertNotEquals(1, next, "consistent hashing honours avoid");
      assertFalse(d.direct());
      assertEquals(0, r.backend("be_cons").snapshot().served(1), "the failed server's lease was released");
      r.respond(d, ResponseView.of(200));
      assertEquals("SERVERID=" + d.serverName() + "; path=/", d.setCookie(), "new cookie after a redispatch");
    }
    try (Decision d = new Decision()) {
      r.route(r.backend("be_map"), RequestView.of("GET", "/project/42"), d);
      int first = d.server();
      assertEquals(first, r.redispatch(d), "map-based ignores avoid, as HAProxy");
    }
    try (Decision d = new Decision()) {
      r.route(r.backend("be_ck"), RequestView.of("GET", "/", "SERVERID=s1"), d);
      assertEquals("s2", d.snapshot().server(r.redispatch(d)).name(), "round robin honours avoid");
    }
  }

  @Test
  void noBackendOrNoUsableServerIs503() {
    RoutingConfig c = ConfigLoader.parse("frontend f\n  bind 127.0.0.1:1\n  acl a path_beg /a\n  use_backend b if a\n"
        + "backend b\n  server x 10.0.0.1:80 disabled\n", "t.cfg", false);
    Router r = router(c);
    try (Decision d = new Decision()) {
      r.route(r.frontend("f"), RequestView.of("GET", "/zzz"), d);
      assertEquals(503, d.status());
      assertNull(d.backend());
    }
    try (Decision d = new Decision()) {
      r.route(r.frontend("f"), RequestView.of("GET", "/a"), d);
      assertEquals(503, d.status());
      assertEquals("b", d.backend().name());
    }
  }
}
