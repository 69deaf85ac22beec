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
import org.stickyroute.BackendSnapshot;
import org.stickyroute.Router;
import org.stickyroute.config.ConfigLoader;
import org.stickyroute.http.BasicRequest;

/** {@code route} with the algorithms that read headers, the client address and parameters: the stdin fields. */
class MainAlgorithmsTest {
  static final String CONFIG = """
      frontend fe
          bind :8080
          acl is_api path_beg /api
          use_backend by_tenant if is_api
          default_backend by_source

      backend by_tenant
          balance hdr(X-Tenant)
          hash-type consistent
          cookie SERVERID insert indirect nocache
          server t1 10.0.0.1:80 cookie t1
          server t2 10.0.0.2:80 cookie t2
          server t3 10.0.0.3:80 cookie t3

      backend by_source
          balance source
          server s1 10.0.1.1:80
          server s2 10.0.1.2:80
          server s3 10.0.1.3:80
          server s4 10.0.1.4:80

      backend by_user
          balance hash req.cook(user),lower
          server u1 10.0.2.1:80
          server u2 10.0.2.2:80
          server u3 10.0.2.3:80
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

  /** What the library picks for the same request. */
  private static String expected(String backend, BasicRequest r) {
    BackendSnapshot snap = Router.create(ConfigLoader.parse(CONFIG, "t.cfg", false)).backend(backend).snapshot();
    return snap.server(snap.select(r)).name();
  }

  @Test
  void headersAndTheClientAddressReachTheAlgorithm() throws Exception {
    String out = run("/api/x\tX-Tenant: acme\n/api/x\tx-tenant: globex\n/api/y\tX-Tenant: acme, other\n",
        "--backend", "by_tenant");
    String[] lines = out.split("\n");
    assertEquals(expected("by_tenant", BasicRequest.builder("GET", "/").header("X-Tenant", "acme").build()), lines[0]);
    assertEquals(expected("by_tenant", BasicRequest.builder("GET", "/").header("X-Tenant", "globex").build()),
        lines[1]);
    assertEquals(lines[0], lines[2], "hdr() hashes the first value of the list");
    String v6 = run("/\tsrc=2001:db8::1\n/\tsrc=::ffff:192.0.2.1\n/\n", "--backend", "by_source");
    String[] s = v6.split("\n");
    assertEquals(expected("by_source", BasicRequest.builder("GET", "/").client("2001:db8::1").build()), s[0]);
    assertEquals(expected("by_source", BasicRequest.builder("GET", "/").client("::ffff:192.0.2.1").build()), s[1]);
    assertEquals(expected("by_source", BasicRequest.builder("GET", "/").client("127.0.0.1").build()), s[2],
        "the default client is 127.0.0.1");
    String u = run("/\tCookie: user=ALICE\n/\tCookie: user=alice\n", "--backend", "by_user");
    assertEquals(u.split("\n")[0], u.split("\n")[1], "lower() applies");
  }

  @Test
  void theSameFieldsWorkInFrontendModeAndWithCookie() throws Exception {
    String fe = run("/api/x\tX-Tenant: acme\n/other\tsrc=10.9.8.7\n");
    String[] lines = fe.split("\n");
    assertEquals("by_tenant " + expected("by_tenant", BasicRequest.builder("GET", "/").header("X-Tenant", "acme")
        .build()), lines[0]);
    assertEquals("by_source " + expected("by_source", BasicRequest.builder("GET", "/").client("10.9.8.7").build()),
        lines[1]);
    String withCookie = run("/api/x\tX-Tenant: acme\n", "--backend", "by_tenant", "--cookie", "lang=en");
    String server = expected("by_tenant", BasicRequest.builder("GET", "/").header("X-Tenant", "acme").build());
    assertTrue(withCookie.startsWith(server + "\tSERVERID=" + server + "; path=/\tlang=en"), withCookie);
  }
}
