package org.stickyroute.spring.cloud.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.support.Netty4HeadersAdapter;

/**
 * The response view read from Netty's own header list holds the fields Spring's view of the same headers gives:
 * every field once, each name's values in order; Netty's list keeps the fields in the order they arrived, where
 * Spring's view groups them by name.
 */
class HeadersResponseViewTest {
  private static Map<String, List<String>> byName(HeadersResponseView v) {
    Map<String, List<String>> m = new TreeMap<>();
    for (int i = 0; i < v.headerCount(); i++) {
      m.computeIfAbsent(v.headerName(i).toString().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
          .add(v.headerValue(i).toString());
    }
    return m;
  }

  private static List<String> inOrder(HeadersResponseView v) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < v.headerCount(); i++) {
      out.add(v.headerName(i) + ": " + v.headerValue(i));
    }
    return out;
  }

  @Test
  void nettysListHoldsWhatSpringsViewHolds() {
    long seed = Long.getLong("seed", System.nanoTime());
    System.out.println("HeadersResponseViewTest seed " + seed + " (-Dseed=" + seed + " repeats it)");
    Random rnd = new Random(seed);
    String[] names = {"Set-Cookie", "set-cookie", "Cache-Control", "Content-Type", "X-Served-By", "Vary", "vary"};
    for (int round = 0; round < 300; round++) {
      DefaultHttpHeaders netty = new DefaultHttpHeaders();
      List<String> sent = new ArrayList<>();
      int n = rnd.nextInt(10);
      for (int k = 0; k < n; k++) {
        String name = names[rnd.nextInt(names.length)];
        netty.add(name, "v" + k);
        sent.add(name + ": v" + k);
      }
      HeadersResponseView viaNetty = new HeadersResponseView(200, netty);
      HeadersResponseView viaSpring = new HeadersResponseView(200, new HttpHeaders(new Netty4HeadersAdapter(netty)));
      String what = "seed " + seed + " round " + round + ": " + sent;
      assertEquals(byName(viaSpring), byName(viaNetty), what);
      assertEquals(sent, inOrder(viaNetty), what + ": Netty's list is the fields as they arrived");
      assertEquals(200, viaNetty.status());
    }
  }

  @Test
  void setCookieInAnyCase() {
    assertEquals(true, StickyRouteForwardFilter.isSetCookie("set-COOKIE"));
    assertEquals(true, StickyRouteForwardFilter.isSetCookie(io.netty.util.AsciiString.of("Set-Cookie")));
    assertEquals(false, StickyRouteForwardFilter.isSetCookie("Set-Cookie2"));
    assertEquals(false, StickyRouteForwardFilter.isSetCookie("Set-Cookiy"));
  }
}
