package org.stickyroute.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.stickyroute.Backend;
import org.stickyroute.BackendSnapshot;
import org.stickyroute.Frontend;
import org.stickyroute.Router;
import org.stickyroute.SnapshotAccess;
import org.stickyroute.balance.LoadView;
import org.stickyroute.config.ConfigLoader;
import org.stickyroute.config.RoutingConfig;
import org.stickyroute.hash.HashFunction;
import org.stickyroute.key.RandomTargets;
import org.stickyroute.testing.haproxy.AlgorithmConfig;
import org.stickyroute.testing.haproxy.EchoBackend;
import org.stickyroute.testsupport.HaproxyProcess;
import org.stickyroute.testsupport.RequiresHaproxy;
import org.stickyroute.testing.haproxy.RawHttpClient;

/**
 * Differential test of {@code balance uri} against a real HAProxy 2.6: one generated configuration with
 * backends covering every hash function with and without avalanche, both hash types, every key option, weights
 * 0..256, explicit ids, backups, {@code allbackups}, disabled servers and 1..40 servers, loaded by haproxy and
 * by our loader alike; thousands of varied request-targets; 100 % agreement required, and with the default seed
 * exactly the known number of compared targets (so a change that makes haproxy refuse, or the generator produce,
 * fewer targets cannot pass unnoticed).
 */
@RequiresHaproxy
class UriParityTest {
  private static final long DEFAULT_SEED = 0x5EED_2026L;
  private static final long SEED = Long.getLong("parity.seed", DEFAULT_SEED);
  private static final int BACKENDS = 64;
  private static final int REQUESTS = 6400;

  private static EchoBackend echo;
  private static HaproxyProcess haproxy;
  private static Router router;
  private static int hashPort;
  private static int aclPort;
  private static String config;

  @BeforeAll
  static void start() throws Exception {
    echo = EchoBackend.start();
    haproxy = HaproxyProcess.startOnFreePorts(2, ports -> {
      DESCRIPTIONS.clear();
      return generate(new SplittableRandom(SEED), ports.get(0), ports.get(1));
    });
    hashPort = haproxy.ports().get(0);
    aclPort = haproxy.ports().get(1);
    config = Files.readString(haproxy.configFile());
    router = Router.create(ConfigLoader.parse(config, "generated.cfg", false));
  }

  @AfterAll
  static void stop() {
    if (haproxy != null) {
      haproxy.close();
    }
    if (echo != null) {
      echo.close();
    }
  }

  /** Backend names and their generated option lines, so a failure says what was configured. */
  private static final List<String> DESCRIPTIONS = new ArrayList<>();

  static String generate(SplittableRandom r, int hashPort, int aclPort) {
    StringBuilder sb = new StringBuilder();
    sb.append("global\n  maxconn 4096\n\n")
        .append("defaults\n  mode http\n  timeout connect 1s\n  timeout client 10s\n  timeout server 10s\n\n")
        .append("frontend fe_hash\n  bind 127.0.0.1:").append(hashPort).append('\n')
        .append("  use_backend %[req.hdr(x-be)]\n")
        .append("  http-response set-header X-Server %s\n\n");
    sb.append("frontend fe_acl\n  bind 127.0.0.1:").append(aclPort).append('\n')
        .append("  acl is_project path_beg -i /project\n")
        .append("  acl is_api path_beg /api /v1/\n")
        .append("  acl is_x path_beg -i /x /%7E\n")
        .append("  use_backend be0 if is_project !is_api\n")
        .append("  use_backend be1 if is_api or is_x is_project\n")
        .append("  use_backend be2 unless is_x\n")
        .append("  default_backend be3\n")
        .append("  http-response set-header X-Backend %b\n\n");
    String[] fns = {"sdbm", "djb2", "wt6", "crc32"};
    for (int b = 0; b < BACKENDS; b++) {
      StringBuilder be = new StringBuilder();
      // The first 16 backends enumerate method x function x avalanche; the rest are random.
      boolean consistent = b < 16 ? (b & 1) == 1 : r.nextBoolean();
      String fn = b < 16 ? fns[(b >> 1) & 3] : fns[r.nextInt(4)];
      boolean aval = b < 16 ? (b & 8) != 0 : r.nextBoolean();
      int form = b < 16 ? 0 : r.nextInt(6);
      be.append("  balance uri");
      if (b % 7 != 3) {
        be.append(" depth ").append(r.nextInt(1, 5));
      }
      if (r.nextInt(4) == 0) {
        be.append(" len ").append(r.nextInt(1, 30));
      }
      if (r.nextInt(3) == 0) {
        be.append(" whole");
      }
      if (r.nextInt(3) == 0) {
        be.append(" path-only");
      }
      be.append('\n');
      if (form == 1 && consistent && !aval && fn.equals("sdbm")) {
        be.append("  hash-type consistent\n"); // the implicit-avalanche form
      } else if (form == 2 && !consistent && fn.equals("sdbm") && !aval) {
        // no hash-type line at all: HAProxy's default
      } else {
        be.append("  hash-type ").append(consistent ? "consistent" : "map-based").append(' ').append(fn)
            .append(aval ? " avalanche" : "").append('\n');
      }
      if (r.nextInt(4) == 0) {
        be.append("  option allbackups\n");
      }
      if (consistent && r.nextInt(5) == 0) {
        be.append("  hash-balance-factor ").append(r.nextInt(101, 300)).append('\n');
      }
      int servers = b % 9 == 0 ? 1 : r.nextInt(1, 41);
      be.append(AlgorithmConfig.servers(r, echo.address(), servers));
      sb.append("backend be").append(b).append('\n').append(be).append('\n');
      DESCRIPTIONS.add(be.toString());
    }
    return sb.toString();
  }

  private static String host(String target) {
    if (target.startsWith("http://")) {
      int end = target.indexOf('/', 7);
      int q = target.indexOf('?', 7);
      if (end < 0 || (q >= 0 && q < end)) {
        end = q;
      }
      return end < 0 ? target.substring(7) : target.substring(7, end);
    }
    return "127.0.0.1";
  }

  private static String target(SplittableRandom r) {
    String t = RandomTargets.ascii(r);
    if (r.nextInt(40) == 0) {
      // a raw Latin-1 byte in the target: HAProxy may accept or refuse it; both are compared.
      int at = r.nextInt(1, t.length() + 1);
      t = t.substring(0, at) + (char) r.nextInt(0xA0, 0x100) + t.substring(at);
    }
    return t;
  }

  @Test
  void balanceUriAgreesWithHaproxy() throws Exception {
    SplittableRandom r = new SplittableRandom(SEED + 1);
    int agreed = 0;
    int refused = 0;
    int compared = 0;
    int noServer = 0;
    int absolute = 0;
    Set<String> refusedAscii = new java.util.TreeSet<>();
    List<String> failures = new ArrayList<>();
    String[] odd = {"1abc/x/y", "abc/x/y", "http:/x/y", "HTTP://127.0.0.1/P/q", "h-t+t.p://127.0.0.1/x/y",
        "/a?b/c/d", "//x/y/z", "?x/y", "/x?", "/", "http://127.0.0.1", "http://127.0.0.1?a=/b/c",
        "http://u@127.0.0.1/a/b", "/%2F%2f/x", "/a;b=c/d", "/project/42#frag"};
    try (RawHttpClient client = new RawHttpClient(hashPort)) {
      for (int i = 0; i < REQUESTS + odd.length * BACKENDS; i++) {
        int b = i % BACKENDS;
        String target = i < REQUESTS ? target(r) : odd[(i - REQUESTS) / BACKENDS];
        RawHttpClient.Response resp =
            client.send("GET", target, RawHttpClient.headers("Host", host(target), "x-be", "be" + b));
        if (resp.status() == 400) {
          refused++;
          if (target.chars().allMatch(c -> c < 0x80)) {
            refusedAscii.add(target);
          }
          continue;
        }
        compared++;
        if (target.startsWith("http://")) {
          absolute++;
        }
        String theirs = resp.status() == 503 ? "-" : resp.header("X-Server");
        BackendSnapshot snap = router.backend("be" + b).snapshot();
        int s = snap.select(target);
        String ours = s < 0 ? "-" : snap.server(s).name();
        if (theirs != null && theirs.equals(ours)) {
          agreed++;
          if (ours.equals("-")) {
            noServer++;
          }
        } else if (failures.size() < 20) {
          failures.add("be" + b + " '" + target + "': haproxy " + theirs + " (" + resp.status() + ") ours " + ours
              + "\n" + DESCRIPTIONS.get(b));
        }
      }
    }
    System.out.printf("%s parity (balance uri): %d/%d request-targets agreed over %d backends"
        + " (%d with no usable server, %d absolute-form); %d targets refused by haproxy (400:"
        + " raw bytes >= 0xA0 and the odd targets listed below), not compared; seed %d%n",
        HaproxyProcess.version().replaceAll(" - https.*", ""), agreed, compared, BACKENDS, noServer, absolute, refused, SEED);
    System.out.println("ASCII request-targets haproxy refused with 400 (not compared): " + refusedAscii);
    assertTrue(failures.isEmpty(), String.join("\n", failures));
    assertEquals(compared, agreed);
    if (SEED == DEFAULT_SEED) { // the generated targets and haproxy 2.6's 400s are fixed for a fixed seed
      assertEquals(6833, compared, "compared request-targets");
      assertEquals(591, refused, "request-targets haproxy refused");
      assertEquals(213, noServer, "compared with no usable server");
      assertEquals(630, absolute, "compared in absolute form");
    }
    assertTrue(compared >= 5000, "at least 5,000 compared requests, got " + compared);
  }

  @Test
  void frontendAclsAgreeWithHaproxy() throws Exception {
    SplittableRandom r = new SplittableRandom(SEED + 2);
    Frontend fe = router.frontend("fe_acl");
    int agreed = 0;
    int compared = 0;
    List<String> failures = new ArrayList<>();
    String[] extra = {"/project", "/PROJECT/1", "/projects/7", "/project-x", "/Project", "/%70roject", "/api", "/API",
        "/v1", "/v1/", "/x/1", "/X", "/%7e", "/%7E/a", "*", "/", "http://127.0.0.1/project/1", "/apiary"};
    try (RawHttpClient client = new RawHttpClient(aclPort)) {
      for (int i = 0; i < 1500; i++) {
        String target = i < extra.length ? extra[i] : RandomTargets.ascii(r);
        String method = target.equals("*") ? "OPTIONS" : "GET";
        RawHttpClient.Response resp = client.send(method, target, RawHttpClient.headers("Host", host(target)));
        if (resp.status() == 400) {
          continue;
        }
        compared++;
        String theirs = resp.header("X-Backend");
        Backend b = router.backendFor(fe, target);
        String ours = b == null ? null : b.name();
        if (ours != null && ours.equals(theirs)) {
          agreed++;
        } else if (failures.size() < 20) {
          failures.add("'" + target + "': haproxy " + theirs + " ours " + ours);
        }
      }
    }
    System.out.printf("haproxy parity (acl path_beg + use_backend): %d/%d request-targets agreed%n", agreed, compared);
    assertTrue(failures.isEmpty(), String.join("\n", failures));
    assertEquals(compared, agreed);
    if (SEED == DEFAULT_SEED) {
      assertEquals(1500, compared, "compared request-targets");
    }
    assertTrue(compared >= 1000);
  }

  /**
   * hash-balance-factor with a request really in flight: a key whose server already serves one request goes
   * to the next ring node's server, in HAProxy and in ours (fed the same in-flight counts).
   */
  @Test
  void boundedLoadsAgreeWithHaproxyUnderLoad() throws Exception {
    java.util.function.Function<List<Integer>, String> cfgFor = ports -> "global\n  maxconn 100\n"
        + "  stats socket unix@admin.sock mode 600 level admin\ndefaults\n  mode http\n  timeout connect 1s\n"
        + "  timeout client 10s\n  timeout server 150s\nfrontend f\n  bind 127.0.0.1:" + ports.get(0) + "\n"
        + "  default_backend b\n  http-response set-header X-Server %s\n"
        + "backend b\n  balance uri depth 2\n  hash-type consistent\n  hash-balance-factor 125\n"
        + "  server s1 " + echo.address() + "\n  server s2 " + echo.address() + "\n  server s3 " + echo.address()
        + "\n";
    ExecutorService pool = Executors.newSingleThreadExecutor();
    int agreed = 0;
    int moved = 0;
    try (HaproxyProcess hp = HaproxyProcess.startOnFreePorts(1, cfgFor)) {
      int port = hp.ports().get(0);
      Router local = Router.create(ConfigLoader.parse(cfgFor.apply(hp.ports()), "hbf.cfg", false));
      BackendSnapshot snap = local.backend("b").snapshot();
      for (int k = 0; k < 8; k++) {
        awaitIdle(hp);
        String key = "/project/" + (1000 + k);
        String home;
        try (RawHttpClient c = new RawHttpClient(port)) {
          home = c.get(key + "/idle").header("X-Server");
        }
        int homeIdx = snap.indexOf(home);
        awaitIdle(hp);
        assertEquals(snap.select(key + "/idle"), homeIdx, key);
        String tag = "slow-" + k;
        Future<String> held = pool.submit(() -> {
          try (RawHttpClient c = new RawHttpClient(port)) {
            return c.get(key + "/slow", "X-Echo-Hold", tag).header("X-Server");
          }
        });
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (echo.held() == 0) { // the slow request is at its server, in flight in haproxy, until released
          assertTrue(System.nanoTime() < deadline, "the held request did not reach the server within 60 s");
          Thread.sleep(2);
        }
        String theirs;
        try (RawHttpClient c = new RawHttpClient(port)) {
          theirs = c.get(key + "/fast").header("X-Server");
        } finally {
          echo.release(tag);
        }
        assertEquals(home, held.get(), "the slow request itself went home");
        int[] served = new int[3];
        served[homeIdx] = 1;
        String ours = snap.server(SnapshotAccess.select(snap, key + "/fast", -1, LoadView.of(served)))
            .name();
        assertEquals(theirs, ours, key);
        agreed++;
        if (!theirs.equals(home)) {
          moved++;
        }
      }
    } finally {
      pool.shutdownNow();
    }
    System.out.printf("haproxy parity (hash-balance-factor 125, one request in flight): %d/8 agreed, %d moved%n",
        agreed, moved);
    assertTrue(moved > 0, "at factor 125 a busy home server must be skipped");
  }

  /** Waits until HAProxy reports no stream in flight on any server (a finished response may precede that). */
  private static void awaitIdle(HaproxyProcess hp) throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < deadline) {
      boolean idle = true;
      for (String line : hp.cli("show stat").split("\n")) {
        String[] f = line.split(",");
        if (f.length > 4 && f[1].startsWith("s") && !f[1].equals("svname") && !f[4].equals("0")) {
          idle = false;
        }
      }
      if (idle) {
        return;
      }
      Thread.sleep(5);
    }
    throw new AssertionError("haproxy still has streams in flight");
  }

  @Test
  void theGeneratedConfigurationCoversEveryFunction() {
    RoutingConfig c = router.config();
    Set<String> seen = new HashSet<>();
    for (var b : c.backends()) {
      seen.add(b.hashType().method() + "/" + b.hashType().function() + "/" + b.hashType().avalanche());
    }
    for (HashFunction fn : HashFunction.values()) {
      for (String m : new String[] {"MAP_BASED", "CONSISTENT"}) {
        assertTrue(seen.contains(m + "/" + fn + "/true") && seen.contains(m + "/" + fn + "/false"), m + " " + fn);
      }
    }
  }
}
