package org.stickyroute.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.stickyroute.Decision;
import org.stickyroute.config.ConfigLoader;
import org.stickyroute.http.RequestView;
import org.stickyroute.spring.cloud.ServiceTarget;
import org.stickyroute.spring.cloud.StickyRouteRouting;

/**
 * The decision the Spring Cloud load balancer takes per request ({@code StickyRouteRouting.route}): the
 * membership check of the discovered instances against the backend's servers, the router's whole decision
 * (persistence cookie, then the algorithm, with its lease), the chosen instance's lookup, and the lease's
 * release — everything stickyroute adds to a load-balanced call beyond Spring's own objects. Over three
 * discovered instances (two equal {@code List}s in turn, as a supplier without a cache hands new lists of the
 * same instances), 1,024 Overleaf request-targets.
 *
 * <ul>
 *   <li>{@code uri}: {@code balance uri depth 2} (map-based);
 *   <li>{@code consistent}: the same with {@code hash-type consistent} and {@code hash-balance-factor 125};
 *   <li>{@code leastconn}: {@code balance leastconn} (take and release on the queue);
 *   <li>{@code cookie}: {@code leastconn} with {@code cookie SERVERID insert indirect nocache} and a valid
 *       {@code SERVERID} among other cookies (the cookie picks the server; the forwarded header is rewritten).
 * </ul>
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar SpringDecisionBench -f 1 -wi 3 -i 5 -w 1s -r 1s -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SpringDecisionBench {
  @Param({"uri", "consistent", "leastconn", "cookie"})
  public String algorithm;

  StickyRouteRouting routing;
  ServiceTarget target = ServiceTarget.backend("app");
  /** Two equal lists of the same instances, alternated: the membership check compares them element by element. */
  final List<List<ServiceInstance>> discovered = new ArrayList<>();
  RequestView[] requests;
  final Decision decision = new Decision();
  int next;

  @Setup(Level.Trial)
  public void setUp() {
    String balance = switch (algorithm) {
      case "uri" -> "    balance uri depth 2\n";
      case "consistent" -> "    balance uri depth 2\n    hash-type consistent\n    hash-balance-factor 125\n";
      case "leastconn" -> "    balance leastconn\n";
      default -> "    balance leastconn\n    cookie SERVERID insert indirect nocache\n";
    };
    String servers = "cookie".equals(algorithm)
        ? "    server docker-0 127.0.0.1:5000 cookie docker-0\n    server docker-1 127.0.0.1:5001 cookie docker-1\n"
            + "    server docker-2 127.0.0.1:5002 cookie docker-2\n"
        : "";
    routing = StickyRouteRouting.create(
        ConfigLoader.parse("backend app\n" + balance + servers, "bench.cfg", false), Map.of(), false);
    List<ServiceInstance> list = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      list.add(new DefaultServiceInstance("docker-" + i, "app", "127.0.0.1", 5000 + i, false));
    }
    discovered.add(List.copyOf(list));
    discovered.add(List.copyOf(list));
    String[] targets = Targets.targets(Targets.BENCH_SEED, Targets.BENCH_COUNT);
    requests = new RequestView[targets.length];
    for (int i = 0; i < targets.length; i++) {
      requests[i] = "cookie".equals(algorithm)
          ? RequestView.of("GET", targets[i], "_ga=GA1.2.1234567890.1700000000; lang=en; SERVERID=docker-" + (i % 3) + "; tz=UTC")
          : RequestView.of("GET", targets[i]);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    routing.close();
  }

  @Benchmark
  public ServiceInstance decide() {
    int n = next++;
    ServiceInstance chosen = routing.route(target, requests[n & 1023], discovered.get(n & 1), decision);
    decision.close();
    return chosen;
  }
}
