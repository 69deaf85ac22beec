package org.stickyroute.spring.cloud;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.stickyroute.cli.Main;

/**
 * The Gateway routed with {@code examples/overleaf.cfg} (frontend {@code incoming_http}: {@code balance uri depth
 * 2} for {@code /project/*}, {@code leastconn} with the {@code SERVERID} cookie for the rest) sends each of
 * 1,000 generated request-targets to the server the {@code route} tool names for it, in the same order; and with
 * a {@code Cookie} header, also sets and forwards the same cookies.
 */
class GatewayRouteParityTest {
  static final Path CONFIG = Path.of("..", "examples", "overleaf.cfg");
  static final List<TestInstance> instances = new ArrayList<>();
  static TestGateway gateway;

  @BeforeAll
  static void startInstances() {
    for (String n : List.of("docker-0", "docker-1", "docker-2")) {
      instances.add(new TestInstance(n));
    }
  }

  /**
   * A fresh Gateway per comparison: {@code leastconn}'s order depends on every request a backend has seen, and
   * each run of the {@code route} tool starts from the configuration's initial state.
   */
  @BeforeEach
  void startGateway() {
    gateway = TestGateway.start("overleaf", instances, Map.of(
        "stickyroute.cloud.config", "file:" + CONFIG.toAbsolutePath(),
        "stickyroute.cloud.services.overleaf.frontend", "incoming_http",
        "stickyroute.cloud.health-checks", "false"));
  }

  @AfterEach
  void stopGateway() {
    if (gateway != null) {
      gateway.close();
    }
  }

  @AfterAll
  static void stopInstances() {
    instances.forEach(TestInstance::close);
  }

  /** Request-targets: Overleaf's project paths (one to three levels, queries), other pages, case variants. */
  static List<String> targets(long seed, int n) {
    SplittableRandom r = new SplittableRandom(seed);
    String hex = "0123456789abcdef";
    String[] pages = {"/login", "/", "/register", "/blog/post-1", "/templates", "/Project/x", "/projects", "/learn/Latex"};
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      StringBuilder b = new StringBuilder();
      int kind = r.nextInt(10);
      if (kind < 7) {
        b.append(r.nextInt(8) == 0 ? "/PROJECT/" : "/project/");
        int len = 1 + r.nextInt(24);
        for (int k = 0; k < len; k++) {
          b.append(hex.charAt(r.nextInt(16)));
        }
        switch (r.nextInt(5)) {
          case 0 -> b.append("/compile?auto_compile=true");
          case 1 -> b.append("/file/").append(r.nextInt(1000));
          case 2 -> b.append("/output/output.pdf?clsiserverid=").append(r.nextInt(99)).append("&pdfng=true");
          case 3 -> b.append("?a=%2F").append(r.nextInt(50));
          default -> { }
        }
      } else {
        b.append(pages[r.nextInt(pages.length)]);
        if (r.nextBoolean()) {
          b.append("?redir=%2Fproject%2F").append(r.nextInt(100));
        }
      }
      out.add(b.toString());
    }
    return out;
  }

  /** The {@code route} tool's output lines for {@code targets} (its in-process entry point, same code as the jar). */
  static List<String> routeTool(List<String> targets, String... extra) {
    List<String> args = new ArrayList<>(List.of("route", "--config", CONFIG.toString()));
    args.addAll(List.of(extra));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] in = (String.join("\n", targets) + "\n").getBytes(StandardCharsets.ISO_8859_1);
    int status = Main.run(args.toArray(new String[0]), new ByteArrayInputStream(in), out,
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    assertEquals(0, status, "route tool exit status");
    return List.of(out.toString(StandardCharsets.ISO_8859_1).split("\n"));
  }

  /**
   * Without a cookie. The {@code route} tool decides each line alone unless given {@code --cookie} ({@code select}:
   * no connection is taken), so for {@code leastconn} it names the server an idle backend picks every time; the
   * Gateway, the Jetty demo and HAProxy take a connection per request and release it at its end, so consecutive
   * requests rotate. {@code route --cookie 'lang=en'} (a cookie that is not the persistence cookie: the same
   * decision as none) takes the whole decision with its connection, line after line: that is the sequence the
   * Gateway must reproduce, server and {@code Set-Cookie}; and for the {@code uri} backend both outputs agree.
   */
  @Test
  void everyTargetGoesWhereTheRouteToolSends() throws Exception {
    long seed = Long.getLong("stickyroute.seed", System.nanoTime());
    System.out.println("GatewayRouteParityTest seed " + seed + " (replay with -Dstickyroute.seed=" + seed + ")");
    List<String> targets = targets(seed, 1000);
    List<String> alone = routeTool(targets);
    List<String> whole = routeTool(targets, "--cookie", "lang=en");
    assertEquals(targets.size(), alone.size());
    assertEquals(targets.size(), whole.size());
    int compared = 0;
    int hashed = 0;
    for (int i = 0; i < targets.size(); i++) {
      // leastconn sees the previous request's connection released, as the route tool does between lines
      assertEquals(0, gateway.awaitIdle(60), "leases still held before request " + i);
      HttpResponse<String> r = gateway.get(targets.get(i));
      String at = "seed " + seed + ", request " + i + ": " + targets.get(i);
      assertEquals(200, r.statusCode(), at);
      String server = r.headers().firstValue("X-Served-By").orElse("-");
      String setCookie = r.headers().firstValue("Set-Cookie").orElse("-");
      String[] w = whole.get(i).split("\t");
      assertEquals(w[0] + "\t" + w[1], alone.get(i).split(" ")[0] + " " + server + "\t" + setCookie, at);
      if (alone.get(i).startsWith("sharelatex_project ")) {
        assertEquals(alone.get(i), "sharelatex_project " + server, at);
        hashed++;
      }
      compared++;
    }
    System.out.println("parity: Gateway vs route tool, " + compared + " request-targets (" + hashed
        + " balance uri), all equal (seed " + seed + ")");
    assertEquals(1000, compared);
  }

  @ParameterizedTest
  @ValueSource(strings = {"SERVERID=docker-1; lang=en", "lang=fr; SERVERID=nobody"})
  void withACookieTheSameServerSetCookieAndForwardedCookie(String cookie) throws Exception {
    long seed = Long.getLong("stickyroute.seed", System.nanoTime()) ^ 0x5EEDL;
    System.out.println("GatewayRouteParityTest cookie seed " + seed);
    {
      List<String> targets = targets(seed, 150);
      List<String> expected = routeTool(targets, "--cookie", cookie);
      for (int i = 0; i < targets.size(); i++) {
        assertEquals(0, gateway.awaitIdle(60), "leases still held before request " + i);
        HttpResponse<String> r = gateway.get(targets.get(i), "Cookie", cookie);
        assertEquals(200, r.statusCode(), targets.get(i));
        String e = expected.get(i);
        String backend = e.substring(0, e.indexOf(' '));
        String[] f = e.substring(e.indexOf(' ') + 1).split("\t");
        String setCookie = r.headers().firstValue("Set-Cookie").orElse("-");
        String forwarded = r.headers().firstValue("X-Cookie-Received").orElse("?");
        assertEquals(e, backend + " " + r.headers().firstValue("X-Served-By").orElse("-") + "\t" + setCookie + "\t" + forwarded,
            "seed " + seed + ", cookie " + cookie + ", request " + i + ": " + targets.get(i) + " (expected " + f.length + " fields)");
      }
    }
    System.out.println("parity: Gateway vs route tool --cookie '" + cookie + "', 150 requests, all equal (seed " + seed + ")");
  }
}
