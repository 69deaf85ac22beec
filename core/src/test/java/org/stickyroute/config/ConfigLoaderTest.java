package org.stickyroute.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.stickyroute.Router;
import org.stickyroute.hash.HashFunction;
import org.stickyroute.hash.HashType;

class ConfigLoaderTest {
  static final Path EXAMPLE = Path.of("../examples/overleaf.cfg");

  private static RoutingConfig parse(String text) {
    return ConfigLoader.parse(text, "t.cfg", false);
  }

  private static ConfigException error(String text) {
    return assertThrows(ConfigException.class, () -> ConfigLoader.parse(text, "t.cfg", false));
  }

  @Test
  void theSeedLoadsWithWarningsOnly() throws IOException {
    RoutingConfig c = ConfigLoader.loadResource(getClass().getClassLoader(), "seed-overleaf.cfg", false);
    assertEquals(List.of("incoming_http", "admin"), c.frontends().stream().map(FrontendConfig::name).toList());
    assertEquals(
        List.of("sharelatex_generic", "sharelatex_project", "admin"),
        c.backends().stream().map(BackendConfig::name).toList());
    BackendConfig project = c.backend("sharelatex_project");
    assertEquals(Balance.uri().depth(2), project.balance());
    assertEquals(HashType.DEFAULT, project.hashType());
    assertEquals(new HttpCheckConfig("GET", "/status", "HTTP/1.0"), project.httpCheck());
    assertEquals(10_000, project.servers().get(0).interMillis());
    assertTrue(project.servers().get(0).check());
    BackendConfig generic = c.backend("sharelatex_generic");
    assertEquals(Balance.leastConn(), generic.balance());
    assertEquals(CookieConfig.insertIndirectNocache("SERVERID"), generic.cookie());
    assertEquals(3, generic.retries());
    assertEquals(5000, generic.connectTimeoutMillis());
    // The seed's mistakes are reported: reqadd (fatal since HAProxy 2.1), the duplicate listen, and
    // servers that can never be sticky.
    String all = c.warnings().toString();
    assertTrue(all.contains("seed-overleaf.cfg:21: 'reqadd'"), all);
    assertTrue(all.contains("'admin': listen has the same name"), all);
    assertTrue(all.contains("[docker-0, docker-1] have no 'cookie' value"), all);
    FrontendConfig fe = c.frontend("incoming_http");
    assertEquals(List.of("*:80"), fe.binds());
    assertEquals("sharelatex_generic", fe.defaultBackend());
    assertEquals("/", c.frontend("admin").stats().uri());
    assertEquals(List.of(new StatsConfig.Credential("user", "pass")), c.frontend("admin").stats().credentials());
  }

  /** SHA-256 of {@code seed-overleaf.cfg}, the seed's configuration as committed beside the tests. */
  static final String SEED_COPY_SHA256 = "4467119f5cff2995604b03127eaa1fe0244863a0280d670fa8d993869cf3ff29";

  /**
   * The committed copy of Overleaf's configuration (the seed's) is there and unchanged: by its digest on every
   * checkout, and against the seed itself where the seed lies beside the checkout (the project's machines).
   */
  @Test
  void theSeedResourceIsTheSeedsConfiguration() throws Exception {
    java.io.InputStream in = getClass().getClassLoader().getResourceAsStream("seed-overleaf.cfg");
    assertNotNull(in, "core/src/test/resources/seed-overleaf.cfg, the committed copy of the seed's configuration, is missing");
    byte[] bytes;
    try (in) {
      bytes = in.readAllBytes();
    }
    String digest = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    assertEquals(SEED_COPY_SHA256, digest, "seed-overleaf.cfg must be the seed's configuration, verbatim");
    Path seed = Path.of("../../shared/seeds/000_c8ac9588080fce76.txt");
    if (Files.exists(seed)) {
      String text = Files.readString(seed, StandardCharsets.UTF_8).replace("\n\t", "\n");
      assertTrue(text.contains(new String(bytes, StandardCharsets.UTF_8).strip()),
          "the test resource must be the seed's configuration, verbatim");
    }
  }

  @Test
  void theSeedFailsInStrictMode() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.loadResource(getClass().getClassLoader(), "seed-overleaf.cfg", true));
    assertTrue(e.getMessage().startsWith("classpath:seed-overleaf.cfg:2: 'log': "), e.getMessage());
  }

  @Test
  void theExampleHasStickyServersAndRoutesLikeTheSeed() throws IOException {
    RoutingConfig c = ConfigLoader.load(EXAMPLE);
    assertFalse(c.warnings().toString().contains("can never be sticky"), c.warnings().toString());
    assertFalse(c.warnings().toString().contains("reqadd"));
    for (ServerConfig s : c.backend("sharelatex_generic").servers()) {
      assertEquals(s.name(), s.cookie());
    }
    Router r = Router.create(c);
    assertEquals("sharelatex_project", r.backendFor(r.frontends().get(0), "/PROJECT/1/index.html").name());
    assertEquals("sharelatex_project", r.backendFor(r.frontends().get(0), "/projects").name());
    assertEquals("sharelatex_generic", r.backendFor(r.frontends().get(0), "/%70roject/1").name());
    assertEquals("sharelatex_generic", r.backendFor(r.frontends().get(0), "/").name());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "backend b\\n server s 1.2.3.4:80 weight 300           | t.cfg:2: '300': ",
        "backend b\\n hash-type consistent none                | t.cfg:2: 'none': ",
        "backend b\\n hash-type ring                           | t.cfg:2: 'ring': ",
        "backend b\\n balance nonsense                         | t.cfg:2: 'nonsense': ",
        "backend b\\n balance uri depth 0                      | t.cfg:2: '0': ",
        "backend b\\n balance uri deep 2                       | t.cfg:2: 'deep': ",
        "backend b\\n server s 1.2.3.4:80 wieght 3             | t.cfg:2: 'wieght': unknown server keyword",
        "backend b\\n server s 1.2.3.4:80 inter 10x            | t.cfg:2: '10x': ",
        "backend b\\n server s 1.2.3.4:80 cookie a;b           | t.cfg:2: 'a;b': ",
        "backend b\\n cookie SERVERID insert domain a;b        | t.cfg:2: 'a;b': ",
        "backend b\\n cookie SERVERID rewrite indirect         | t.cfg:2: 'indirect': ",
        "backend b\\n cookie SERVERID insert fast              | t.cfg:2: 'fast': unknown cookie option",
        "backend b\\n server s 1.2.3.4:80\\n server s 1.2.3.5:80 | t.cfg:3: 's': ",
        "backend b\\n server s 1.2.3.4:80 id 4\\n server t 1.2.3.5:80 id 4 | t.cfg:3: '4': ",
        "backend b\\n server s 1.2.3.4:99999                   | t.cfg:2: '1.2.3.4:99999': ",
        "backend b\\n hash-balance-factor 50                   | t.cfg:2: '50': ",
        "frontend f\\n default_backend nowhere                 | t.cfg:2: 'nowhere': ",
        "frontend f\\n use_backend nowhere if x\\n acl x path_beg /  | t.cfg:2: 'x': no such ACL",
        "backend b\\nfrontend f\\n acl x path_beg /\\n use_backend nowhere if x | t.cfg:4: 'nowhere': ",
        "frontend f\\n acl x path_beg                          | t.cfg:2: 'x': ",
        "backend b\\n option httpchk GET \"/status             | t.cfg:2: 'option httpchk GET \"/status': unterminated",
      })
  void errorsNameFileLineAndWord(String text, String prefix) {
    ConfigException e = error(text.replace("\\n", "\n"));
    assertTrue(e.getMessage().startsWith(prefix), "'" + e.getMessage() + "' should start with '" + prefix + "'");
  }

  @Test
  void crlfInACookieValueIsRejected() {
    // The configuration escapes \r\n are decoded by the tokenizer, then refused: no header injection.
    ConfigException e = error("backend b\n server s 1.2.3.4:80 cookie a\\r\\nb");
    assertTrue(e.getMessage().startsWith("t.cfg:2: 'a\\r\\nb': server cookie value contains the control character 0x0D"),
        e.getMessage());
  }

  @Test
  void attributesWithSpacesAreRejected() {
    ConfigException e = error("backend b\n cookie SERVERID insert attr \"X=1 2\"");
    assertTrue(e.getMessage().startsWith("t.cfg:2: 'X=1 2': cookie attr contains a space"), e.getMessage());
  }

  @Test
  void timeUnits() {
    assertEquals(10_000, TimeUnits.parseMillis("10000"));
    assertEquals(10_000, TimeUnits.parseMillis("10s"));
    assertEquals(120_000, TimeUnits.parseMillis("2m"));
    assertEquals(500, TimeUnits.parseMillis("500ms"));
    assertEquals(1, TimeUnits.parseMillis("10us"));
    assertEquals(3_600_000, TimeUnits.parseMillis("1h"));
    assertEquals(86_400_000, TimeUnits.parseMillis("1d"));
    assertEquals(1800, TimeUnits.parseSeconds("30m"));
    assertEquals(30, TimeUnits.parseSeconds("30"));
    assertThrows(IllegalArgumentException.class, () -> TimeUnits.parseMillis("s"));
    assertThrows(IllegalArgumentException.class, () -> TimeUnits.parseMillis("10 s"));
    assertThrows(IllegalArgumentException.class, () -> TimeUnits.parseMillis("99999999999999"));
  }

  @Test
  void defaultsAreInheritedAndResetByANewDefaultsSection() {
    RoutingConfig c = parse(String.join("\n",
        "defaults",
        "  balance uri depth 2",
        "  hash-type consistent djb2",
        "  option redispatch",
        "  retries 5",
        "  default-server inter 3s rise 4 fall 5 weight 7 check",
        "backend a",
        "  server s1 10.0.0.1:80",
        "  server s2 10.0.0.2:80 weight 2 no-check",
        "defaults",
        "  mode http",
        "backend b",
        "  server s1 10.0.0.1:80"));
    BackendConfig a = c.backend("a");
    assertEquals(Balance.uri().depth(2), a.balance());
    assertEquals(HashType.consistent(HashFunction.DJB2), a.hashType());
    assertTrue(a.redispatch());
    assertEquals(5, a.retries());
    ServerConfig s1 = a.servers().get(0);
    assertEquals(3000, s1.interMillis());
    assertEquals(4, s1.rise());
    assertEquals(5, s1.fall());
    assertEquals(7, s1.weight());
    assertTrue(s1.check());
    assertEquals(2, a.servers().get(1).weight());
    assertFalse(a.servers().get(1).check());
    BackendConfig b = c.backend("b");
    assertEquals(Balance.roundRobin(), b.balance());
    assertEquals(HashType.DEFAULT, b.hashType());
    assertFalse(b.redispatch());
    assertEquals(3, b.retries());
    assertEquals(2000, b.servers().get(0).interMillis());
  }

  @Test
  void balanceAndServerOptions() {
    RoutingConfig c = parse(String.join("\n",
        "backend b",
        "  balance uri len 10 whole path-only depth 3",
        "  hash-type map-based wt6 avalanche",
        "  hash-balance-factor 150",
        "  option allbackups",
        "  option persist",
        "  no option persist",
        "  server s1 [::1]:8080 id 10 cookie c1 backup maxconn 20 slowstart 30s fastinter 1s downinter 5s",
        "  server s2 ipv6@::2:81 disabled",
        "  server s3 host.example:82 weight 0 ssl verify none",
        "backend r",
        "  balance random(3)",
        "backend s",
        "  balance source"));
    BackendConfig b = c.backend("b");
    assertEquals(Balance.uri(new Balance.Uri(10, 3, true, true)), b.balance());
    assertEquals(HashType.mapBased(HashFunction.WT6).withAvalanche(), b.hashType());
    assertEquals(150, b.hashBalanceFactor());
    assertTrue(b.allBackups());
    assertFalse(b.persist());
    ServerConfig s1 = b.servers().get(0);
    assertEquals("::1", s1.host());
    assertEquals(8080, s1.port());
    assertEquals("[::1]:8080", s1.address());
    assertEquals(10, s1.id());
    assertEquals("c1", s1.cookie());
    assertTrue(s1.backup());
    assertEquals(20, s1.maxconn());
    assertEquals(30_000, s1.slowstartMillis());
    assertEquals(1000, s1.fastInterMillis());
    assertEquals(5000, s1.downInterMillis());
    assertEquals("::2", b.servers().get(1).host());
    assertEquals(81, b.servers().get(1).port());
    assertTrue(b.servers().get(1).disabled());
    assertEquals(0, b.servers().get(2).weight());
    assertEquals(Balance.random(3), c.backend("r").balance());
    assertEquals(Balance.source(), c.backend("s").balance());
    String w = c.warnings().toString();
    assertTrue(w.contains("t.cfg:10: 'ssl'"), w);
    assertTrue(w.contains("t.cfg:10: 'verify'"), w);
    assertFalse(w.contains("t.cfg:14"), "balance source is supported: " + w);
  }

  @Test
  void conditionsAndListenSections() {
    RoutingConfig c = parse(String.join("\n",
        "frontend f",
        "  acl is_project path_beg -i /project",
        "  acl is_api path_beg /api /v1",
        "  acl is_api path_beg /v2",
        "  acl is_host hdr(host) -i example.com",
        "  use_backend host if is_host",
        "  use_backend api if is_api !is_project or is_project is_api",
        "  use_backend project unless !is_project",
        "  default_backend web",
        "listen web 127.0.0.1:8081",
        "  server w1 127.0.0.1:9001",
        "backend api",
        "  server a1 127.0.0.1:9002",
        "backend project",
        "  server p1 127.0.0.1:9003",
        "backend host",
        "  server h1 127.0.0.1:9004"));
    Router r = Router.create(c);
    org.stickyroute.Frontend f = r.frontend("f");
    assertEquals("api", r.backendFor(f, "/api/x").name());
    assertEquals("api", r.backendFor(f, "/v2").name());
    assertEquals("project", r.backendFor(f, "/Project/1").name());
    assertEquals("web", r.backendFor(f, "/other").name());
    assertEquals("web", r.backendFor(f, "*").name());
    assertEquals("project", r.backendFor(f, "http://h/project/1?x").name());
    assertEquals(2, c.frontend("f").rules().size(), "the rule on an unsupported ACL is skipped");
    assertTrue(c.warnings().toString().contains("t.cfg:5: 'hdr(host)'"));
    FrontendConfig web = c.frontend("web");
    assertEquals("web", web.defaultBackend());
    assertEquals(List.of("127.0.0.1:8081"), web.binds());
    assertEquals("web", r.backendFor(r.frontend("web"), "/").name());
  }

  @Test
  void tokenizerHandlesQuotesEscapesAndComments() {
    assertEquals(List.of("a", "b c", "d#e", "f"), Tokenizer.split("a \"b c\" d\\#e f # comment"));
    assertEquals(List.of("x y", "z"), Tokenizer.split("x\\ y 'z'"));
    assertEquals(List.of("\r\n"), Tokenizer.split("\\r\\n"));
    assertEquals(List.of(), Tokenizer.split("   # only a comment"));
  }

  @Test
  void unknownSectionsAndGlobalLinesAreWarnings() {
    RoutingConfig c = parse("global\n maxconn 10\nuserlist u\n user a password x\nbackend b\n server s 1.1.1.1:1\n");
    assertEquals(2, c.warnings().size(), c.warnings().toString());
    assertEquals(new SourceLocation("t.cfg", 2), c.warnings().get(0).location());
    assertEquals("maxconn", c.warnings().get(0).word());
    assertNull(c.frontend("b"));
  }

  @Test
  void theBuilderProducesTheLoadersModel() {
    RoutingConfig loaded = parse(String.join("\n",
        "frontend f",
        "  acl p path_beg -i /project",
        "  use_backend proj if p",
        "  default_backend web",
        "backend proj",
        "  balance uri depth 2",
        "  hash-type consistent",
        "  server s1 127.0.0.1:5000 check inter 10s",
        "  server s2 127.0.0.1:5001 weight 2",
        "backend web",
        "  balance leastconn",
        "  cookie SERVERID insert indirect nocache",
        "  server w1 127.0.0.1:5000 cookie w1"));
    RoutingConfig built = RoutingConfig.builder()
        .frontend(FrontendConfig.builder("f")
            .acl(AclConfig.pathBeg("p", true, "/project"))
            .rule(UseBackendRule.ifAcl("proj", "p"))
            .defaultBackend("web")
            .build())
        .backend(BackendConfig.builder("proj")
            .balance(Balance.uri().depth(2))
            .hashType(HashType.consistent())
            .server(ServerConfig.builder("s1", "127.0.0.1", 5000).check(true).inter(10_000).build())
            .server(ServerConfig.builder("s2", "127.0.0.1", 5001).weight(2).build())
            .build())
        .backend(BackendConfig.builder("web")
            .balance(Balance.leastConn())
            .cookie(CookieConfig.insertIndirectNocache("SERVERID"))
            .server(ServerConfig.builder("w1", "127.0.0.1", 5000).cookie("w1").build())
            .build())
        .build();
    assertEquals(withoutLocations(built), withoutLocations(loaded));
  }

  private static RoutingConfig withoutLocations(RoutingConfig c) {
    RoutingConfig.Builder b = RoutingConfig.builder();
    for (FrontendConfig f : c.frontends()) {
      FrontendConfig.Builder fb = FrontendConfig.builder(f.name()).defaultBackend(f.defaultBackend());
      for (AclConfig a : f.acls()) {
        fb.acl(new AclConfig(a.name(), a.prefixes(), SourceLocation.BUILDER));
      }
      for (UseBackendRule r : f.rules()) {
        fb.rule(new UseBackendRule(r.backend(), r.unless(), r.anyOf(), SourceLocation.BUILDER));
      }
      f.binds().forEach(fb::bind);
      b.frontend(fb.build());
    }
    for (BackendConfig be : c.backends()) {
      BackendConfig.Builder bb = be.toBuilder().location(SourceLocation.BUILDER);
      bb.servers(be.servers().stream().map(s -> s.toBuilder().location(SourceLocation.BUILDER).build()).toList());
      b.backend(bb.build());
    }
    return b.build();
  }
}
