package org.stickyroute.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.stickyroute.Backend;
import org.stickyroute.cli.Main;

/**
 * The Jetty demo sends each of 1,000 generated request-targets to the server the {@code route} tool names for
 * it, in the same order, with the same {@code Set-Cookie}: the tool's {@code --cookie} mode takes each whole
 * decision with its connection, as the demo does, and {@code lang=en} is not the persistence cookie (the same
 * decision as none). The Spring Cloud Gateway example is held to the same sequence ({@code
 * GatewayRouteParityTest}, {@code GatewayExampleTest}), so the three decide alike, request for request.
 */
class DemoRouteParityTest {
  static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  static List<String> targets(long seed, int n) {
    SplittableRandom r = new SplittableRandom(seed);
    String[] pages = {"/login", "/", "/register", "/blog/post-1", "/templates", "/Project/x", "/learn/Latex"};
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (r.nextInt(10) < 7) {
        out.add((r.nextInt(8) == 0 ? "/PROJECT/" : "/project/") + Long.toHexString(r.nextLong()).substring(r.nextInt(12))
            + (r.nextBoolean() ? "/file/" + r.nextInt(1000) : "/compile?auto_compile=true"));
      } else {
        out.add(pages[r.nextInt(pages.length)] + (r.nextBoolean() ? "?redir=%2Fproject%2F" + r.nextInt(100) : ""));
      }
    }
    return out;
  }

  static List<String> routeTool(List<String> targets) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] in = (String.join("\n", targets) + "\n").getBytes(StandardCharsets.ISO_8859_1);
    int status = Main.run(new String[] {"route", "--config", "../examples/overleaf.cfg", "--cookie", "lang=en"},
        new ByteArrayInputStream(in), out, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    assertEquals(0, status, "route tool exit status");
    return List.of(out.toString(StandardCharsets.ISO_8859_1).split("\n"));
  }

  @Test
  void theDemoRoutesAsTheRouteTool() throws Exception {
    long seed = Long.getLong("stickyroute.seed", System.nanoTime());
    System.out.println("DemoRouteParityTest seed " + seed + " (replay with -Dstickyroute.seed=" + seed + ")");
    List<String> targets = targets(seed, 1000);
    List<String> expected = routeTool(targets);
    assertEquals(targets.size(), expected.size());
    try (Demo demo = Demo.start(0, 0)) {
      for (int i = 0; i < targets.size(); i++) {
        awaitIdle(demo);
        HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + demo.port() + targets.get(i)))
            .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        String at = "seed " + seed + ", request " + i + ": " + targets.get(i);
        assertEquals(200, r.statusCode(), at);
        String[] e = expected.get(i).split("\t");
        String server = r.headers().firstValue("X-Served-By").orElse("-");
        assertEquals(e[0] + "\t" + e[1], e[0].substring(0, e[0].indexOf(' ')) + " " + server + "\t"
            + r.headers().firstValue("Set-Cookie").orElse("-"), at);
      }
    }
    System.out.println("parity: Jetty demo vs route tool --cookie, 1000 request-targets, all equal (seed " + seed + ")");
  }

  /** leastconn sees the previous request's connection released, as the route tool does between lines. */
  static void awaitIdle(Demo demo) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < end) {
      int inFlight = 0;
      for (Backend b : demo.router().backends()) {
        inFlight += b.snapshot().totalServed();
      }
      if (inFlight == 0) {
        return;
      }
      Thread.sleep(2);
    }
    throw new AssertionError("connections still held after 60 s");
  }
}
