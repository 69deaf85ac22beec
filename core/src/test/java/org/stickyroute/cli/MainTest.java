package org.stickyroute.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
  private static final String EXAMPLE = "../examples/overleaf.cfg";

  private record Run(int status, String out, String err) {}

  private static Run run(String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = Main.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.ISO_8859_1)), out,
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(status, out.toString(StandardCharsets.ISO_8859_1), err.toString(StandardCharsets.UTF_8));
  }

  /** HAProxy's sdbm over the key's bytes (an unsigned 32-bit hash), written here independently of the library. */
  static long sdbm(String key) {
    int h = 0;
    for (byte b : key.getBytes(StandardCharsets.ISO_8859_1)) {
      h = (b & 0xff) + (h << 6) + (h << 16) - h;
    }
    return h & 0xffffffffL;
  }

  /** The example's map-based {@code balance uri depth 2} over three servers of weight 1: index = hash mod 3. */
  static String home(String key) {
    return "docker-" + sdbm(key) % 3;
  }

  @Test
  void routeThroughABackend() {
    Run r = run("/project/123/compile\n/project/123/output/x.pdf\n/project/42\n/PROJECT/42\n",
        "route", "--config", EXAMPLE, "--backend", "sharelatex_project");
    assertEquals(0, r.status(), r.err());
    // depth 2: the key is the path up to the third '/'; sdbm("/project/42") mod 3 = 1 -> the second server
    assertEquals("docker-1", home("/project/42"));
    assertEquals(home("/project/123") + "\n" + home("/project/123") + "\ndocker-1\n" + home("/PROJECT/42") + "\n",
        r.out());
  }

  @Test
  void routeThroughTheFrontendRules() {
    Run r = run("/project/42/x\n/login\n*\n", "route", "--config", EXAMPLE);
    assertEquals(0, r.status(), r.err());
    // path_beg -i /project -> the project backend; everything else -> leastconn over idle servers: the first
    assertEquals("sharelatex_project docker-1\nsharelatex_generic docker-0\nsharelatex_generic docker-0\n", r.out());
    assertTrue(r.err().contains("warning: ../examples/overleaf.cfg:"), "warnings go to stderr");
  }

  @Test
  void downServersAreNotChosenAndNothingUsablePrintsADash() {
    Run r = run("/project/42\n", "route", "--config", EXAMPLE, "--backend", "sharelatex_project", "--down",
        "docker-1");
    // map [docker-0, docker-2]; sdbm("/project/42") = 0x0046bd63 is odd -> docker-2.
    assertEquals("docker-2\n", r.out());
    Run none = run("/project/42\n", "route", "--config", EXAMPLE, "--backend", "sharelatex_project", "--down",
        "docker-0,docker-1,docker-2");
    assertEquals("-\n", none.out());
    Run qualified = run("/project/42\n", "route", "--config", EXAMPLE, "--down", "sharelatex_project/docker-1");
    assertEquals("sharelatex_project docker-2\n", qualified.out());
  }

  @Test
  void rawBytesAndCrlfLineEndings() {
    Run r = run("/project/\u00e9t\u00e9/x\r\n/project/42\r\n", "route", "--config", EXAMPLE, "--backend",
        "sharelatex_project");
    assertEquals(0, r.status());
    // the key's raw bytes are hashed (é is 0xE9), and the CR is not part of the target
    assertEquals(home("/project/\u00e9t\u00e9") + "\ndocker-1\n", r.out());
  }

  @Test
  void configurationErrorsExit2WithFileLineAndWord(@TempDir Path dir) throws Exception {
    Path bad = dir.resolve("bad.cfg");
    Files.writeString(bad, "backend b\n  server s 10.0.0.1:80 weight 999\n");
    Run r = run("", "route", "--config", bad.toString(), "--backend", "b");
    assertEquals(2, r.status());
    assertTrue(r.err().contains(bad + ":2: '999': "), r.err());
    Run missing = run("", "route", "--config", dir.resolve("nope.cfg").toString());
    assertEquals(2, missing.status());
    Run strict = run("", "check", "--config", EXAMPLE, "--strict");
    assertEquals(2, strict.status(), strict.err());
    assertEquals(0, run("", "check", "--config", EXAMPLE).status());
  }

  @Test
  void usageErrorsExit64() {
    assertEquals(64, run("", "route").status());
    assertEquals(64, run("", "route", "--config", EXAMPLE, "--backend", "nope").status());
    assertEquals(64, run("", "frobnicate").status());
    assertEquals(64, run("", "route", "--config", EXAMPLE, "--down", "ghost").status());
  }

  @Test
  void fieldsAfterATabDoNotChangeTheOutputFormat() {
    Run plain = run("/project/42\n", "route", "--config", EXAMPLE, "--backend", "sharelatex_project");
    Run fields = run("/project/42\tsrc=2001:db8::1\tX-Tenant: a\n", "route", "--config", EXAMPLE, "--backend",
        "sharelatex_project");
    assertEquals(0, fields.status(), fields.err());
    assertEquals(plain.out(), fields.out());
    Run frontend = run("/project/42/x\tUser-Agent: curl\n", "route", "--config", EXAMPLE);
    assertEquals("sharelatex_project docker-1\n", frontend.out());
    Run bad = run("/project/42\n/x\tsrc=nowhere\n", "route", "--config", EXAMPLE, "--backend", "sharelatex_project");
    assertEquals(64, bad.status());
    assertTrue(bad.err().contains("stdin line 2: 'src=nowhere'"), bad.err());
    assertEquals(plain.out(), bad.out(), "lines before the bad one were answered");
  }
}
