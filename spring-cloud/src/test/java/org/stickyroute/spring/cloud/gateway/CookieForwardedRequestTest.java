package org.stickyroute.spring.cloud.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpCookie;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.AbstractServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.SslInfo;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import reactor.core.publisher.Flux;

/**
 * The forwarded request's headers are the received ones with the {@code Cookie} values replaced in place (or
 * left out), the same headers {@code ServerHttpRequest.mutate()} gave before, and read-only.
 */
class CookieForwardedRequestTest {
  private static ServerHttpRequest received(String... namesAndValues) {
    HttpHeaders h = new HttpHeaders();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      h.add(namesAndValues[i], namesAndValues[i + 1]);
    }
    return received(h);
  }

  private static ServerHttpRequest received(HttpHeaders h) {
    return new AbstractServerHttpRequest(HttpMethod.GET, URI.create("http://gw/login?x=1"), "",
        HttpHeaders.readOnlyHttpHeaders(h)) {
      @Override
      protected MultiValueMap<String, HttpCookie> initCookies() {
        return new LinkedMultiValueMap<>();
      }

      @Override
      protected SslInfo initSslInfo() {
        return null;
      }

      @Override
      public <T> T getNativeRequest() {
        throw new IllegalStateException();
      }

      @Override
      public Flux<DataBuffer> getBody() {
        return Flux.empty();
      }
    };
  }

  private static List<String> flat(HttpHeaders h) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, List<String>> e : h.headerSet()) {
      for (String v : e.getValue()) {
        out.add(e.getKey() + ": " + v);
      }
    }
    return out;
  }

  @Test
  void cookieValuesReplacedInPlace() {
    ServerHttpRequest in = received("Host", "gw", "cookie", "SERVERID=docker-1; lang=en", "Accept", "*/*",
        "X-Two", "a", "X-Two", "b");
    HttpHeaders h = new CookieForwardedRequest(in, List.of("lang=en")).getHeaders();
    assertEquals(List.of("Host: gw", "cookie: lang=en", "Accept: */*", "X-Two: a", "X-Two: b"), flat(h));
    assertEquals(List.of("lang=en"), h.get("Cookie"));
    assertEquals("lang=en", h.getFirst("COOKIE"));
    assertTrue(h.containsHeader("Cookie"));
    assertEquals(List.of("a", "b"), h.get("x-two"));
    assertEquals(4, h.size());
    assertEquals(4, h.headerNames().size());
    HttpHeaders copy = new HttpHeaders();
    copy.addAll(h);
    assertEquals(flat(h), flat(copy), "what a later mutate() copies");
  }

  @Test
  void noCookieLeftMeansNoCookieHeader() {
    ServerHttpRequest in = received("Host", "gw", "Cookie", "SERVERID=docker-1", "Cookie", "SERVERID=docker-2");
    HttpHeaders h = new CookieForwardedRequest(in, List.of()).getHeaders();
    assertEquals(List.of("Host: gw"), flat(h));
    assertNull(h.get("Cookie"));
    assertNull(h.getFirst("Cookie"));
    assertFalse(h.containsHeader("cookie"));
    assertEquals(1, h.size());
  }

  @Test
  void severalCookieHeaders() {
    ServerHttpRequest in = received("Cookie", "a=1", "Cookie", "SERVERID=docker-1; b=2", "Host", "gw");
    HttpHeaders h = new CookieForwardedRequest(in, List.of("a=1", "b=2")).getHeaders();
    assertEquals(List.of("Cookie: a=1", "Cookie: b=2", "Host: gw"), flat(h));
  }

  @Test
  void readOnlyAndOtherwiseTheReceivedRequest() {
    ServerHttpRequest in = received("Host", "gw", "Cookie", "SERVERID=docker-1; lang=en");
    CookieForwardedRequest r = new CookieForwardedRequest(in, List.of("lang=en"));
    HttpHeaders h = r.getHeaders();
    assertThrows(UnsupportedOperationException.class, () -> h.add("X", "y"));
    assertThrows(UnsupportedOperationException.class, () -> h.set("Cookie", "SERVERID=x"));
    assertThrows(UnsupportedOperationException.class, () -> h.remove("Host"));
    assertThrows(UnsupportedOperationException.class, () -> h.get("Cookie").add("x=1"));
    assertSame(h, r.getHeaders());
    assertEquals(in.getURI(), r.getURI());
    assertEquals(in.getPath(), r.getPath());
    assertEquals(in.getId(), r.getId());
    assertSame(in.getCookies(), r.getCookies(), "Spring's parsed cookies stay the received ones, as with mutate()");
  }

  /**
   * On Reactor Netty the fields are listed from Netty's own headers in one pass: the same names, spellings,
   * order and values as Spring's view of the same Netty headers gives, over generated requests (repeated names in
   * mixed case, interleaved; one, several or no {@code Cookie} fields; cookies kept, rewritten or all removed).
   */
  @Test
  void nettysListIsSpringsViewOfIt() {
    long seed = Long.getLong("seed", System.nanoTime());
    System.out.println("CookieForwardedRequestTest seed " + seed + " (-Dseed=" + seed + " repeats it)");
    java.util.Random rnd = new java.util.Random(seed);
    String[] names = {"Host", "host", "Accept", "X-Two", "x-two", "X-TWO", "Cookie", "cookie", "COOKIE",
        "User-Agent", "X-Forwarded-For", "Content-Length"};
    for (int round = 0; round < 300; round++) {
      io.netty.handler.codec.http.HttpHeaders netty = new io.netty.handler.codec.http.DefaultHttpHeaders();
      int n = rnd.nextInt(12);
      for (int k = 0; k < n; k++) {
        netty.add(names[rnd.nextInt(names.length)], "v" + k);
      }
      List<String> cookies = switch (rnd.nextInt(3)) {
        case 0 -> List.of();
        case 1 -> List.of("lang=en");
        default -> List.of("a=1", "b=2");
      };
      ServerHttpRequest in = received(new HttpHeaders(
          new org.springframework.http.support.Netty4HeadersAdapter(netty)));
      HttpHeaders viaSpring = new CookieForwardedRequest(in, null, cookies).getHeaders();
      HttpHeaders viaNetty = new CookieForwardedRequest(in, netty, cookies).getHeaders();
      String what = "seed " + seed + " round " + round + ": " + netty + " cookies " + cookies;
      assertEquals(flat(viaSpring), flat(viaNetty), what);
      assertEquals(viaSpring.size(), viaNetty.size(), what);
      for (String name : names) {
        assertEquals(viaSpring.get(name), viaNetty.get(name), what + " get(" + name + ")");
        assertEquals(viaSpring.containsHeader(name), viaNetty.containsHeader(name), what);
      }
      assertEquals(viaSpring.get("Absent"), viaNetty.get("Absent"), what);
    }
  }
}
