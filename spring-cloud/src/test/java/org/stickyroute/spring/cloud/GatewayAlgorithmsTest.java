package org.stickyroute.spring.cloud;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stickyroute.Router;
import org.stickyroute.config.ConfigLoader;
import org.stickyroute.http.BasicRequest;

/**
 * {@code balance hdr()}, {@code url_param}, {@code source} and {@code hash <expr>} through a real Gateway: each
 * request reaches the server the library's own router names for the same method, target, headers and client
 * address (the Gateway's view of the request carries them all; the client is 127.0.0.1).
 */
class GatewayAlgorithmsTest {
  @TempDir
  Path dir;

  static final String SERVERS = "    server s1 127.0.0.1:1 id 11\n    server s2 127.0.0.1:2 id 22\n    server s3 127.0.0.1:3 id 33\n";

  @Test
  void hdrUrlParamSourceAndHashRouteAsTheLibrary() throws Exception {
    String cfg = String.join("\n",
        "frontend web",
        "    acl h path_beg /hdr",
        "    acl p path_beg /param",
        "    acl s path_beg /source",
        "    use_backend byhdr if h",
        "    use_backend byparam if p",
        "    use_backend bysource if s",
        "    default_backend byhash",
        "backend byhdr",
        "    balance hdr(X-Tenant)",
        "    hash-type consistent",
        SERVERS + "backend byparam",
        "    balance url_param user",
        SERVERS + "backend bysource",
        "    balance source",
        SERVERS + "backend byhash",
        "    balance hash req.hdr(X-Tenant),lower",
        "    hash-type consistent",
        SERVERS);
    Path file = Files.writeString(dir.resolve("algorithms.cfg"), cfg);
    Router router = Router.create(ConfigLoader.parse(cfg, "algorithms.cfg", false));
    List<TestInstance> instances = new ArrayList<>();
    for (String n : List.of("s1", "s2", "s3")) {
      instances.add(new TestInstance(n));
    }
    long seed = Long.getLong("stickyroute.seed", System.nanoTime());
    System.out.println("GatewayAlgorithmsTest seed " + seed);
    SplittableRandom r = new SplittableRandom(seed);
    try (TestGateway gateway = TestGateway.start("app", instances, Map.of(
        "stickyroute.cloud.config", "file:" + file,
        "stickyroute.cloud.services.app.frontend", "web",
        "stickyroute.cloud.health-checks", "false"))) {
      int compared = 0;
      for (int i = 0; i < 300; i++) {
        String tenant = "Tenant-" + r.nextInt(1000);
        String target = switch (i % 4) {
          case 0 -> "/hdr/x" + i;
          case 1 -> "/param/p?user=u" + r.nextInt(5000) + (r.nextBoolean() ? "&x=1" : "");
          case 2 -> "/source/" + i;
          default -> "/other/" + i;
        };
        HttpResponse<String> resp = i % 5 == 4 ? gateway.get(target) : gateway.get(target, "X-Tenant", tenant);
        assertEquals(200, resp.statusCode(), target);
        BasicRequest.Builder b = BasicRequest.builder("GET", target).client("127.0.0.1");
        if (i % 5 != 4) {
          b.header("X-Tenant", tenant);
        }
        BasicRequest view = b.build();
        var backend = router.backendFor(router.frontend("web"), target);
        String expected = backend.snapshot().server(backend.snapshot().select(view)).name();
        // with no key (no header), HAProxy falls back to round robin: only keyed requests are deterministic
        if (i % 5 != 4 || i % 4 == 1 || i % 4 == 2) {
          assertEquals(expected, resp.headers().firstValue("X-Served-By").orElse("-"), "seed " + seed + ": " + target);
          compared++;
        }
      }
      System.out.println("GatewayAlgorithmsTest: " + compared + " requests by hdr(), url_param, source and hash, as the library routes them");
    } finally {
      instances.forEach(TestInstance::close);
    }
  }
}
