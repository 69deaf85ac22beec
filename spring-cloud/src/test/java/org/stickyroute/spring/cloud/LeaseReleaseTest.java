package org.stickyroute.spring.cloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.cloud.client.loadbalancer.reactive.ReactorLoadBalancerExchangeFilterFunction;
import org.springframework.web.reactive.function.client.WebClient;
import org.stickyroute.Backend;

/**
 * Every lease is released exactly once, whatever ends the request: a real Gateway under concurrent load with
 * {@code leastconn} over discovered instances, where clients give up on slow requests (the exchange is
 * cancelled), instances answer 500 or drop the connection, and one instance is dead (refused, retried,
 * redispatched); plus load-balanced {@code WebClient} calls, whose decisions Spring's lifecycle releases.
 * Afterwards every server's in-flight count is 0 and the leastconn queue agrees with the counters.
 */
class LeaseReleaseTest {
  @TempDir
  Path dir;

  @Test
  void leasesAreAllZeroAfterLoadWithCancellationsAndErrors() throws Exception {
    long seed = Long.getLong("stickyroute.seed", System.nanoTime());
    System.out.println("LeaseReleaseTest seed " + seed);
    SplittableRandom random = new SplittableRandom(seed);
    Path cfg = Files.writeString(dir.resolve("haproxy.cfg"), String.join("\n",
        "defaults",
        "    mode http",
        "    timeout connect 5s",
        "    retries 2",
        "backend svc",
        "    balance leastconn",
        "    option redispatch",
        ""));
    List<TestInstance> instances = new ArrayList<>();
    for (String n : List.of("a", "b", "c", "dead")) {
      instances.add(new TestInstance(n));
    }
    try (TestGateway gateway = TestGateway.start("svc", instances, Map.of(
        "stickyroute.cloud.config", "file:" + cfg,
        "spring.cloud.gateway.server.webflux.httpclient.response-timeout", "20s"))) {
      instances.get(3).close(); // discovery still lists it: connections are refused
      Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
      Semaphore window = new Semaphore(32);
      List<CompletableFuture<?>> all = new ArrayList<>();
      int requests = 400;
      for (int i = 0; i < requests; i++) {
        int kind = random.nextInt(20);
        String target;
        Duration timeout = Duration.ofSeconds(60);
        if (kind < 5) {
          target = "/slow?ms=3000";
          timeout = Duration.ofMillis(200 + random.nextInt(300)); // the client gives up: a cancelled exchange
        } else if (kind < 8) {
          target = "/fail";
        } else if (kind < 10) {
          target = "/abort";
        } else {
          target = "/ok/" + i;
        }
        window.acquire();
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port + target)).timeout(timeout).build();
        all.add(gateway.client.sendAsync(req, HttpResponse.BodyHandlers.discarding()).handle((r, e) -> {
          window.release();
          String key = r != null ? "status " + r.statusCode()
              : e.getCause() instanceof HttpTimeoutException || e instanceof HttpTimeoutException ? "client gave up" : "error";
          outcomes.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
          return null;
        }));
      }
      CompletableFuture.allOf(all.toArray(new CompletableFuture[0])).get(300, TimeUnit.SECONDS);

      // load-balanced WebClient calls: success and failure reach Spring's lifecycle, which releases them
      WebClient web = WebClient.builder().filter(gateway.context.getBean(ReactorLoadBalancerExchangeFilterFunction.class)).build();
      for (int i = 0; i < 30; i++) {
        String path = i % 3 == 0 ? "/fail" : "/ok/web" + i;
        Integer status = web.get().uri("http://svc" + path).exchangeToMono(r -> r.releaseBody().thenReturn(r.statusCode().value()))
            .onErrorReturn(-1).block(Duration.ofSeconds(60));
        outcomes.computeIfAbsent("webclient " + status, k -> new AtomicInteger()).incrementAndGet();
      }
      System.out.println("LeaseReleaseTest outcomes " + outcomes);
      assertTrue(outcomes.containsKey("client gave up"), "some exchanges were cancelled: " + outcomes);
      assertTrue(outcomes.containsKey("status 500"), "some instances failed: " + outcomes);

      assertEquals(0, gateway.awaitIdle(120), "leases still held after the load (seed " + seed + ")");
      Backend svc = gateway.routing().router().backend("svc");
      assertNull(svc.snapshot().inconsistency(), "leastconn queue vs counters (seed " + seed + ")");
      long total = 0;
      for (int s = 0; s < svc.snapshot().serverCount(); s++) {
        assertEquals(0, svc.snapshot().served(s), svc.snapshot().server(s).name());
        total += svc.snapshot().counters(s).totalSelections();
      }
      assertTrue(total >= requests, "every request took a lease: " + total);
    }
  }
}
