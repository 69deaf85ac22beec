package org.stickyroute.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.stickyroute.Router;
import org.stickyroute.health.HealthCounter;

/**
 * Regression tests for what fuzzing the loader ({@code ConfigFuzzTest}) found: every configuration problem
 * fails at load with {@code file:line: 'word': reason}, the word on that line and the message on one printable
 * line — and a configuration that loads works later (health counters included).
 */
class ConfigRobustnessTest {
  static ConfigException fails(String cfg, boolean strict) {
    return assertThrows(ConfigException.class, () -> ConfigLoader.parse(cfg, "t.cfg", strict), cfg);
  }

  /** The reason quoted a NUL raw ("invalid character '\0' in a section name"): escaped now, like the word. */
  @Test
  void messagesNeverCarryControlCharacters() {
    ConfigException e = fails("backend b\u0000e\n", false);
    assertEquals("t.cfg:1: 'b\\x00e': invalid character '\\x00' in a section name", e.getMessage());
    ConfigException lf = fails("backend b\\ne\n", false);
    assertEquals("t.cfg:1: 'b\\ne': invalid character '\\n' in a section name", lf.getMessage());
    RoutingConfig c = ConfigLoader.parse("backend be\n    server s1 \\x01:80 cookie a\n", "t.cfg", false);
    for (ConfigWarning w : c.warnings()) {
      assertTrue(w.toString().chars().allMatch(ch -> ch >= 0x20), w.toString());
    }
  }

  /**
   * The warning about servers without a cookie value named the word 'cookie' on the first such server's line,
   * which has no 'cookie' (that is the point); in strict mode that was the error. It names the server now.
   */
  @Test
  void theMissingCookieValueWarningNamesTheServerOnItsLine() {
    String cfg = "backend be\n    cookie SRV insert\n    server s1 10.0.0.1:80 cookie a\n    server s2 10.0.0.2:80\n";
    ConfigException e = fails(cfg, true);
    assertTrue(e.getMessage().startsWith("t.cfg:4: 's2': backend 'be' inserts cookie 'SRV' but server(s) [s2]"),
        e.getMessage());
  }

  /** 'cookie ... dynamic' without a key was reported on the backend line; the word is on the cookie line. */
  @Test
  void theDynamicWithoutKeyWarningPointsAtTheCookieLine() {
    String cfg = "defaults\n    cookie SRV insert dynamic\nbackend be\n    server s1 10.0.0.1:80 cookie a\n";
    List<ConfigWarning> w = ConfigLoader.parse(cfg, "t.cfg", false).warnings();
    ConfigWarning dynamic = w.stream().filter(x -> x.word().equals("dynamic")).findFirst().orElseThrow();
    assertEquals(2, dynamic.location().line(), w.toString());
  }

  /**
   * {@code random()} reported the empty word ''. (HAProxy 2.6 reads {@code random()} as {@code random}, so it
   * loads now; a count that is cut short still names the algorithm.)
   */
  @Test
  void randomWithoutDrawsNamesTheAlgorithm() {
    assertEquals("t.cfg:2: 'random(': random : missing closing parenthesis.",
        fails("backend be\n    balance random(\n", false).getMessage());
    assertEquals(Balance.random(2),
        ConfigLoader.parse("backend be\n    balance random()\n", "t.cfg", true).backend("be").balance());
  }

  /**
   * {@code rise 2147483647 fall 2147483647} loaded, and starting the health checker then threw
   * IllegalArgumentException ("health 2147483647 outside [0, -3]"): rise + fall - 1 overflowed. Both are
   * bounded (2^30) at load now, by the loader and by the record.
   */
  @Test
  void riseAndFallAreBoundedSoHealthCountersWork() {
    ConfigException e = fails("backend be\n    server s1 10.0.0.1:80 check rise 2147483647\n", false);
    assertTrue(e.getMessage().startsWith("t.cfg:2: '2147483647': must be between 1 and 1073741824"), e.getMessage());
    fails("backend be\n    default-server fall 1073741825\n", false);
    RoutingConfig c = ConfigLoader.parse(
        "backend be\n    server s1 10.0.0.1:80 check rise 1073741824 fall 1073741824\n", "t.cfg", false);
    ServerConfig s = c.backend("be").servers().get(0);
    HealthCounter h = HealthCounter.initial(s.rise(), s.fall());
    assertTrue(h.up() && !h.next(false).up() && h.next(true).fullyUp());
    assertThrows(IllegalArgumentException.class,
        () -> ServerConfig.builder("s", "10.0.0.1", 80).rise(Integer.MAX_VALUE).build());
  }

  /**
   * {@code timeout connect 999999999999d} loaded as a garbage (overflowed) number of milliseconds; HAProxy
   * keeps timers in 32-bit ints and refuses such values ("timer overflow"). Times are bounded at 2^31-1 ms
   * (cookie dates: 2^31-1 s) now.
   */
  @Test
  void timersThatOverflowAreErrors() {
    for (String t : new String[] {"999999999999d", "2147483648", "24855d", "596524h", "2147484s"}) {
      ConfigException e = fails("backend be\n    timeout connect " + t + "\n", false);
      assertEquals("t.cfg:2: '" + t + "': timer overflow (the maximum is 2147483647 ms, about 24.8 days)",
          e.getMessage());
    }
    assertEquals(Integer.MAX_VALUE, TimeUnits.parseMillis("2147483647"));
    assertEquals(24 * 86_400_000L, TimeUnits.parseMillis("24d"));
    fails("backend be\n    server s1 10.0.0.1:80 inter 99999999999d\n", false);
    fails("backend be\n    cookie SRV insert maxidle 999999999999d\n", false);
    fails("backend be\n    cookie SRV insert maxlife 2147483648\n", false);
    assertEquals(Integer.MAX_VALUE, TimeUnits.parseSeconds("2147483647"));
    assertEquals(1_000_000_000L * 1000, TimeUnits.parseMillis("1000000000") * 1000);
  }

  /**
   * An ACL that a later line makes unsupported (same name, another criterion) is dropped with a warning that
   * says rules using it are skipped — but a rule declared before that line was kept, and the load then failed
   * with "no such ACL". The rule is skipped, as the warning says.
   */
  @Test
  void rulesUsingAnAclThatBecameUnsupportedAreSkippedAsWarned() {
    String cfg = "frontend fe\n    acl a path_beg /x\n    use_backend b1 if a\n    acl a hdr(host) -i x\n"
        + "    default_backend b2\nbackend b1\n    server s 10.0.0.1:80\nbackend b2\n    server s 10.0.0.2:80\n";
    RoutingConfig c = ConfigLoader.parse(cfg, "t.cfg", false);
    assertTrue(c.frontends().get(0).rules().isEmpty());
    assertTrue(c.warnings().get(0).toString().startsWith("t.cfg:4: 'hdr(host)': ACL criterion not supported"),
        c.warnings().toString());
    Router r = Router.create(c);
    assertEquals("b2", r.backendFor(r.frontend("fe"), "/x").name());
    assertTrue(fails(cfg, true).getMessage().startsWith("t.cfg:4: 'hdr(host)'"));
  }

  /**
   * {@code option httpchk} values were not checked: a method java.net.http refuses (a space, CR/LF, an empty
   * or {@code CONNECT} method) made every probe throw inside the checker's scheduler, which silently stopped
   * checking the server (it stayed UP forever); a target {@link java.net.URI} refuses failed only when the
   * checker started. Both fail at load now.
   */
  @Test
  void httpCheckRequestsThatCannotBeSentFailAtLoad() {
    assertEquals("t.cfg:2: 'GE T': not a method the health checker can send",
        fails("backend be\n    option httpchk \"GE T\" /status\n", false).getMessage());
    assertEquals("t.cfg:2: 'G\\r\\nET': not a method the health checker can send",
        fails("backend be\n    option httpchk G\\r\\nET /status\n", false).getMessage());
    fails("backend be\n    option httpchk \"\" /status\n", false);
    fails("backend be\n    option httpchk CONNECT /status\n", false);
    assertTrue(fails("backend be\n    option httpchk GET /a|b{c}\n", false).getMessage()
        .startsWith("t.cfg:2: '/a|b{c}': not a valid httpchk request-target"));
    RoutingConfig ok = ConfigLoader.parse("backend be\n    option httpchk GET /status?x=1\n    option httpchk OPTIONS *\n"
        + "    option httpchk status\n    option httpchk\n", "t.cfg", false);
    assertEquals(HttpCheckConfig.DEFAULT, ok.backend("be").httpCheck());
  }
}
