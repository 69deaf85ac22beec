package org.stickyroute.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.stickyroute.persist.PersistTesting.router;

import org.junit.jupiter.api.Test;
import org.stickyroute.Decision;
import org.stickyroute.Router;
import org.stickyroute.http.RequestView;
import org.stickyroute.http.ResponseView;

/**
 * What an adapter asks a {@link Decision} instead of re-deriving it from the configuration: the cookie's name,
 * whether to watch the response and which of its headers, what the application sees of parsed request cookies,
 * and what becomes of each server header after {@code respond}.
 */
class DecisionCookieApiTest {
  private static final long NOW = 1_790_000_000L;
  private static final String SERVERS = "server s1 127.0.0.1:1 cookie s1\nserver s2 127.0.0.1:2 cookie s2\n";

  private static Decision route(Router r, String... cookies) {
    Decision d = new Decision();
    r.route(r.backend("be"), RequestView.of("GET", "/x", cookies), d);
    return d;
  }

  @Test
  void whatTheAdapterWatches() {
    try (Decision none = route(router(NOW, "balance uri\n" + SERVERS))) {
      assertNull(none.cookieName());
      assertFalse(none.watchesResponse());
      assertFalse(none.readsCacheHeaders());
      assertFalse(none.setsPersistenceCookie("SERVERID=x"));
      assertEquals("v", none.forwardedCookieValue("SERVERID", "v"));
    }
    try (Decision passive = route(router(NOW, "balance uri\ncookie SERVERID\n" + SERVERS))) {
      assertEquals("SERVERID", passive.cookieName());
      assertFalse(passive.watchesResponse(), "a passive cookie is only read");
    }
    try (Decision insert = route(router(NOW, "balance uri\ncookie SERVERID insert indirect nocache\n" + SERVERS))) {
      assertTrue(insert.watchesResponse());
      assertTrue(insert.readsCacheHeaders());
      assertTrue(insert.setsPersistenceCookie("SERVERID=a; path=/"));
      assertTrue(insert.setsPersistenceCookie(" \tSERVERID \t= a"), "blanks around the name, as HAProxy reads it");
      assertFalse(insert.setsPersistenceCookie("serverid=a"), "names are case-sensitive");
      assertFalse(insert.setsPersistenceCookie("SERVERID; path=/"), "no '=': not a cookie");
      assertFalse(insert.setsPersistenceCookie("JSESSIONID=1; SERVERID=a"), "only the first cookie counts");
      assertNull(insert.forwardedCookieValue("SERVERID", "s1"), "indirect: the application never sees it");
      assertEquals("1", insert.forwardedCookieValue("JSESSIONID", "1"));
    }
    try (Decision prefix = route(router(NOW, "balance uri\ncookie JSESSIONID prefix\n" + SERVERS))) {
      assertEquals("abc", prefix.forwardedCookieValue("JSESSIONID", "s1~abc"));
      assertEquals("abc", prefix.forwardedCookieValue("JSESSIONID", "abc"), "no '~': unchanged");
      assertEquals("s1~abc", prefix.forwardedCookieValue("OTHER", "s1~abc"));
    }
  }

  @Test
  void whatBecomesOfTheServersHeaders() {
    Router rewrite = router(NOW, "balance uri\ncookie SERVERID rewrite\n" + SERVERS);
    try (Decision d = route(rewrite, "SERVERID=s2")) {
      String own = "SERVERID=app; path=/";
      String other = "JSESSIONID=1";
      ResponseView resp = ResponseView.of(200, "Set-Cookie", own, "Set-Cookie", other, "ETag", "\"e\"");
      assertSame(own, d.responseHeader(0, own), "before respond: unchanged");
      rewrite.respond(d, resp, NOW);
      assertEquals("SERVERID=s2; path=/", d.responseHeader(0, own).toString());
      assertSame(other, d.responseHeader(1, other));
      assertTrue(d.responseHeadersChanged());
      assertEquals('R', d.responseCookieFlag());
      assertNull(d.setCookie());
    }
    Router insert = router(NOW, "balance uri\ncookie SERVERID insert\n" + SERVERS);
    try (Decision d = route(insert)) {
      String own = "SERVERID=app";
      insert.respond(d, ResponseView.of(200, "Set-Cookie", own), NOW);
      assertNull(d.responseHeader(0, own), "insert mode deletes the server's own cookie");
      assertEquals('I', d.responseCookieFlag());
      assertTrue(d.setCookie().startsWith("SERVERID=s"));
    }
  }
}
