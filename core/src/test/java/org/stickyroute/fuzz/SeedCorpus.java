package org.stickyroute.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.stickyroute.Router;
import org.stickyroute.config.BackendConfig;
import org.stickyroute.config.ConfigLoader;
import org.stickyroute.config.RoutingConfig;
import org.stickyroute.config.StickyOptions;
import org.stickyroute.persist.CookieDate;
import org.stickyroute.config.CookieSigning;
import org.stickyroute.persist.DynamicCookie;
import org.stickyroute.config.ServerConfig;

/**
 * Writes the hand-made part of the committed fuzz corpus: the {@code seed-*} files under {@code
 * src/test/resources/<package>/<Class>Inputs/<method>/}, which a normal build replays as regression tests
 * (files the fuzzer found, {@code crash-*} or others, sit beside them and are never touched here).
 * Deterministic; rerun after changing an input format:
 *
 * <pre>
 * mvn -B -ntp -q -pl core test-compile exec:java -Dexec.mainClass=org.stickyroute.fuzz.SeedCorpus \
 *     -Dexec.classpathScope=test
 * </pre>
 */
public final class SeedCorpus {
  private static final int K64 = 65536;
  private static final long NOW = 1_790_000_000L;
  private final Path root;
  private int written;

  private SeedCorpus(Path root) {
    this.root = root;
  }

  /** Writes the seeds; argument: the test resources directory (default: core/src/test/resources or src/test/resources). */
  public static void main(String[] args) throws IOException {
    Path root = args.length > 0 ? Path.of(args[0])
        : Files.isDirectory(Path.of("core/src/test/resources")) ? Path.of("core/src/test/resources")
        : Path.of("src/test/resources");
    SeedCorpus c = new SeedCorpus(root);
    c.uriKey();
    c.frontendRules();
    c.cookies();
    c.signed();
    c.config();
    System.out.println("SeedCorpus: " + c.written + " seed files under " + root.toAbsolutePath());
  }

  private Path dir(String pkg, String cls, String method) {
    Path d = root.resolve(pkg.replace('.', '/')).resolve(cls + "Inputs").resolve(method);
    try {
      Files.createDirectories(d);
      try (Stream<Path> old = Files.list(d)) {
        for (Path p : (Iterable<Path>) old::iterator) {
          if (p.getFileName().toString().startsWith("seed-")) {
            Files.delete(p);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return d;
  }

  private void write(Path dir, String name, byte[] content) {
    try {
      Files.write(dir.resolve("seed-" + name), content);
      written++;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String rep(String s, int times) {
    return s.repeat(Math.max(0, times));
  }

  private static String upTo(String unit, int bytes) {
    return rep(unit, bytes / unit.length());
  }

  // ------------------------------------------------------------------------------------------ keys

  private static final int WHOLE = 1;
  private static final int PATH_ONLY = 2;
  private static final int DJB2 = 4;
  private static final int WT6 = 8;
  private static final int CRC32 = 12;
  private static final int AVALANCHE = 16;
  private static final int EMBED = 32;
  private static final int MAX = 255;

  private void key(Path d, String name, int flags, int len, int depth, String target) {
    write(d, name, FuzzInput.frame(new byte[] {(byte) flags, (byte) len, (byte) depth}, target));
  }

  private void uriKey() {
    Path d = dir("org.stickyroute.key", "RequestTargetFuzzTest", "uriKey");
    key(d, "origin-depth2", EMBED, 0, 2, "/project/42/compile?x=1");
    key(d, "overleaf-depth2-consistent", AVALANCHE, 0, 2, "/project/5f3c2a1b/output/output.pdf");
    key(d, "whole-query-slashes-count", WHOLE | EMBED, 0, 2, "/project?a=/b/c");
    key(d, "len10", 0, 10, 0, "/project/42?x=1");
    key(d, "len-and-depth", DJB2, 4, 1, "/ab/cd?x");
    key(d, "path-only-absolute", PATH_ONLY | EMBED, 0, 2, "http://host:8080/project/1/a?x=/b");
    key(d, "absolute-form-slashes-count", 0, 0, 2, "http://host/project/1/a");
    key(d, "path-only-asterisk", PATH_ONLY, 0, 0, "*");
    key(d, "path-only-authority-form", PATH_ONLY, 0, 0, "example.com:443");
    key(d, "path-only-no-path", PATH_ONLY, 0, 0, "http://host");
    key(d, "path-only-odd-scheme", PATH_ONLY | EMBED, 0, 1, "a+b-c.d://h/p/q");
    key(d, "path-only-half-scheme", PATH_ONLY, 0, 0, "http:/x");
    key(d, "path-only-digit-first", PATH_ONLY, 0, 0, "1abc/x");
    key(d, "path-only-query-first", PATH_ONLY, 0, 0, "?x/y");
    key(d, "empty", 0, 0, 0, "");
    key(d, "empty-path-only", PATH_ONLY | EMBED, 3, 3, "");
    key(d, "root", CRC32 | AVALANCHE, 0, 1, "/");
    key(d, "repeated-slashes", WT6, 0, 3, "//////////////////");
    key(d, "empty-segments", 0, 0, 2, "/project//x");
    key(d, "percent-escapes", DJB2 | EMBED, 0, 2, "/%70roject/%2F%2f/%00/%41%");
    key(d, "nul-cr-lf-tab", EMBED, 0, 0, "/a\u0000b\r\nc\td");
    key(d, "latin1-raw-bytes", WT6, 0, 2, "/caf\u00e9/\u00ff\u0080\u00c3");
    key(d, "utf8", WT6 | EMBED, 0, 3, "/caf\u00e9/\u00fcn\u00ef/\u4e2d\u6587/\ud83d\ude00");
    key(d, "lone-surrogates", PATH_ONLY | EMBED, 0, 0, "/a\ud800b/\udc00c?\ud83d");
    key(d, "lone-surrogate-as-query", 0, 0, 0, "/a\udc00/b");
    key(d, "pair-cut-by-len3", CRC32 | AVALANCHE | EMBED, 3, 0, "/\ud83d\ude00x");
    key(d, "pair-cut-by-len2", 0, 2, 0, "/\ud83d\ude00");
    key(d, "pair-cut-by-len4", DJB2 | EMBED, 4, 0, "/\ud83d\ude00");
    key(d, "high-surrogate-at-range-end", EMBED, 2, 0, "/\ud83d");
    key(d, "bmp-cut-by-len", WT6, 2, 0, "/\u4e2d");
    key(d, "huge-len-depth", WHOLE | EMBED, MAX, MAX, "/a/b?c/d");
    key(d, "64k-plain", 0, 0, 2, "/" + rep("a", K64 - 1));
    key(d, "64k-slashes-unbounded-depth", CRC32, 0, MAX, rep("/", K64));
    key(d, "64k-slashes-depth2", EMBED, 0, 2, rep("/", K64));
    key(d, "64k-query-whole", WHOLE | DJB2, 0, 3, "/?" + rep("/", K64 - 2));
    key(d, "64k-percent", 0, 0, 0, upTo("/%41", K64));
    key(d, "64k-latin1", WT6, 0, 0, "/" + rep("\u00ff", K64 - 1));
    key(d, "64k-cjk", CRC32, 200, 0, rep("\u4e2d", K64 / 3));
    key(d, "64k-lone-surrogates", 0, 0, 0, "/" + rep("\ud800", K64 / 3));
    key(d, "64k-pairs", AVALANCHE, 0, 0, "/" + rep("\ud83d\ude00", K64 / 4));
    key(d, "64k-absolute-authority", PATH_ONLY | EMBED, 0, 2, "http://" + rep("h", K64 - 10) + "/p/q");
    key(d, "64k-scheme-chars", PATH_ONLY, 0, 0, rep("a", K64));
    key(d, "64k-nul", 0, 0, 0, "/" + rep("\u0000", K64 - 1));
  }

  private void rules(Path d, String name, int flags, String target, String... patterns) {
    String[] fields = new String[patterns.length + 1];
    fields[0] = target;
    System.arraycopy(patterns, 0, fields, 1, patterns.length);
    write(d, name, FuzzInput.frame(new byte[] {(byte) flags}, fields));
  }

  private void frontendRules() {
    Path d = dir("org.stickyroute.key", "RequestTargetFuzzTest", "frontendRules");
    rules(d, "project", 1, "/project/1", "/x");
    rules(d, "project-upper-ignore-case", 1, "/PROJECT/1/index.html", "/x");
    rules(d, "project-upper-case-sensitive", 0, "/PROJECT/1", "/x");
    rules(d, "prefix-not-segment", 1, "/project-x", "/x");
    rules(d, "percent-not-decoded", 1, "/%70roject/1", "/x");
    rules(d, "static-and-project", 1, "/static/project", "/static");
    rules(d, "api-ignore-case", 1, "/api/v1", "/api");
    rules(d, "absolute-form", 1, "http://h:80/project/1?x", "/x");
    rules(d, "asterisk", 1, "*", "");
    rules(d, "authority-form", 1, "h:80", "");
    rules(d, "empty-target", 3, "", "");
    rules(d, "empty-pattern-root", 0, "/", "");
    rules(d, "query-before-pattern", 0, "/a?b/c", "/a?b");
    rules(d, "lone-surrogate-vs-question-mark", 2, "/a\ud800b", "/a?b", "/a");
    rules(d, "lone-surrogate-ends-path", 0, "/a\ud800b", "/a?b");
    rules(d, "pair-vs-utf8-pattern", 0, "/\ud83d\ude00x", "/\u00f0\u009f\u0098\u0080x");
    rules(d, "pattern-above-latin1", 2, "/\u4e2d/x", "/\u4e2d", "/\u00e4");
    rules(d, "latin1-pattern", 0, "/\u00e9t\u00e9/x", "/x");
    rules(d, "utf8-bytes-vs-latin1-pattern", 0, "/\u00c3\u00a9", "/\u00c3");
    rules(d, "nul-cr-lf", 2, "/a\u0000\r\n", "/A\u0000", "/a\u0000\r");
    rules(d, "pattern-longer-than-path", 1, "/pro", "/project/1/2/3");
    rules(d, "many-patterns", 3, "/c/d", "/a", "/b", "/c/", "/d");
    rules(d, "64k-target", 1, "/project/" + rep("a", K64 - 9), "/project/aaaa");
    rules(d, "64k-authority", 1, "http://" + rep("h", K64 - 9) + "/p", "/p");
    rules(d, "64k-pattern", 0, "/" + rep("x", K64 - 1), "/" + rep("x", K64 - 2));
  }

  // --------------------------------------------------------------------------------------- cookies

  private void cookie(Path d, String name, int line, int states, int misc, int count, String... fields) {
    write(d, name, FuzzInput.frame(new byte[] {(byte) line, (byte) states, (byte) misc, (byte) count}, fields));
  }

  private static String manyCookies(int n, String inject) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        sb.append("; ");
      }
      sb.append(i == n / 2 ? inject : "c" + i + "=v" + i);
    }
    return sb.toString();
  }

  private void cookies() {
    Path d = dir("org.stickyroute.persist", "CookieFuzzTest", "analyseAndRespond");
    String[] lineNames = {"insert-indirect-nocache", "insert", "rewrite", "prefix", "passive", "dates-preserve",
      "postonly-attrs", "dynamic", "maxidle", "maxlife", "prefix-indirect", "jsessionid-prefix"};
    for (int line = 0; line < lineNames.length; line++) {
      String id = line == 11 ? "JSESSIONID" : "SERVERID";
      cookie(d, lineNames[line] + "-valid", line, 0, 0, 1, "a=1; " + id + "=s2; b=2", id + "=app; path=/");
      cookie(d, lineNames[line] + "-post-404", line, 0, 0x09, 1, id + "=s1", id + " = x ; HttpOnly");
      cookie(d, lineNames[line] + "-down-server", line, 0x01, 0x10, 1, id + "=s1");
      cookie(d, lineNames[line] + "-maint-persist", line, 0x02, 0x20, 1, id + "=s1");
      cookie(d, lineNames[line] + "-strict", line, 0x01, 0x30, 1, id + "=s1; x=1");
    }
    cookie(d, "shared-value-first-down", 0, 0x40, 0, 1, "SERVERID=grp");
    cookie(d, "drain-accepts", 0, 0x03, 0, 1, "SERVERID=s1");
    cookie(d, "no-value-server", 1, 0, 0, 0);
    String dyn = DynamicCookie.value("K3y", ServerConfig.builder("s", "10.0.0.6", 8080).build());
    cookie(d, "dynamic-valid", 7, 0, 0, 1, "SERVERID=" + dyn);
    cookie(d, "spaces-and-tabs", 0, 0, 0, 1, "a=1 ;\tSERVERID = s2 ;b=2");
    cookie(d, "first-cookie", 0, 0, 0, 1, "SERVERID=s2; a=1");
    cookie(d, "last-no-space", 0, 0, 0, 1, "a=1;SERVERID=s2");
    cookie(d, "only-cookie", 0, 0, 0, 1, "SERVERID=s2");
    cookie(d, "commas", 0, 0, 0, 1, "SERVERID=s1, a=2,SERVERID=s2");
    cookie(d, "rfc2109-attributes", 0, 0, 0, 1, "$Version=1; SERVERID=s2; $Path=/; a=1; $Domain=x");
    cookie(d, "unmatched-quote", 0, 0, 0, 1, "a=\"x; SERVERID=s1");
    cookie(d, "quoted-semicolon", 0, 0, 0, 1, "a=\"x;y\"; SERVERID=s1; b=\"\\\"\"");
    cookie(d, "empty-and-bare", 0, 0, 0, 1, "SERVERID=; =; ;;; k; =v; SERVERID");
    cookie(d, "repeated-first-wins", 0, 0, 0, 1, "SERVERID=bogus; SERVERID=s1; SERVERID=s2");
    cookie(d, "several-headers", 0, 0, 0, 3, "a=1", "SERVERID=s2", "b=2; SERVERID=s1");
    cookie(d, "name-case", 0, 0, 0, 1, "serverid=s1; SERVERID =s2");
    cookie(d, "nul-cr-lf", 0, 0, 0, 1, "a=\u0000; SERVERID=s1\r\n; b=\r\nSet-Cookie: x=1");
    cookie(d, "non-ascii", 0, 0, 0, 1, "\u00e9=\u4e2d; SERVERID=s\u00b2; \ud800=\udfff; SERVERID=s2");
    cookie(d, "dates-valid", 5, 0, 0, 1,
        "SERVERID=s1|" + CookieDate.encodeSeconds(NOW - 60) + "|" + CookieDate.encodeSeconds(NOW - 3600));
    cookie(d, "dates-idle-expired", 5, 0, 0, 1, "SERVERID=s1|" + CookieDate.encodeSeconds(NOW - 7200));
    cookie(d, "dates-too-old", 5, 0, 0, 1,
        "SERVERID=s1|" + CookieDate.encodeSeconds(NOW) + "|" + CookieDate.encodeSeconds(NOW - 3 * 3600));
    cookie(d, "dates-far-future", 9, 0, 0, 1, "SERVERID=s1|/////|/////");
    cookie(d, "dates-garbage", 8, 0, 0, 1, "SERVERID=s1|!!!!!|;SERVERID=s2||||");
    cookie(d, "prefix-strip", 3, 0, 0, 1, "JSESSIONID=1; SERVERID=s2~abc; x=1", "SERVERID=abc; Path=/");
    cookie(d, "prefix-no-tilde", 10, 0, 0, 1, "SERVERID=s2; SERVERID=~; SERVERID=s1~", "SERVERID");
    cookie(d, "jsessionid-prefix-group", 11, 0, 0, 1, "JSESSIONID=grp~x", "JSESSIONID=abc");
    cookie(d, "preserve-server-sets", 5, 0, 0, 0, "SERVERID=fromapp; Max-Age=10");
    cookie(d, "rewrite-server-cookie", 2, 0, 0, 0, "  SERVERID  =  fromapp  ; path=/");
    cookie(d, "200-cookies", 0, 0, 0, 1, manyCookies(200, "SERVERID=s2"));
    cookie(d, "200-cookies-all-ours", 0, 0, 0, 1, manyCookies(200, "SERVERID=s2").replaceAll("c\\d+=v\\d+", "SERVERID=s1"));
    cookie(d, "8k-header", 0, 0, 0, 1, upTo("a = b ;", 8192));
    cookie(d, "64k-spaced-cookies", 0, 0, 0, 1, upTo("a = b ;", K64));
    cookie(d, "64k-alternating-deletions", 0, 0, 0, 1, upTo("SERVERID=s1;a=1;", K64));
    cookie(d, "64k-one-value", 0, 0, 0, 1, "SERVERID=" + rep("s", K64));
    cookie(d, "64k-quote", 0, 0, 0, 1, "a=\"" + rep(";", K64));
    cookie(d, "64k-separators", 0, 0, 0, 1, rep(";", K64 / 2) + rep(",", K64 / 2));
    cookie(d, "64k-spaces", 0, 0, 0, 1, "SERVERID" + rep(" ", K64) + "=" + rep("\t", K64 / 2) + "s1");
    cookie(d, "64k-dollar", 0, 0, 0, 1, "SERVERID=s1;" + upTo("$a=1;", K64));
    cookie(d, "64k-set-cookie", 2, 0, 0, 0, "SERVERID" + rep(" ", K64) + "=x");
    Router signed = signedRouter();
    String good = signed.backend("be").snapshot().clientCookieValue(1, NOW);
    cookie(d, "signed-valid", 0, 0, 0x80, 1, "a=1; SERVERID=" + good);
    cookie(d, "signed-tampered", 0, 0, 0x80, 1, "SERVERID=" + good.replace('|', ':') + "; SERVERID=" + good + "x");
    cookie(d, "signed-200-forgeries", 0, 0, 0x80, 1, rep("SERVERID=s2|" + (NOW + 60) + "|AAAAAAAAAAAAAAAAAAAAAA; ", 200));
  }

  private static Router signedRouter() {
    RoutingConfig c = ConfigLoader.parse("backend be\nbalance uri\ncookie SERVERID insert indirect nocache\n"
        + "server s1 10.0.0.1:80 cookie s1\nserver s2 10.0.0.2:80 cookie s2\n", "seed.cfg", false);
    BackendConfig be = c.backend("be").withSticky(StickyOptions.HAPROXY.withSigning(
        CookieSigning.of("0123456789abcdef0123", Duration.ofHours(1))));
    return Router.create(RoutingConfig.builder().backend(be).build(),
        Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC));
  }

  // ---------------------------------------------------------------------------------------- signed

  private void signedSeed(Path d, String name, int mode, int server, int expOffset, int nowOffset, int mutation,
      int pos, int arg, String tail) {
    ByteBuffer b = ByteBuffer.allocate(12);
    b.put((byte) mode).put((byte) server).putInt(expOffset).putShort((short) nowOffset).put((byte) mutation)
        .putShort((short) pos).put((byte) arg);
    write(d, name, FuzzInput.frame(b.array(), tail));
  }

  private void signed() {
    Path d = dir("org.stickyroute.persist", "SignedCookieFuzzTest", "validation");
    int life = 3600;
    signedSeed(d, "genuine-current", 1, 0, life, -100, 0, 0, 0, "");
    signedSeed(d, "genuine-current-server2", 1, 1, 60, 100, 0, 0, 0, "");
    signedSeed(d, "previous-before-end", 3, 0, life, -1, 0, 0, 0, "");
    signedSeed(d, "previous-at-end", 3, 0, life, 0, 0, 0, 0, "");
    signedSeed(d, "previous-after-end", 3, 1, life, 1, 0, 0, 0, "");
    signedSeed(d, "other-secret", 5, 0, life, -5, 0, 0, 0, "");
    signedSeed(d, "expired-now", 1, 0, 0, 0, 0, 0, 0, "");
    signedSeed(d, "expired-past", 1, 1, -1, 0, 0, 0, 0, "");
    signedSeed(d, "future-at-tolerance", 1, 0, life + 86_400, 0, 0, 0, 0, "");
    signedSeed(d, "future-beyond-tolerance", 1, 0, life + 86_401, 0, 0, 0, 0, "");
    signedSeed(d, "future-max", 1, 0, Integer.MAX_VALUE, 0, 0, 0, 0, "");
    signedSeed(d, "leading-zeros", 9, 0, life, -3, 0, 0, 0, "");
    signedSeed(d, "flip-id", 1, 0, life, 0, 1, 2, 1, "");
    signedSeed(d, "flip-expiry", 1, 0, life, 0, 1, 8, 2, "");
    signedSeed(d, "flip-mac", 1, 1, life, 0, 1, 30, 0x20, "");
    signedSeed(d, "truncate-mac", 1, 0, life, 0, 2, 37, 0, "");
    signedSeed(d, "truncate-expiry", 1, 0, life, 0, 2, 10, 0, "");
    signedSeed(d, "insert-pipe", 1, 0, life, 0, 3, 5, 0, "|");
    signedSeed(d, "replace-with-digit", 1, 0, life, 0, 4, 6, 0, "9");
    signedSeed(d, "append-junk", 1, 0, life, 0, 5, 0, 0, "A");
    signedSeed(d, "append-space", 1, 0, life, 0, 5, 0, 0, " \t");
    signedSeed(d, "prepend-quote", 1, 0, life, 0, 6, 0, 0, "\"");
    signedSeed(d, "second-cookie-valid", 1, 1, life, 0, 7, 0, 0, "junk");
    signedSeed(d, "second-cookie-after-valid", 1, 1, life, 0, 7, 0, 0, "app-a|1|AAAAAAAAAAAAAAAAAAAAAA");
    signedSeed(d, "raw-empty", 0, 0, 0, 0, 0, 0, 0, "");
    signedSeed(d, "raw-bars", 0, 0, 0, 0, 0, 0, 0, "|||");
    signedSeed(d, "raw-unsigned-id", 0, 0, 0, 0, 0, 0, 0, "app-a");
    signedSeed(d, "raw-13-digits", 0, 0, 0, 0, 0, 0, 0, "app-a|1790000000000|AAAAAAAAAAAAAAAAAAAAAA");
    signedSeed(d, "raw-unicode-digits", 0, 0, 0, 0, 0, 0, 0, "app-a|\u0661\u0667\u0669|AAAAAAAAAAAAAAAAAAAAAA");
    signedSeed(d, "raw-nul-cr-lf", 0, 0, 0, 0, 0, 0, 0, "app-a\u0000|\r\n|\u0000");
    signedSeed(d, "raw-64k-bars", 0, 0, 0, 0, 0, 0, 0, rep("|", K64));
    signedSeed(d, "raw-64k-digits", 0, 0, 0, 0, 0, 0, 0, "app-b|" + rep("9", K64) + "|AAAAAAAAAAAAAAAAAAAAAA");
    signedSeed(d, "raw-64k-id", 0, 0, 0, 0, 0, 0, 0, rep("a", K64) + "|1790000060|AAAAAAAAAAAAAAAAAAAAAA");
    signedSeed(d, "raw-64k-mac", 0, 0, 0, 0, 0, 0, 0, "app-a|1790000060|" + rep("A", K64));
    signedSeed(d, "raw-surrogates", 0, 0, 0, 0, 0, 0, 0, "app-\ud800|1790000060|\udfffAAAAAAAAAAAAAAAAAAAA");
  }

  // ---------------------------------------------------------------------------------------- config

  private void cfg(Path d, String name, String text) {
    write(d, name, text.getBytes(StandardCharsets.ISO_8859_1));
  }

  private void cfgUtf8(Path d, String name, String text) {
    write(d, name, text.getBytes(StandardCharsets.UTF_8));
  }

  private static final String BE = "backend be\n    balance uri depth 2\n    cookie SRV insert indirect nocache\n";

  private void config() throws IOException {
    Path d = dir("org.stickyroute.config", "ConfigFuzzTest", "load");
    Path project = root.toAbsolutePath().getParent().getParent().getParent().getParent();
    write(d, "examples-overleaf.cfg", Files.readAllBytes(project.resolve("examples/overleaf.cfg")));
    write(d, "test-resource-seed-overleaf.cfg", Files.readAllBytes(root.resolve("seed-overleaf.cfg")));
    cfg(d, "full-featured.cfg", """
        global
            log stdout format raw local0
        defaults
            mode http
            timeout connect 200ms
            timeout server 10s
            timeout client 10s
            option redispatch
            retries 3
            default-server inter 2s fastinter 500 downinter 10s rise 2 fall 3
        frontend fe
            bind 127.0.0.1:8080
            acl is_project path_beg -i /project /p/
            acl is_static path_beg /static
            use_backend be_map if is_project !is_static
            use_backend be_cons if is_static or is_project
            use_backend be_lc unless is_project
            default_backend be_ck
        backend be_map
            balance uri depth 2 len 64 whole path-only
            hash-type map-based djb2 avalanche
            server s1 10.0.0.1:80 weight 10 id 3
            server s2 10.0.0.2:80 weight 20
            server b1 10.0.0.9:80 backup
        backend be_cons
            balance uri
            hash-type consistent
            hash-balance-factor 125
            option allbackups
            server s1 10.0.0.1:80 id 10 maxconn 5 slowstart 30s
            server s2 [::1]:80 weight 0
        backend be_lc
            balance leastconn
            option httpchk GET /status
            timeout check 2s
            server s1 10.0.0.1:80 check maxconn 100
            server s2 10.0.0.2:80 check disabled
        backend be_ck
            balance random(3)
            cookie SERVERID insert indirect nocache httponly secure domain .example.com attr SameSite=Lax maxidle 30m maxlife 8h
            dynamic-cookie-key MySecretKey
            server a1 10.0.0.11:8080 cookie a1 check
            server a2 10.0.0.12:8080 check
        listen ls 127.0.0.1:9000
            balance static-rr
            option persist
            server l1 10.0.0.21:80 cookie l1
        """);
    String[][] nasty = {
      {"huge-weight", BE + "    server s1 10.0.0.1:80 weight 99999999999\n"},
      {"weight-257", BE + "    server s1 10.0.0.1:80 weight 257\n"},
      {"huge-id", BE + "    server s1 10.0.0.1:80 id 4294967296\n"},
      {"id-int-max", BE + "    server s1 10.0.0.1:80 id 2147483647\n    server s2 10.0.0.2:80\n"},
      {"huge-port", BE + "    server s1 10.0.0.1:99999\n"},
      {"port-zero", BE + "    server s1 10.0.0.1:0\n"},
      {"port-sign", BE + "    server s1 10.0.0.1:+80\n"},
      {"maxconn-overflow", BE + "    server s1 10.0.0.1:80 maxconn 2147483648\n"},
      {"maxconn-max", BE + "    server s1 10.0.0.1:80 maxconn 2147483647\n"},
      {"time-14-digits-days", BE + "    timeout connect 99999999999999d\n    server s1 10.0.0.1:80\n"},
      {"time-12-digits-days", BE + "    timeout connect 999999999999d\n    server s1 10.0.0.1:80\n"},
      {"time-overflow-int", BE + "    timeout server 2147483648\n    server s1 10.0.0.1:80\n"},
      {"maxidle-overflow", "backend be\n    cookie SRV insert maxidle 999999999999d maxlife 99999999h\n    server s1 10.0.0.1:80 cookie a\n"},
      {"maxlife-4294967296", "backend be\n    cookie SRV insert maxlife 4294967296\n    server s1 10.0.0.1:80 cookie a\n"},
      {"inter-overflow", BE + "    server s1 10.0.0.1:80 check inter 999999999999d\n"},
      {"slowstart-overflow", BE + "    server s1 10.0.0.1:80 slowstart 999999999999d\n"},
      {"time-units", BE + "    timeout connect 10us\n    timeout server 1ms\n    timeout check 0\n    server s1 10.0.0.1:80 inter 1h fastinter 1m downinter 1d\n"},
      {"time-bad-unit", BE + "    timeout connect 10x\n    server s1 10.0.0.1:80\n"},
      {"rise-fall-max", BE + "    server s1 10.0.0.1:80 check rise 2147483647 fall 2147483647\n"},
      {"rise-fall-zero", BE + "    server s1 10.0.0.1:80 check rise 0\n"},
      {"hash-balance-factor-max", "backend be\n    balance uri\n    hash-type consistent\n    hash-balance-factor 2147483647\n    server s1 10.0.0.1:80\n"},
      {"hash-balance-factor-100", "backend be\n    balance uri\n    hash-balance-factor 100\n    server s1 10.0.0.1:80\n"},
      {"retries-max", BE + "    retries 2147483647\n    server s1 10.0.0.1:80\n"},
      {"redispatch-min", BE + "    option redispatch -2147483648\n    server s1 10.0.0.1:80\n"},
      {"redispatch-minus-one-over", BE + "    option redispatch -2147483649\n    server s1 10.0.0.1:80\n"},
      {"random-zero", "backend be\n    balance random(0)\n    server s1 10.0.0.1:80\n"},
      {"random-empty", "backend be\n    balance random()\n    server s1 10.0.0.1:80\n"},
      {"random-huge", "backend be\n    balance random(99999999999)\n    server s1 10.0.0.1:80\n"},
      {"random-million", "backend be\n    balance random(1000000)\n    server s1 10.0.0.1:80\n    server s2 10.0.0.2:80\n"},
      {"random-unclosed", "backend be\n    balance random(2\n    server s1 10.0.0.1:80\n"},
      {"uri-len-zero", "backend be\n    balance uri len 0\n    server s1 10.0.0.1:80\n"},
      {"uri-depth-negative", "backend be\n    balance uri depth -1\n    server s1 10.0.0.1:80\n"},
      {"uri-len-overflow", "backend be\n    balance uri len 2147483648\n    server s1 10.0.0.1:80\n"},
      {"uri-missing-value", "backend be\n    balance uri depth\n"},
      {"uri-unknown-option", "backend be\n    balance uri deep 2\n"},
      {"hash-type-none", "backend be\n    hash-type consistent none\n"},
      {"hash-type-empty", "backend be\n    hash-type\n"},
      {"hash-type-extra", "backend be\n    hash-type consistent sdbm avalanche extra\n"},
      {"unterminated-double-quote", "backend \"be\n"},
      {"unterminated-single-quote", "backend 'be\n"},
      {"backslash-at-end", "backend be\\"},
      {"bad-hex-escape", "backend b\\x4\n"},
      {"hex-escape-nul", "backend b\\x00e\n"},
      {"escapes", "backend b\\ e\n    server s\\x31 10.0.0.1:80 cookie \"a\"'b'c\\#d # comment\n"},
      {"crlf", BE.replace("\n", "\r\n") + "    server s1 10.0.0.1:80\r\n"},
      {"cr-only", BE.replace("\n", "\r") + "    server s1 10.0.0.1:80\r"},
      {"nul-bytes", "backend b\u0000e\n    ser\u0000ver s1 10.0.0.1:80\n"},
      {"tabs", "backend\tbe\n\tbalance\turi\tdepth\t2\n\tserver\ts1\t10.0.0.1:80\tweight\t2\n"},
      {"latin1-bytes", "backend caf\u00e9\n    server s\u00e9 10.0.0.1:80 cookie \u00e9\n"},
      {"high-bytes", "backend be\n    server s1 10.0.0.1:80 cookie \u00ff\u00fe\u0080\n    \u00ff\u00fe\n"},
      {"acl-redefined-unsupported", "frontend fe\n    acl a path_beg /x\n    use_backend be if a\n    acl a hdr(host) -i x\n    default_backend be\nbackend be\n    server s1 10.0.0.1:80\n"},
      {"acl-unsupported-then-used", "frontend fe\n    acl a hdr(host) x\n    use_backend be if a\nbackend be\n    server s1 10.0.0.1:80\n"},
      {"acl-no-pattern", "frontend fe\n    acl a path_beg\nbackend be\n"},
      {"acl-flags", "frontend fe\n    acl a path_beg -i -m beg -- -x /y\n    acl b path_beg -m\n    acl c path -m str /x\n    use_backend be if a\nbackend be\n"},
      {"use-backend-conditions", "frontend fe\n    acl a path_beg /a\n    acl b path_beg /b\n    use_backend be if !!a || b or !a\n    use_backend be unless a b\n    use_backend be if or a\n    default_backend be\nbackend be\n"},
      {"use-backend-empty-or", "frontend fe\n    acl a path_beg /a\n    use_backend be if a or\nbackend be\n"},
      {"use-backend-anonymous", "frontend fe\n    use_backend be if { path_beg /x }\nbackend be\n"},
      {"use-backend-dynamic", "frontend fe\n    use_backend %[req.hdr(x-be)] if { req.hdr(x-be) -m found }\n    default_backend be\nbackend be\n"},
      {"use-backend-missing", "frontend fe\n    use_backend nowhere\nbackend be\n"},
      {"default-backend-missing", "frontend fe\n    default_backend nowhere\n"},
      {"use-backend-bang-only", "frontend fe\n    use_backend be if !\nbackend be\n"},
      {"predefined-acl", "frontend fe\n    use_backend be if TRUE\n    default_backend be\nbackend be\n"},
      {"duplicate-server", BE + "    server s1 10.0.0.1:80\n    server s1 10.0.0.2:80\n"},
      {"duplicate-id", BE + "    server s1 10.0.0.1:80 id 2\n    server s2 10.0.0.2:80 id 2\n"},
      {"duplicate-sections", "backend be\nbackend be\nfrontend be\nfrontend be\nlisten be\n"},
      {"default-server-id", "backend be\n    default-server id 3 cookie x\n"},
      {"default-server-unknown", "backend be\n    default-server frobnicate\n"},
      {"server-keywords", BE + "    server s1 10.0.0.1:80 check-ssl ssl verify none sni str(x) agent-check agent-port 1 frob\n"},
      {"server-missing-args", BE + "    server s1\n    server\n    server s1 10.0.0.1:80 weight\n"},
      {"server-ipv6", BE + "    server s1 [::1]:80\n    server s2 [fe80::1%eth0]\n    server s3 [::1\n"},
      {"server-addresses", BE + "    server s1 ipv4@10.0.0.1:80\n    server s2 unix@/tmp/x\n    server s3 :80\n    server s4 10.0.0.1:\n    server s5 h:1:2\n    server s6 ::1:80\n"},
      {"server-outside-backend", "frontend fe\n    server s1 10.0.0.1:80\n"},
      {"cookie-empty-name", "backend be\n    cookie \"\" insert\n"},
      {"cookie-modes-clash", "backend be\n    cookie SRV insert rewrite\n"},
      {"cookie-rewrite-indirect", "backend be\n    cookie SRV rewrite indirect\n"},
      {"cookie-preserve-alone", "backend be\n    cookie SRV preserve\n"},
      {"cookie-missing-args", "backend be\n    cookie SRV domain\n    cookie SRV attr\n    cookie SRV maxidle\n    cookie\n"},
      {"cookie-injection-escape", "backend be\n    cookie SRV insert attr \"a\\r\\nSet-Cookie: evil=1\"\n"},
      {"cookie-value-separator", BE + "    server s1 10.0.0.1:80 cookie a;b\n"},
      {"cookie-value-pipe", BE + "    server s1 10.0.0.1:80 cookie a|b\n"},
      {"cookie-value-has-address", BE + "    server s1 10.0.0.1:80 cookie 10.0.0.1\n"},
      {"dynamic-no-key", "backend be\n    cookie SRV insert dynamic\n    server s1 10.0.0.1:80\n    server s2 host.example:80\n"},
      {"dynamic-key-empty", "backend be\n    cookie SRV insert dynamic\n    dynamic-cookie-key\n"},
      {"signed-not-in-cfg", "backend be\n    cookie SRV insert\n    # signed secret in comments changes nothing\n    server s1 10.0.0.1:80 cookie a\n"},
      {"stats", "listen st\n    bind :8404\n    stats enable\n    stats uri /stats\n    stats auth admin:secret\n    stats auth :x\n    stats auth user\n    stats\n    stats refresh 5s\n"},
      {"named-defaults", "defaults web from other\n    mode tcp\nfrontend fe\n    mode\n"},
      {"option-edge", "backend be\n    option\n    no option\n    no option redispatch\n    option httpchk\n    option httpchk /x\n    option httpchk GET /x HTTP/1.1 extra\n    option frobnicate\n"},
      {"httpchk-method-space", "backend be\n    option httpchk \"GE T\" /status\n    server s1 10.0.0.1:80 check\n"},
      {"httpchk-method-crlf", "backend be\n    option httpchk G\\r\\nET /status\n    server s1 10.0.0.1:80 check\n"},
      {"httpchk-method-connect", "backend be\n    option httpchk CONNECT /\n    server s1 10.0.0.1:80 check\n"},
      {"httpchk-method-empty", "backend be\n    option httpchk \"\" /\n"},
      {"httpchk-bad-target", "backend be\n    option httpchk GET /a|b{c}%zz\n    server s1 10.0.0.1:80 check\n"},
      {"httpchk-asterisk-and-version", "backend be\n    option httpchk OPTIONS * HTTP/1.1\n    server s1 10.0.0.1:80 check\n"},
      {"timeout-edge", "backend be\n    timeout\n    timeout connect\n    timeout frob 1s\n"},
      {"removed-directives", "frontend fe\n    reqadd X-Forwarded-Proto:\\ http\n    rspadd X:\\ y\n    bind :80\n"},
      {"other-sections", "userlist u\n    user x password y\npeers p\n    peer a 1.2.3.4:1\nresolvers r\ncache c\nprogram p\nhttp-errors e\nring r\nmailers m\n"},
      {"outside-section", "balance roundrobin\nserver s1 10.0.0.1:80\n"},
      {"global-keywords", "global\n    maxconn 100\n    nbthread 4\n"},
      {"mode-tcp", "backend be\n    mode tcp\n"},
      {"section-name-invalid", "backend b/e\n"},
      {"section-no-name", "backend\nfrontend\nlisten\n"},
      {"section-extra-words", "backend be extra words\n"},
      {"empty", ""},
      {"only-newlines", "\n\n\n"},
      {"only-comments", "# a\n   # b\n\t#c"},
      {"weights-gcd", "backend be\n    balance uri\n    server a 1.1.1.1:1 weight 256\n    server b 1.1.1.2:1 weight 255\n    server c 1.1.1.3:1 weight 1\n    server d 1.1.1.4:1 weight 0 backup\n"},
      {"all-weights-zero", "backend be\n    balance uri\n    server a 1.1.1.1:1 weight 0\n    server b 1.1.1.2:1 weight 0\n"},
      {"no-servers", "backend be\n    balance leastconn\nbackend be2\n    balance random\nbackend be3\n    balance uri\n    hash-type consistent\n"},
    };
    for (String[] n : nasty) {
      cfg(d, n[0] + ".cfg", n[1]);
    }
    cfgUtf8(d, "utf8-bom-and-names.cfg", "\ufeffbackend caf\u00e9\n    server \u4e2d 10.0.0.1:80 cookie \u00e9\n");
    // size: 64 KB on one line, 64 KB of server lines, thousands of ACL lines and conditions
    cfg(d, "64k-one-line.cfg", "backend " + rep("b", K64) + "\n");
    cfg(d, "64k-one-word-quoted.cfg", "backend be\n    cookie \"" + rep("x", K64) + "\" insert\n");
    StringBuilder servers = new StringBuilder("backend be\n    balance uri\n    cookie SRV insert\n");
    for (int i = 0; servers.length() < K64; i++) {
      servers.append("    server s").append(i).append(" 10.0.").append(i / 250).append('.').append(i % 250)
          .append(":80 cookie c").append(i).append(" weight ").append(1 + i % 256).append('\n');
    }
    cfg(d, "64k-servers.cfg", servers.toString());
    StringBuilder acls = new StringBuilder("frontend fe\n    default_backend be\n");
    for (int i = 0; acls.length() < K64; i++) {
      acls.append("    acl a path_beg /").append(i).append('\n');
    }
    cfg(d, "64k-acl-lines.cfg", acls + "    use_backend be if a\nbackend be\n    server s 1.1.1.1:1\n");
    StringBuilder or = new StringBuilder("frontend fe\n    acl a path_beg /a\n    use_backend be if a");
    while (or.length() < K64) {
      or.append(" or !a a");
    }
    cfg(d, "64k-or-terms.cfg", or + "\nbackend be\n");
    cfg(d, "64k-escapes.cfg", "backend be\n    cookie " + upTo("\\x41", K64) + "\n");
    cfg(d, "64k-newlines.cfg", rep("\n", K64));
    cfg(d, "64k-quotes.cfg", "backend be " + rep("\"\"", K64 / 2) + "\n");
    cfg(d, "64k-backslashes.cfg", "backend " + rep("\\\\", K64 / 2) + "\n");
    List<String> sections = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      sections.add("backend b" + i + "\n    server s 1.1.1.1:1\n");
    }
    cfg(d, "2000-backends.cfg", String.join("", sections));
  }
}
