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

/** The route --cookie and cookie commands, through Main.run with real files. */
class MainCookieTest {
  static final String CFG = """
      frontend fe
          bind 127.0.0.1:8080
          acl is_project path_beg -i /project
          use_backend be_map if is_project
          default_backend be

      backend be
          balance uri
          cookie SERVERID insert indirect nocache
          server s1 10.0.0.1:80 cookie s1
          server s2 10.0.0.2:80 cookie s2
          server s3 10.0.0.3:80

      backend be_map
          balance uri depth 2
          server s1 10.0.0.1:80
          server s2 10.0.0.2:80

      backend be_dyn
          dynamic-cookie-key MySecretKey
          cookie SERVERID insert indirect nocache dynamic
          server d1 127.0.0.1:19001
          server d2 127.0.0.1:19002
      """;

  @TempDir Path dir;

  record Run(int status, String out, String err) {}

  Run run(String stdin, String... args) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int st = Main.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.ISO_8859_1)), out,
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(st, out.toString(StandardCharsets.ISO_8859_1), err.toString(StandardCharsets.UTF_8));
  }

  Path config() throws Exception {
    Path p = dir.resolve("haproxy.cfg");
    Files.writeString(p, CFG);
    return p;
  }

  @Test
  void routeWithCookiePrintsServerSetCookieAndForwardedHeader() throws Exception {
    String cfg = config().toString();
    Run sticky = run("/a\n/b\n", "route", "--config", cfg, "--backend", "be", "--cookie", "a=1; SERVERID=s2");
    assertEquals(0, sticky.status(), sticky.err());
    assertEquals("s2\t-\ta=1\ns2\t-\ta=1\n", sticky.out());
    Run alone = run("/a\n", "route", "--config", cfg, "--backend", "be", "--cookie", "SERVERID=s1");
    assertEquals("s1\t-\t-\n", alone.out(), "the lone persistence cookie is removed: '-'");
    Run bogus = run("/a\n", "route", "--config", cfg, "--backend", "be", "--cookie", "SERVERID=zz; b=2");
    String[] f = bogus.out().strip().split("\t");
    assertEquals(3, f.length, bogus.out());
    assertTrue(f[1].startsWith("SERVERID="), bogus.out());
    assertEquals("b=2", f[2]);
    Run viaFrontend = run("/project/1/x\n/app\n", "route", "--config", cfg, "--cookie", "SERVERID=s2");
    // sdbm("/project/1") = 0x96c1e68c, even: map slot 0 = s1; be_map has no cookie, so it is forwarded as is
    assertEquals("be_map s1\t-\tSERVERID=s2\nbe s2\t-\t-\n", viaFrontend.out());
    Run plain = run("/a\n", "route", "--config", cfg, "--backend", "be");
    assertEquals(1, plain.out().strip().split("\t").length, "without --cookie the output is unchanged");
  }

  @Test
  void cookieCommandPrintsConfiguredDynamicAndSignedValues() throws Exception {
    String cfg = config().toString();
    assertEquals(new Run(0, "s2\n", ""), stripWarnings(run("", "cookie", "--config", cfg, "--backend", "be", "s2")));
    assertEquals("b3ea75f44afa8174\n", run("", "cookie", "--config", cfg, "--backend", "be_dyn", "d1").out());
    Run none = run("", "cookie", "--config", cfg, "--backend", "be", "s3");
    assertEquals(Main.EXIT_NO_VALUE, none.status());
    assertTrue(none.err().contains("no cookie value"), none.err());
    assertEquals(Main.EXIT_USAGE, run("", "cookie", "--config", cfg, "--backend", "be", "nope").status());
    assertEquals(Main.EXIT_USAGE, run("", "cookie", "--config", cfg, "--backend", "be").status());
    assertEquals(Main.EXIT_USAGE, run("", "cookie", "--config", cfg, "s1").status());
    assertEquals(Main.EXIT_CONFIG, run("", "cookie", "--config", dir.resolve("missing.cfg").toString(), "--backend",
        "be", "s1").status());
    Path props = dir.resolve("sticky.properties");
    Files.writeString(props, "backend.be.signed.secret = 0123456789abcdef-secret\nbackend.be.signed.lifetime = 1h\n");
    Run signed = run("", "cookie", "--config", cfg, "--backend", "be", "--sticky", props.toString(), "s1");
    assertEquals(0, signed.status(), signed.err());
    assertTrue(signed.out().strip().matches("s1\\|\\d{10}\\|[A-Za-z0-9_-]{22}"), signed.out());
    // the printed value routes to s1 with the same properties
    Run back = run("/x\n", "route", "--config", cfg, "--backend", "be", "--sticky", props.toString(), "--cookie",
        "SERVERID=" + signed.out().strip());
    assertTrue(back.out().startsWith("s1\t-\t-"), back.out());
    Files.writeString(props, "backend.be.sticky-failure = sometimes\n");
    assertEquals(Main.EXIT_CONFIG, run("", "cookie", "--config", cfg, "--backend", "be", "--sticky", props.toString(),
        "s1").status());
  }

  static Run stripWarnings(Run r) {
    return new Run(r.status(), r.out(), "");
  }
}
