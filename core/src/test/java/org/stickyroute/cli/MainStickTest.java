package org.stickyroute.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code route} with stick tables: one table state for the run, {@code >Name: value} response fields. */
class MainStickTest {
  static final String CONFIG = """
      frontend fe
          bind :8080
          default_backend app

      backend app
          balance roundrobin
          stick-table type string len 32 size 100 expire 30m
          stick store-response res.cook(JSESSIONID)
          stick match req.cook(JSESSIONID)
          server a1 10.0.0.1:80
          server a2 10.0.0.2:80
          server a3 10.0.0.3:80

      backend by_src
          balance roundrobin
          stick-table type ip size 10
          stick on src
          server b1 10.0.1.1:80
          server b2 10.0.1.2:80
      """;

  @TempDir Path dir;

  private String run(String stdin, String... args) throws Exception {
    Path cfg = dir.resolve("t.cfg");
    Files.writeString(cfg, CONFIG);
    String[] all = new String[args.length + 3];
    all[0] = "route";
    all[1] = "--config";
    all[2] = cfg.toString();
    System.arraycopy(args, 0, all, 3, args.length);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = Main.run(all, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.ISO_8859_1)), out,
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
    return out.toString(StandardCharsets.ISO_8859_1);
  }

  @Test
  void aSessionLearnedFromAResponseRoutesLaterLines() throws Exception {
    // round robin: a1, a2, a3...; the first line's server sets the session, later lines with it stick to a1
    String out = run("/login\t>Set-Cookie: JSESSIONID=abc; Path=/\n/x\n/y\tCookie: JSESSIONID=abc\n"
        + "/z\tCookie: JSESSIONID=abc\n/w\tCookie: JSESSIONID=other\n", "--backend", "app");
    assertEquals("a1\na2\na1\na1\na3\n", out);
  }

  @Test
  void frontendModeAndTheClientAddress() throws Exception {
    String out = run("/\tsrc=192.0.2.1\n/\tsrc=192.0.2.2\n/\tsrc=192.0.2.1\n/\tsrc=192.0.2.2\n", "--backend",
        "by_src");
    assertEquals("b1\nb2\nb1\nb2\n", out);
    String fe = run("/\t>Set-Cookie: JSESSIONID=s1\n/\tCookie: JSESSIONID=s1\n/\n");
    assertEquals("app a1\napp a1\napp a2\n", fe);
    assertNotEquals("", fe);
  }
}
