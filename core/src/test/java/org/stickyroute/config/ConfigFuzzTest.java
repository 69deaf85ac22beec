package org.stickyroute.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.stickyroute.Backend;
import org.stickyroute.BackendSnapshot;
import org.stickyroute.Decision;
import org.stickyroute.Frontend;
import org.stickyroute.Health;
import org.stickyroute.http.RequestView;
import org.stickyroute.http.ResponseView;
import org.stickyroute.Router;
import org.stickyroute.fuzz.FuzzInput;
import org.stickyroute.health.HealthCounter;
import org.stickyroute.persist.CookiePersistence;

/**
 * Hostile configuration text against {@link ConfigLoader}. Every input is loaded four times: leniently and
 * strictly, from the bytes read as ISO-8859-1 (what {@link ConfigLoader#load(java.nio.file.Path)} does) and
 * as {@link FuzzInput#chars} (what {@link ConfigLoader#parse} may receive from elsewhere). Checked:
 *
 * <ul>
 *   <li>the only exception is {@link ConfigException} — no NullPointerException, NumberFormatException,
 *       IndexOutOfBoundsException, IllegalArgumentException...; and a configuration that loads can be turned
 *       into a {@link Router}, route, answer cookies, run its health counters and build its health-check
 *       request without any exception
 *       (configuration problems fail at load, never later);
 *   <li>the message is exactly {@code file:line: 'word': reason}, on one line with no control character;
 *       the line exists, and the word is in that line: a substring of it or of one of its words after
 *       unescaping, or several consecutive words joined by a space ({@code timeout foo});
 *   <li>every warning has the same form; strict mode succeeds only where lenient mode has no warning, and
 *       fails wherever lenient mode fails.
 * </ul>
 *
 * <p>Hangs are caught by the fuzzer's per-input timeout when fuzzing; time is checked by {@code
 * LinearityTest}.
 */
class ConfigFuzzTest {
  private static final String FILE = "fuzz.cfg";
  private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_790_000_000L), ZoneOffset.UTC);
  private static final String[] TARGETS = {
    "/", "/project/1/compile", "*", "http://h/project/2?x=/y", "h:80", "", "/\u00e9?\ud800", "/a//b/c/d/e"
  };

  /**
   * Words of the configuration language, so that fuzzing reaches keyword handling sooner. (Jazzer writes them
   * into a libFuzzer dictionary file as they are: no line breaks, and a backslash is written doubled.)
   */
  @DictionaryEntries({
    "global", "defaults", "frontend ", "backend ", "listen ", "    server s1 10.0.0.1:80", " [::1]:80",
    "balance ", "uri", "depth", "len", "whole", "path-only", "roundrobin", "static-rr", "leastconn", "random(",
    "hash-type ", "consistent", "map-based", "sdbm", "djb2", "wt6", "crc32", "avalanche", "hash-balance-factor ",
    "cookie ", "insert", "indirect", "nocache", "prefix", "rewrite", "preserve", "postonly", "httponly", "secure",
    "domain", "attr", "maxidle", "maxlife", "dynamic", "dynamic-cookie-key ", "weight", "id", "check", "inter",
    "fastinter", "downinter", "rise", "fall", "backup", "disabled", "enabled", "maxconn", "slowstart",
    "default-server", "option ", "httpchk", "redispatch", "persist", "allbackups", "no option ", "retries ",
    "timeout ", "connect", "server", "acl ", "path_beg", "-i", "-m", "use_backend ", "default_backend ", " if ",
    " unless ", " or ", "!", "bind ", "stats ", "auth", "mode http", "\\\\x", "\\\\", "'", "#", "2147483647",
    "999999999999d", "ms", "us", "s", "m", "h", "d"
  })
  @FuzzTest(maxDuration = "5m")
  void load(byte[] data) {
    String latin1 = new String(data, StandardCharsets.ISO_8859_1);
    check(latin1);
    String wtf8 = FuzzInput.chars(data, 0, data.length);
    if (!wtf8.equals(latin1)) {
      check(wtf8);
    }
  }

  private static void check(String text) {
    String[] lines = text.split("\n", -1);
    RoutingConfig lenient = null;
    ConfigException lenientError = null;
    try {
      lenient = ConfigLoader.parse(text, FILE, false);
    } catch (ConfigException e) {
      lenientError = e;
      checkMessage(e.getMessage(), e.location(), e.word(), lines);
    } catch (RuntimeException | StackOverflowError e) {
      throw new AssertionError("not a ConfigException: " + e, e);
    }
    RoutingConfig strict = null;
    ConfigException strictError = null;
    try {
      strict = ConfigLoader.parse(text, FILE, true);
    } catch (ConfigException e) {
      strictError = e;
      checkMessage(e.getMessage(), e.location(), e.word(), lines);
    } catch (RuntimeException | StackOverflowError e) {
      throw new AssertionError("not a ConfigException (strict): " + e, e);
    }
    if (lenient != null) {
      for (ConfigWarning w : lenient.warnings()) {
        checkMessage(w.toString(), w.location(), w.word(), lines);
      }
      assertEquals(strict != null, lenient.warnings().isEmpty(), "strict succeeds exactly when there is no warning");
      use(lenient);
    } else {
      assertTrue(strictError != null, "strict fails wherever lenient fails: " + lenientError.getMessage());
    }
  }

  /** {@code file:line: 'word': reason}, one line, the line exists, the word is in it. */
  static void checkMessage(String message, SourceLocation at, String word, String[] lines) {
    assertEquals(FILE, at.file());
    assertTrue(at.line() >= 1 && at.line() <= lines.length, () -> "line " + at.line() + " of " + lines.length + ": " + message);
    String head = FILE + ":" + at.line() + ": '" + escape(word) + "': ";
    assertTrue(message.startsWith(head) && message.length() > head.length(), () -> "format: " + message);
    for (int i = 0; i < message.length(); i++) {
      char c = message.charAt(i);
      assertTrue(c >= 0x20 && c != 0x7F, () -> "control character in the message: " + escape(message));
    }
    String line = lines[at.line() - 1];
    assertTrue(present(word, line), () -> "word '" + escape(word) + "' not in line " + at.line() + ": " + escape(line));
  }

  static boolean present(String word, String line) {
    List<String> tokens;
    try {
      tokens = Tokenizer.split(line);
    } catch (IllegalArgumentException e) {
      tokens = List.of();
    }
    if (word.isEmpty()) {
      return tokens.contains("");
    }
    if (line.contains(word)) {
      return true;
    }
    for (int i = 0; i < tokens.size(); i++) {
      if (tokens.get(i).contains(word)) {
        return true;
      }
      StringBuilder joined = new StringBuilder(tokens.get(i));
      for (int j = i + 1; j < tokens.size() && joined.length() < word.length(); j++) {
        joined.append(' ').append(tokens.get(j));
        if (joined.toString().equals(word)) {
          return true;
        }
      }
    }
    return false;
  }

  /** The escaping the messages promise: CR, LF, TAB as {@code \r \n \t}, other controls as {@code \xHH}. */
  static String escape(String s) {
    StringBuilder sb = new StringBuilder();
    for (char c : s.toCharArray()) {
      if (c == '\r') {
        sb.append("\\r");
      } else if (c == '\n') {
        sb.append("\\n");
      } else if (c == '\t') {
        sb.append("\\t");
      } else if (c < 0x20 || c == 0x7F) {
        sb.append(String.format("\\x%02x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /** A loaded configuration must work: router, frontends, backends, cookies, health counters. */
  private static void use(RoutingConfig config) {
    Router router = Router.create(config, CLOCK);
    for (Frontend f : router.frontends()) {
      for (String t : TARGETS) {
        int b = f.backendIndex(t, 0, t.length());
        assertTrue(b >= -1 && b < router.backends().size());
      }
    }
    for (Backend be : router.backends()) {
      HttpCheckConfig check = be.config().httpCheck();
      if (check != null) {
        // the health checker builds this request for every probe: it must not be refused later
        java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:80/"))
            .method(check.method(), java.net.http.HttpRequest.BodyPublishers.noBody());
      }
      BackendSnapshot snap = be.snapshot();
      CookiePersistence p = CookiePersistence.of(be.config());
      for (int s = 0; s < snap.serverCount() && s < 8; s++) {
        ServerConfig sc = snap.server(s);
        HealthCounter h = HealthCounter.initial(sc.rise(), sc.fall());
        for (int i = 0; i < 4; i++) {
          h = h.next(i % 3 == 0);
        }
        String cookie = p == null ? null : p.clientValue(s, 1_790_000_000L);
        try (Decision d = new Decision()) {
          String[] headers = cookie == null ? new String[0] : new String[] {"x=1; " + p.name() + "=" + cookie};
          router.route(be, RequestView.of(s % 2 == 0 ? "GET" : "POST", TARGETS[s % TARGETS.length], headers), d);
          if (d.ok()) {
            router.respond(d, ResponseView.of(200, "Set-Cookie", "a=b", "ETag", "x"));
          }
        }
      }
      for (String t : TARGETS) {
        int s = snap.select(t);
        assertTrue(s >= BackendSnapshot.SATURATED && s < snap.serverCount());
      }
      if (snap.serverCount() > 0) {
        be.setHealth(snap.server(0).name(), Health.DOWN);
        be.snapshot().select("/x");
      }
    }
  }
}
