package org.stickyroute.spring.cloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code cookie SERVERID insert indirect nocache} through a real Gateway: the first response inserts the cookie,
 * later requests stick to its instance and the instance never sees {@code SERVERID}; when the instance dies the
 * request is retried, then redispatched to another instance with a new cookie ({@code option redispatch}) — or,
 * under the {@code strict} sticky-failure policy, answered with the strict status without moving the user.
 */
class CookieStickinessTest {
  final List<TestInstance> instances = new ArrayList<>();
  TestGateway gateway;

  TestGateway start(Map<String, Object> extra) {
    for (String n : List.of("docker-0", "docker-1", "docker-2")) {
      instances.add(new TestInstance(n));
    }
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("stickyroute.cloud.config", "file:" + GatewayRouteParityTest.CONFIG.toAbsolutePath());
    p.put("stickyroute.cloud.services.overleaf.frontend", "incoming_http");
    p.put("stickyroute.cloud.health-checks", "false");
    p.putAll(extra);
    return gateway = TestGateway.start("overleaf", instances, p);
  }

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
    instances.forEach(TestInstance::close);
  }

  TestInstance instance(String name) {
    return instances.stream().filter(i -> i.name.equals(name)).findFirst().orElseThrow();
  }

  @Test
  void sticksStripsAndRedispatchesWhenTheInstanceDies() throws Exception {
    start(Map.of());
    HttpResponse<String> first = gateway.get("/login");
    assertEquals(200, first.statusCode());
    String mine = first.headers().firstValue("X-Served-By").orElseThrow();
    assertEquals("SERVERID=" + mine + "; path=/", first.headers().firstValue("Set-Cookie").orElseThrow());
    assertEquals("-", first.headers().firstValue("X-Cookie-Received").orElseThrow());

    for (int i = 0; i < 20; i++) {
      assertEquals(0, gateway.awaitIdle(60));
      HttpResponse<String> r = gateway.get(i % 2 == 0 ? "/login" : "/dashboard?x=" + i, "Cookie", "SERVERID=" + mine + "; lang=en");
      assertEquals(200, r.statusCode());
      assertEquals(mine, r.headers().firstValue("X-Served-By").orElseThrow(), "request " + i + " left its instance");
      assertFalse(r.headers().firstValue("Set-Cookie").isPresent(), "a valid cookie is not set again");
      assertEquals("lang=en", r.headers().firstValue("X-Cookie-Received").orElseThrow(), "indirect: SERVERID stripped");
    }

    instance(mine).close(); // its port refuses connections from now on
    HttpResponse<String> moved = gateway.get("/login", "Cookie", "SERVERID=" + mine + "; lang=en");
    assertEquals(200, moved.statusCode());
    String other = moved.headers().firstValue("X-Served-By").orElseThrow();
    assertNotEquals(mine, other);
    assertEquals("SERVERID=" + other + "; path=/", moved.headers().firstValue("Set-Cookie").orElseThrow());
    assertEquals("lang=en", moved.headers().firstValue("X-Cookie-Received").orElseThrow());

    HttpResponse<String> after = gateway.get("/login", "Cookie", "SERVERID=" + other);
    assertEquals(other, after.headers().firstValue("X-Served-By").orElseThrow(), "the new cookie sticks");
    assertEquals(0, gateway.awaitIdle(60), "every lease released");
  }

  @Test
  void strictStickyFailureAnswersWithoutMovingTheUser() throws Exception {
    start(Map.of("stickyroute.cloud.sticky[backend.sharelatex_generic.sticky-failure]", "strict"));
    HttpResponse<String> first = gateway.get("/login");
    String mine = first.headers().firstValue("X-Served-By").orElseThrow();
    instance(mine).close();
    long servedBefore = instances.stream().filter(i -> !i.name.equals(mine)).mapToLong(i -> i.served.get()).sum();
    HttpResponse<String> r = gateway.get("/login", "Cookie", "SERVERID=" + mine);
    assertEquals(503, r.statusCode());
    assertTrue(r.body().contains("sticky-failure strict"), r.body());
    assertFalse(r.headers().firstValue("Set-Cookie").isPresent(), "no cookie for another instance");
    assertEquals(servedBefore, instances.stream().filter(i -> !i.name.equals(mine)).mapToLong(i -> i.served.get()).sum(),
        "no other instance saw the request");
    HttpResponse<String> fresh = gateway.get("/login");
    assertEquals(200, fresh.statusCode(), "a user without a cookie still gets a live instance");
    assertEquals(0, gateway.awaitIdle(60), "every lease released");
  }
}
