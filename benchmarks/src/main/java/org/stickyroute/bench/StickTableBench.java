package org.stickyroute.bench;

import java.util.SplittableRandom;
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
import org.openjdk.jmh.annotations.Warmup;
import org.stickyroute.Decision;
import org.stickyroute.Router;
import org.stickyroute.config.ConfigLoader;
import org.stickyroute.config.SourceLocation;
import org.stickyroute.config.StickTableConfig;
import org.stickyroute.http.BasicRequest;
import org.stickyroute.http.IpAddress;
import org.stickyroute.http.RequestView;
import org.stickyroute.stick.StickEntry;
import org.stickyroute.stick.StickTable;

/**
 * Stick tables on a 1,000,000-entry {@code ip} table: a match hit (lookup and expiry refresh, no lock, no
 * allocation), the store of a key already present (reserve + write, under the table's write lock), and the whole
 * decision of a backend with {@code stick match src} through {@link Router#route} (key from the request's
 * client address, match, lease, close).
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar StickTableBench -f 1 -wi 2 -i 3 -w 1s -r 1s -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgs = {"-Xmx2g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class StickTableBench {
  static final int ENTRIES = 1_000_000;
  static final long NOW = 1_790_000_000_000L;

  StickTable table;
  long[] keys;
  RequestView[] requests;
  Router router;
  final Decision decision = new Decision();
  int i;

  @Setup
  public void setup() {
    table = new StickTable(new StickTableConfig("t", StickTableConfig.KeyType.IP, 4, ENTRIES, 1_800_000, false,
        null, SourceLocation.BUILDER));
    SplittableRandom r = new SplittableRandom(14);
    keys = new long[1024];
    for (int k = 0; k < ENTRIES; k++) {
      long key = r.nextInt() & 0xFFFFFFFFL;
      if (table.reserve(NOW)) {
        table.commit(key, null, "s" + (k % 4 + 1), k % 4 + 1, NOW, NOW);
      }
      if (k % (ENTRIES / keys.length) == 0 && k / (ENTRIES / keys.length) < keys.length) {
        keys[k / (ENTRIES / keys.length)] = key;
      }
    }
    router = Router.create(ConfigLoader.parse("backend b\n  balance roundrobin\n"
        + "  stick-table type ip size 1m expire 30m\n  stick match src\n  stick store-response res.cook(x)\n"
        + "  server s1 10.0.0.1:80\n  server s2 10.0.0.2:80\n", "bench.cfg", false));
    requests = new RequestView[keys.length];
    for (int k = 0; k < keys.length; k++) {
      IpAddress a = new IpAddress();
      a.setV4((int) keys[k]);
      requests[k] = BasicRequest.builder("GET", "/").client(a).build();
      try (Decision d = new Decision()) { // learn the key: the response sets the cookie
        router.route(router.backend("b"), requests[k], d);
        router.respond(d, org.stickyroute.http.ResponseView.of(200, "Set-Cookie", "x=" + keys[k]));
      }
    }
  }

  @Benchmark
  public int matchHit() {
    long key = keys[i++ & (keys.length - 1)];
    StickEntry e = table.lookup(key, NOW + 1000);
    table.touch(e, NOW + 1000);
    return e.serverId();
  }

  @Benchmark
  public void storeExisting() {
    long key = keys[i++ & (keys.length - 1)];
    if (table.reserve(NOW + 1000)) {
      table.commit(key, null, "s1", 1, NOW + 1000, NOW + 1000);
    }
  }

  @Benchmark
  public int routeStickMatchSrc() {
    Decision d = decision;
    router.route(router.backend("b"), requests[i++ & (requests.length - 1)], d);
    int s = d.server();
    d.close();
    return s;
  }
}
