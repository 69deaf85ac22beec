package org.stickyroute.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.stickyroute.config.ServerConfig;
import org.stickyroute.AdminState;
import org.stickyroute.Backend;
import org.stickyroute.Decision;
import org.stickyroute.http.RequestView;
import org.stickyroute.http.ResponseView;
import org.stickyroute.Router;
import org.stickyroute.config.ConfigLoader;
import org.stickyroute.config.RoutingConfig;
import org.stickyroute.testing.haproxy.EchoBackend;
import org.stickyroute.testsupport.HaproxyProcess;
import org.stickyroute.testing.haproxy.RawHttpClient;
import org.stickyroute.testing.haproxy.RawHttpClient.Response;
import org.stickyroute.testsupport.RequiresHaproxy;
import org.stickyroute.testsupport.HeldPort;

/**
 * Differential test of cookie persistence against the real haproxy 2.6: generated requests (every cookie
 * mode and option, valid/invalid/bogus/empty/duplicated/odd-spaced/quoted/$-attribute cookies over several
 * headers, GET/POST/HEAD, response header combinations for nocache, server Set-Cookies, dated cookies at
 * fixed offsets from now) go through haproxy and through {@link Router}; the server chosen, the Cookie
 * headers the server received, and the Set-Cookie and Cache-Control headers the client got must be equal.
 * Every generated case is compared: one whose dates could not be compared (the clock's second changed during
 * every attempt) fails the test rather than counting as agreed. Seed: {@code -Dparity.seed=N}; cases: {@code
 * -Dparity.cases=N}.
 */
@RequiresHaproxy
class CookieParityTest {
  /** Attempts per case at sending and comparing within one second of the clock. */
  private static final int ATTEMPTS = 10;
  private static final List<EchoBackend> ECHO = new ArrayList<>();
  private static HaproxyProcess haproxy;
  /** Where the {@code dead} server is: a reserved port that refuses connections for the whole class. */
  private static HeldPort dead;
  private static int port;
  private static Router router;
  private static final MutableClock CLOCK = new MutableClock();

  /** One backend of the generated configuration: its family label, name, cookie line and servers. */
  private record Be(String family, String name, String cookieName, String body, List<String> values) {}

  private static final List<Be> BACKENDS = new ArrayList<>();
  /** What the compared cases exercised (so a green run shows it compared something). */
  private static final Map<String, Integer> COVERAGE = new java.util.TreeMap<>();

  private static void saw(String what, boolean yes) {
    if (yes) {
      COVERAGE.merge(what, 1, Integer::sum);
    }
  }

  private static final class MutableClock extends Clock {
    volatile long seconds;

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
      return Instant.ofEpochSecond(seconds);
    }

    @Override
    public long millis() {
      return seconds * 1000;
    }
  }

  private static void be(String family, String name, String cookieLine, String extra, String cookieName,
      List<String> values, String servers) {
    String body = "backend " + name + "\n    balance uri\n    " + cookieLine + "\n" + extra + servers;
    BACKENDS.add(new Be(family, name, cookieName, body, values));
  }

  @BeforeAll
  static void start() throws Exception {
    for (int i = 0; i < 3; i++) {
      ECHO.add(EchoBackend.start());
    }
    String e1 = ECHO.get(0).address();
    String e2 = ECHO.get(1).address();
    String e3 = ECHO.get(2).address();
    String std = "    server s1 " + e1 + " cookie s1\n"
        + "    server s2 " + e2 + " cookie s2\n"
        + "    server s3 " + e3 + "\n"
        + "    server s4 " + e2 + " cookie s4 disabled\n"
        + "    server g1 " + e1 + " cookie grp disabled\n"
        + "    server g2 " + e3 + " cookie grp\n";
    List<String> stdValues = List.of("s1", "s2", "s3", "s4", "grp", "bogus", "S1", "");
    be("insert", "b_ins", "cookie SERVERID insert", "", "SERVERID", stdValues, std);
    be("insert-indirect", "b_ind", "cookie SERVERID insert indirect", "", "SERVERID", stdValues, std);
    be("nocache", "b_nc", "cookie SERVERID insert indirect nocache", "", "SERVERID", stdValues, std);
    be("nocache", "b_nc2", "cookie SERVERID insert nocache", "", "SERVERID", stdValues, std);
    be("postonly", "b_post", "cookie SERVERID insert indirect postonly nocache", "", "SERVERID", stdValues, std);
    be("preserve", "b_pres", "cookie SERVERID insert indirect preserve nocache", "", "SERVERID", stdValues, std);
    be("preserve", "b_pres2", "cookie SERVERID insert preserve", "", "SERVERID", stdValues, std);
    be("rewrite", "b_rw", "cookie SERVERID rewrite", "", "SERVERID", stdValues, std);
    be("prefix", "b_pfx", "cookie JSESSIONID prefix", "", "JSESSIONID", stdValues, std);
    be("prefix", "b_pfxi", "cookie JSESSIONID prefix indirect", "", "JSESSIONID", stdValues, std);
    be("passive", "b_psv", "cookie SERVERID", "", "SERVERID", stdValues, std);
    be("passive", "b_psvi", "cookie SERVERID indirect", "", "SERVERID", stdValues, std);
    be("maxidle", "b_idle", "cookie SERVERID insert indirect nocache maxidle 30m", "", "SERVERID", stdValues, std);
    be("maxlife", "b_life", "cookie SERVERID insert indirect maxidle 10m maxlife 1h", "", "SERVERID", stdValues, std);
    be("maxlife", "b_lifeonly", "cookie SERVERID insert maxlife 1h", "", "SERVERID", stdValues, std);
    be("attrs", "b_attr",
        "cookie SERVERID insert indirect nocache httponly secure domain .example.com domain .example.org"
            + " attr SameSite=Lax attr Partitioned",
        "", "SERVERID", stdValues, std);
    be("persist", "b_persist", "cookie SERVERID insert indirect nocache", "    option persist\n", "SERVERID",
        stdValues, std);
    String dynServers = "    server s1 " + e1 + "\n"
        + "    server s2 " + e2 + " cookie s2\n"
        + "    server s3 " + e3 + " disabled\n"
        + "    server s4 " + e3 + "\n";
    String k = "MySecretKey";
    List<String> dynValues = new ArrayList<>(List.of("s2", "bogus", ""));
    for (EchoBackend e : List.of(ECHO.get(0), ECHO.get(2))) {
      dynValues.add(DynamicCookie.value(k, ServerConfig.builder("s", "127.0.0.1", e.port()).build()));
    }
    be("dynamic", "b_dyn", "cookie SERVERID insert indirect nocache dynamic", "    dynamic-cookie-key " + k + "\n",
        "SERVERID", dynValues, dynServers);
    String drainServers = "    server s1 " + e1 + " cookie s1\n"
        + "    server s2 " + e2 + " cookie s2\n"
        + "    server s5 " + e3 + " cookie s5 weight 0\n";
    be("drain-weight0", "b_drain", "cookie SERVERID insert indirect nocache", "", "SERVERID",
        List.of("s1", "s2", "s5", "bogus"), drainServers);

    dead = HeldPort.reserve(); // nothing listens there, nobody else can: connections are refused
    String deadServer = "    server dead " + dead.address() + " cookie dead\n";
    String redisp = "    option redispatch\n    retries 1\n    cookie SERVERID insert indirect nocache\n"
        + "    server s1 " + e1 + " cookie s1\n" + deadServer;
    StringBuilder backends = new StringBuilder();
    backends.append("backend r_rr\n    balance roundrobin\n").append(redisp).append('\n');
    backends.append("backend r_cons\n    balance uri\n    hash-type consistent\n").append(redisp).append('\n');
    backends.append("backend r_map\n    balance uri\n").append(redisp).append('\n');
    for (Be b : BACKENDS) {
      backends.append(b.body()).append('\n');
    }
    String defaults = "defaults\n    mode http\n    timeout connect 500ms\n    timeout client 10s\n"
        + "    timeout server 10s\n\n";
    haproxy = HaproxyProcess.startOnFreePorts(1, ports ->
        "global\n    stats socket unix@admin.sock mode 600 level admin\n\n" + defaults
        + "frontend fe\n    bind 127.0.0.1:" + ports.get(0) + "\n"
        + "    use_backend %[req.hdr(x-be)] if { req.hdr(x-be) -m found }\n"
        + "    http-response set-header X-Server %s\n\n" + backends);
    port = haproxy.ports().get(0);
    String drained = haproxy.cli("set server b_drain/s2 state drain");
    assertEquals("", drained.strip(), "haproxy's answer to the drain command");
    assertTrue(haproxy.cli("show servers state b_drain").lines().anyMatch(l -> l.matches(".* s2 .*")
        && l.split(" ")[6].equals("8")), "b_drain/s2 is in DRAIN in haproxy (srv_admin_state 8)");
    RoutingConfig ours = ConfigLoader.parse(defaults + backends, "parity.cfg", false);
    router = Router.create(ours, CLOCK);
    router.backend("b_drain").setAdmin("s2", AdminState.DRAIN);
  }

  @AfterAll
  static void stop() {
    if (haproxy != null) {
      haproxy.close();
    }
    ECHO.forEach(EchoBackend::close);
    if (dead != null) {
      dead.close();
    }
  }

  // ------------------------------------------------------------------------------------ generation

  private static final String[] SEPARATORS = {"; ", ";", " ; ", ", ", ";\t", " ;  ", ",", "; "};
  private static final String[] OTHERS = {
    "a=1", "b=\"x;y\"", "c=", "$Version=1", "$Path=/", "flag", "d = 4", "e=\"q\"", "lang=en-US", "_ga=GA1.2.3.4",
    "serverid=s1", "x=\"a,b\"", "$Domain=.x"
  };

  private static String persistenceValue(SplittableRandom r, Be be, long now) {
    String v = be.values().get(r.nextInt(be.values().size()));
    switch (be.family()) {
      case "prefix":
        switch (r.nextInt(4)) {
          case 0:
            return v + "~abc";
          case 1:
            return "~abc";
          case 2:
            return v;
          default:
            return v + "~" + v + "~x";
        }
      case "maxidle":
      case "maxlife":
        {
          long[] offsets = {-30, -300, -590, -700, -1700, -1900, -3500, -3700, -7200, 0, 30, 3600, 80000, 90000, 200000};
          String last = CookieDate.encodeSeconds(now + offsets[r.nextInt(offsets.length)]);
          String first = CookieDate.encodeSeconds(now + offsets[r.nextInt(offsets.length)]);
          switch (r.nextInt(7)) {
            case 0:
              return v;
            case 1:
              return v + "|" + last;
            case 2:
              return v + "|" + last + "|" + first;
            case 3:
              return v + "|" + "zz";
            case 4:
              return v + "||" + first;
            case 5:
              return v + "|AAAAA|" + first;
            default:
              return v + "|" + last + "|" + first + "x";
          }
        }
      default:
        if (r.nextInt(8) == 0) {
          return "\"" + v + "\"";
        }
        if (r.nextInt(8) == 0) {
          return v + "|" + CookieDate.encodeSeconds(now - r.nextInt(4000));
        }
        return v;
    }
  }

  private static String cookieHeader(SplittableRandom r, Be be, long now) {
    int items = 1 + r.nextInt(4);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < items; i++) {
      if (i > 0) {
        sb.append(SEPARATORS[r.nextInt(SEPARATORS.length)]);
      }
      if (r.nextInt(5) < 2) {
        String name = be.cookieName();
        String v = persistenceValue(r, be, now);
        switch (r.nextInt(6)) {
          case 0:
            sb.append(name).append(" = ").append(v);
            break;
          case 1:
            sb.append(name).append("=\t").append(v).append(' ');
            break;
          default:
            sb.append(name).append('=').append(v);
        }
      } else {
        sb.append(OTHERS[r.nextInt(OTHERS.length)]);
      }
    }
    return sb.toString().strip();
  }

  private static List<String[]> responseHeaders(SplittableRandom r, Be be) {
    List<String[]> h = new ArrayList<>();
    String[] cc = {"public", "private", "no-cache", "max-age=60", "max-age=0", "s-maxage=0", "public, max-age=10",
      "no-store", "s-maxage=5", "Public", "private, public"};
    int n = r.nextInt(4);
    for (int i = 0; i < n; i++) {
      switch (r.nextInt(9)) {
        case 0:
        case 1:
          h.add(new String[] {"Cache-Control", cc[r.nextInt(cc.length)]});
          break;
        case 2:
          h.add(new String[] {"Pragma", r.nextBoolean() ? "no-cache" : "x"});
          break;
        case 3:
          h.add(new String[] {"Expires", "Thu, 01 Jan 2099 00:00:00 GMT"});
          break;
        case 4:
          h.add(new String[] {"ETag", "\"e1\""});
          break;
        case 5:
          h.add(new String[] {"Last-Modified", "Mon, 01 Jan 2024 00:00:00 GMT"});
          break;
        default:
          {
            String name = be.cookieName();
            String[] sc = {name + "=fromapp; path=/", name + " = spaced; Max-Age=10", "other=1; path=/",
              name + "=", name + "=\"q\"; HttpOnly", "other=2", name + "=abc"};
            h.add(new String[] {"Set-Cookie", sc[r.nextInt(sc.length)]});
          }
      }
    }
    return h;
  }

  // ------------------------------------------------------------------------------------ the test

  @Test
  void setCookieCacheControlForwardedCookiesAndServerMatchHaproxy() throws Exception {
    long seed = Long.getLong("parity.seed", System.nanoTime());
    int cases = Integer.getInteger("parity.cases", 1500);
    System.out.println("cookie parity: seed " + seed + " (-Dparity.seed=" + seed + "), " + cases + " cases, "
        + HaproxyProcess.version());
    SplittableRandom rnd = new SplittableRandom(seed);
    Map<String, int[]> perFamily = new LinkedHashMap<>();
    List<String> failures = new ArrayList<>();
    int statuses[] = {200, 200, 200, 200, 404, 500, 302, 204, 203, 301};
    String[] methods = {"GET", "GET", "GET", "POST", "POST", "HEAD"};
    try (RawHttpClient client = new RawHttpClient(port)) {
      for (int c = 0; c < cases; c++) {
        SplittableRandom r = rnd.split();
        Be be = BACKENDS.get(r.nextInt(BACKENDS.size()));
        String method = methods[r.nextInt(methods.length)];
        int status = statuses[r.nextInt(statuses.length)];
        String target = "/p/" + r.nextInt(1000);
        List<String[]> resp = responseHeaders(r, be);
        long seedForCookies = r.nextLong();
        String mismatch = null;
        boolean compared = false;
        for (int attempt = 0; attempt < ATTEMPTS && !compared; attempt++) {
          long now = System.currentTimeMillis() / 1000;
          SplittableRandom cr = new SplittableRandom(seedForCookies);
          int nh = cr.nextInt(6) == 0 ? 0 : 1 + (cr.nextInt(4) == 0 ? 1 + cr.nextInt(2) : 0);
          String[] cookies = new String[nh];
          for (int i = 0; i < nh; i++) {
            cookies[i] = cookieHeader(cr, be, now);
          }
          List<String[]> req = new ArrayList<>();
          req.add(new String[] {"x-be", be.name()});
          for (String ck : cookies) {
            req.add(new String[] {"Cookie", ck});
          }
          for (String[] h : resp) {
            req.add(new String[] {"X-Echo-Respond", h[0] + ": " + h[1]});
          }
          req.add(new String[] {"X-Echo-Status", Integer.toString(status)});
          Response hr = client.send(method, target, req);
          long after = System.currentTimeMillis() / 1000;
          if (after != now) {
            continue; // the second ticked: dates may differ; retry
          }
          mismatch = compare(be, method, target, cookies, status, resp, hr, now);
          compared = true;
        }
        int[] count = perFamily.computeIfAbsent(be.family(), f -> new int[3]);
        count[2]++;
        if (!compared) {
          failures.add("case " + c + " [" + be.name() + "]: not compared, the clock's second changed during each of "
              + ATTEMPTS + " attempts");
          continue;
        }
        count[1]++;
        if (mismatch == null) {
          count[0]++;
        } else if (failures.size() < 15) {
          failures.add("case " + c + " [" + be.name() + "]: " + mismatch);
        }
      }
    }
    int ok = 0;
    int all = 0;
    int generated = 0;
    for (Map.Entry<String, int[]> e : perFamily.entrySet()) {
      System.out.printf("cookie parity [%s]: %d/%d%n", e.getKey(), e.getValue()[0], e.getValue()[1]);
      ok += e.getValue()[0];
      all += e.getValue()[1];
      generated += e.getValue()[2];
    }
    System.out.printf("cookie parity: %d/%d compared cases agreed, %d generated (seed %d)%n", ok, all, generated, seed);
    System.out.println("cookie parity coverage: " + COVERAGE);
    assertTrue(COVERAGE.getOrDefault("set-cookie inserted", 0) > 0 && COVERAGE.getOrDefault("cache-control private", 0) > 0
        && COVERAGE.getOrDefault("cookie header rewritten", 0) > 0, "the generator exercised too little: " + COVERAGE);
    assertTrue(failures.isEmpty(), () -> "seed " + seed + ":\n" + String.join("\n\n", failures));
    assertEquals(cases, generated);
    assertEquals(cases, all, "every generated case was compared");
    assertEquals(all, ok);
  }

  /**
   * A cookie for a server that refuses connections, with {@code option redispatch}: haproxy retries and then
   * redispatches (except that map-based hashing recomputes the same dead server and fails with 503); a proxy
   * using {@link Router#redispatch} after the refused connection must end on the same server with the same
   * Set-Cookie.
   */
  @Test
  void redispatchAfterARefusedConnectionMatchesHaproxy() throws Exception {
    int checked = 0;
    try (RawHttpClient client = new RawHttpClient(port)) {
      for (String be : List.of("r_rr", "r_cons", "r_map")) {
        for (int i = 0; i < 12; i++) {
          String target = "/k/" + i;
          String cookie = i % 3 == 0 ? "SERVERID=dead" : i % 3 == 1 ? "SERVERID=s1; a=1" : null;
          List<String[]> req = new ArrayList<>();
          req.add(new String[] {"x-be", be});
          if (cookie != null) {
            req.add(new String[] {"Cookie", cookie});
          }
          Response hr = client.send("GET", target, req);
          String theirs = (hr.header("X-Server") == null ? "-" : hr.header("X-Server")) + " " + hr.status() + " "
              + hr.headers("Set-Cookie");
          String ours;
          try (Decision d = new Decision()) {
            router.route(router.backend(be),
                cookie == null ? RequestView.of("GET", target) : RequestView.of("GET", target, cookie), d);
            if (d.ok() && d.serverName().equals("dead")) {
              router.redispatch(d); // the proxy could not connect
            }
            if (d.ok() && d.serverName().equals("dead")) {
              ours = "- 503 []"; // still the dead server: every attempt fails
            } else {
              router.respond(d, ResponseView.of(200), System.currentTimeMillis() / 1000);
              ours = d.serverName() + " 200 " + (d.setCookie() == null ? "[]" : "[" + d.setCookie() + "]");
            }
          }
          org.junit.jupiter.api.Assertions.assertEquals(theirs, ours, be + " " + target + " cookie " + cookie);
          checked++;
        }
      }
    }
    System.out.println("cookie parity [redispatch]: " + checked + "/" + checked);
  }

  private static String compare(Be be, String method, String target, String[] cookies, int status,
      List<String[]> respHeaders, Response hr, long now) {
    CLOCK.seconds = now;
    Backend b = router.backend(be.name());
    try (Decision d = new Decision()) {
      router.route(b, RequestView.of(method, target, cookies), d);
      String ourServer = d.ok() ? d.serverName() : "-";
      String theirServer = hr.header("X-Server") == null ? "-" : hr.header("X-Server");
      List<String> ourFwd = new ArrayList<>();
      for (int i = 0; i < d.cookieHeaderCount(); i++) {
        CharSequence f = d.forwardedCookie(i);
        if (f != null) {
          ourFwd.add(f.toString().strip());
        }
      }
      List<String> theirFwd = hr.headers("X-Echo-Cookie");
      String[] flat = new String[respHeaders.size() * 2];
      for (int i = 0; i < respHeaders.size(); i++) {
        flat[2 * i] = respHeaders.get(i)[0];
        flat[2 * i + 1] = respHeaders.get(i)[1];
      }
      ResponseView rv = ResponseView.of(status, flat);
      router.respond(d, rv, now);
      List<String> ourSc = new ArrayList<>();
      List<String> ourCc = new ArrayList<>();
      for (int i = 0; i < rv.headerCount(); i++) {
        String n = rv.headerName(i).toString();
        if (n.equalsIgnoreCase("set-cookie")) {
          CharSequence v = d.responseHeader(i, rv.headerValue(i));
          if (v != null) {
            ourSc.add(v.toString());
          }
        } else if (n.equalsIgnoreCase("cache-control")) {
          ourCc.add(rv.headerValue(i).toString());
        }
      }
      if (d.setCookie() != null) {
        ourSc.add(d.setCookie());
      }
      if (d.cacheControlPrivate()) {
        ourCc.add("private");
      }
      List<String> theirSc = hr.headers("Set-Cookie");
      List<String> theirCc = hr.headers("Cache-Control");
      StringBuilder diff = new StringBuilder();
      if (!ourServer.equals(theirServer)) {
        diff.append("\n  server: ours ").append(ourServer).append(" haproxy ").append(theirServer);
      }
      if (!ourFwd.equals(theirFwd)) {
        diff.append("\n  forwarded cookies: ours ").append(ourFwd).append(" haproxy ").append(theirFwd);
      }
      if (!ourSc.equals(theirSc)) {
        diff.append("\n  set-cookie: ours ").append(ourSc).append(" haproxy ").append(theirSc);
      }
      if (!ourCc.equals(theirCc)) {
        diff.append("\n  cache-control: ours ").append(ourCc).append(" haproxy ").append(theirCc);
      }
      if (diff.length() == 0) {
        saw("flag " + d.cookieFlag(), true);
        saw("response flag " + d.responseCookieFlag(), d.ok());
        saw("set-cookie inserted", d.setCookie() != null);
        saw("cache-control private", d.cacheControlPrivate());
        saw("server set-cookie changed", d.responseHeadersChanged());
        saw("strict/503", !d.ok());
        for (int i = 0; i < d.cookieHeaderCount(); i++) {
          CharSequence f = d.forwardedCookie(i);
          saw("cookie header removed", f == null);
          saw("cookie header rewritten", f != null && f != cookies[i]);
        }
        return null;
      }
      StringBuilder req = new StringBuilder(method + " " + target + " cookies=");
      for (String ck : cookies) {
        req.append('[').append(ck).append(']');
      }
      req.append(" status=").append(status).append(" resp=");
      for (String[] h : respHeaders) {
        req.append('[').append(h[0]).append(": ").append(h[1]).append(']');
      }
      return req + " flag=" + d.cookieFlag() + diff;
    }
  }
}
