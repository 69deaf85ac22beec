package org.stickyroute.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.stickyroute.Decision;
import org.stickyroute.Frontend;
import org.stickyroute.Router;
import org.stickyroute.config.ConfigLoader;
import org.stickyroute.counters.TrafficCounters;
import org.stickyroute.http.RequestView;

/**
 * The traffic counters' cost on the request path: one request's updates on one counter set ({@code
 * TrafficCounters}: session, rate, totals, response class, bytes, the four swrate times), and a whole routed
 * exchange through {@link Router#route} with everything an adapter records, settled by {@link Decision#close()}.
 * {@code -prof gc} must show 0 B/op for both. {@link CountersOffBench} runs the same exchange with counters
 * off ({@code -Dstickyroute.counters=off}) for the difference. {@code contended*}: two threads on the same
 * counters (the machine has two cores).
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar 'Counters(Off)?Bench' -f 1 -wi 2 -i 3 -w 1s -r 1s -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class CountersBench {
  static final String CONFIG = "frontend fe\n  acl p path_beg /project\n  use_backend app if p\n"
      + "  default_backend app\nbackend app\n  balance roundrobin\n"
      + "  server s1 10.0.0.1:80\n  server s2 10.0.0.2:80\n  server s3 10.0.0.3:80\n";

  TrafficCounters counters;
  Router router;
  Frontend frontend;
  RequestView request;

  /** One decision per benchmark thread, reused as a worker would. */
  @State(Scope.Thread)
  public static class Worker {
    final Decision decision = new Decision();
    long now = 1_790_000_000_000L;
  }

  @Setup
  public void setup() {
    counters = new TrafficCounters();
    router = Router.create(ConfigLoader.parse(CONFIG, "bench.cfg", false));
    frontend = router.frontend("fe");
    request = RequestView.of("GET", "/project/5f3c/compile");
  }

  /** What one answered request adds to a server's counter set. */
  @Benchmark
  public long counterUpdates(Worker w) {
    TrafficCounters t = counters;
    long now = w.now += 3;
    t.session(now);
    t.increment(TrafficCounters.LBTOT);
    t.increment(TrafficCounters.HRSP + 2);
    t.increment(TrafficCounters.REQ_TOT);
    t.add(TrafficCounters.BIN, 512);
    t.add(TrafficCounters.BOUT, 4096);
    t.times(0, 1, 12, 15);
    return now;
  }

  /** A routed exchange with everything recorded, closed (settled). */
  @Benchmark
  public int routeRecordClose(Worker w) {
    Decision d = w.decision;
    router.route(frontend, request, d);
    int s = d.server();
    d.exchange().status(200).bytesIn(512).bytesOut(4096).times(0, 1, 12, 15);
    d.close();
    return s;
  }

  /** {@link #counterUpdates} from two threads on the same counters. */
  @Benchmark
  @Threads(2)
  public long contendedCounterUpdates(Worker w) {
    return counterUpdates(w);
  }

  /** {@link #routeRecordClose} from two threads on the same router. */
  @Benchmark
  @Threads(2)
  public int contendedRouteRecordClose(Worker w) {
    return routeRecordClose(w);
  }
}
