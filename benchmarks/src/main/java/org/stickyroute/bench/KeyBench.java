package org.stickyroute.bench;

import java.util.Locale;
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
import org.stickyroute.config.SampleExpression;
import org.stickyroute.hash.internal.Avalanche;
import org.stickyroute.hash.HashFunction;
import org.stickyroute.hash.HashType;
import org.stickyroute.http.BasicRequest;
import org.stickyroute.http.IpAddress;
import org.stickyroute.http.RequestView;
import org.stickyroute.key.HeaderKey;
import org.stickyroute.key.KeyExtractor;
import org.stickyroute.key.SampleKey;
import org.stickyroute.key.SourceKey;
import org.stickyroute.key.UrlParamKey;

/**
 * The key paths of {@code balance source}, {@code hdr()}, {@code url_param} and {@code hash <expr>}: each
 * finds its key in a browser-like request (eight header fields) and hashes it, beside the bare hash of the
 * same key already extracted (the floor), in the same run. Each call takes the next of {@link
 * Targets#BENCH_COUNT} distinct requests. Hash types: map-based sdbm (HAProxy's default), except {@code
 * source}, which hashes no bytes and is measured with the avalanche of {@code hash-type consistent}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class KeyBench {
  private static final int N = Targets.BENCH_COUNT;

  private RequestView[] requests;
  private String[] tenants;
  private String[] domains;
  private String[] users;
  private String[] hosts;
  private String[] sessions;
  private int[] v4;
  private int[] v6Folded;
  private byte[][] v4Bytes;
  private int next;

  private final KeyExtractor hdr = new HeaderKey("X-Tenant", false, HashType.DEFAULT);
  private final KeyExtractor domain = new HeaderKey("Host", true, HashType.DEFAULT);
  private final KeyExtractor urlParam = new UrlParamKey("user", HashType.DEFAULT);
  private final KeyExtractor source = new SourceKey(HashType.consistent());
  private final KeyExtractor hostLower = new SampleKey(SampleExpression.parse("req.hdr(host),lower"), HashType.DEFAULT);
  private final KeyExtractor cookie = new SampleKey(SampleExpression.parse("req.cook(sid)"), HashType.DEFAULT);
  private final KeyExtractor src = new SampleKey(SampleExpression.parse("src"), HashType.DEFAULT);
  private RequestView[] v6Requests;

  @Setup
  public void setup() {
    SplittableRandom r = new SplittableRandom(Targets.BENCH_SEED);
    requests = new RequestView[N];
    v6Requests = new RequestView[N];
    tenants = new String[N];
    domains = new String[N];
    users = new String[N];
    hosts = new String[N];
    sessions = new String[N];
    v4 = new int[N];
    v6Folded = new int[N];
    v4Bytes = new byte[N][];
    for (int i = 0; i < N; i++) {
      tenants[i] = "tenant-" + r.nextInt(100_000);
      domains[i] = "shop" + r.nextInt(100_000);
      users[i] = "u" + Long.toHexString(r.nextLong()).substring(0, 10);
      hosts[i] = "www." + domains[i] + ".com";
      sessions[i] = Long.toHexString(r.nextLong()) + Long.toHexString(r.nextLong());
      v4[i] = r.nextInt();
      long hi = r.nextLong();
      long lo = r.nextLong();
      long x = hi ^ lo;
      v6Folded[i] = (int) (x >>> 32) ^ (int) x;
      IpAddress a = new IpAddress();
      a.setV4(v4[i]);
      v4Bytes[i] = new byte[4];
      a.write(v4Bytes[i], 0);
      IpAddress b = new IpAddress();
      b.setV6(hi, lo);
      requests[i] = request(hosts[i].toUpperCase(Locale.ROOT), tenants[i], users[i], sessions[i], a);
      v6Requests[i] = request(hosts[i], tenants[i], users[i], sessions[i], b);
    }
    for (int i = 0; i < N; i++) { // every key path must hash what its floor hashes
      check(hdr.hash(requests[i]) == (HashFunction.SDBM.hash(tenants[i]) & 0xFFFFFFFFL));
      check(domain.hash(requests[i]) == (HashFunction.SDBM.hash(domains[i].toUpperCase(Locale.ROOT)) & 0xFFFFFFFFL));
      check(urlParam.hash(requests[i]) == (HashFunction.SDBM.hash(users[i]) & 0xFFFFFFFFL));
      check(source.hash(requests[i]) == (Avalanche.fullHash(v4[i]) & 0xFFFFFFFFL));
      check(source.hash(v6Requests[i]) == (Avalanche.fullHash(v6Folded[i]) & 0xFFFFFFFFL));
      check(hostLower.hash(requests[i]) == (HashFunction.SDBM.hash(hosts[i]) & 0xFFFFFFFFL));
      check(cookie.hash(requests[i]) == (HashFunction.SDBM.hash(sessions[i]) & 0xFFFFFFFFL));
      check(src.hash(requests[i]) == (HashFunction.SDBM.hash(v4Bytes[i], 0, 4) & 0xFFFFFFFFL));
    }
  }

  private static void check(boolean ok) {
    if (!ok) {
      throw new IllegalStateException("a key path hashes something else than its floor");
    }
  }

  private static RequestView request(String host, String tenant, String user, String session, IpAddress client) {
    return BasicRequest.builder("GET", "/api/v2/orders?page=3&user=" + user + "&sort=desc")
        .header("Host", host)
        .header("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0")
        .header("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
        .header("Accept-Language", "en-GB,en;q=0.5")
        .header("Accept-Encoding", "gzip, deflate, br")
        .header("X-Tenant", tenant)
        .header("Cookie", "theme=dark; sid=" + session + "; lang=en")
        .header("Connection", "keep-alive")
        .client(client)
        .build();
  }

  private int index() {
    return next = (next + 1) & (N - 1);
  }

  /** Floor of {@code hdr(X-Tenant)}: sdbm over the 12-byte tenant. */
  @Benchmark
  public int bareTenant() {
    return HashFunction.SDBM.hash(tenants[index()]);
  }

  /** {@code balance hdr(X-Tenant)}: find the field, its first value, sdbm. */
  @Benchmark
  public long hdrTenant() {
    return hdr.hash(requests[index()]);
  }

  /** Floor of {@code hdr(Host) use_domain_only}: sdbm over the 9-byte domain label. */
  @Benchmark
  public int bareDomain() {
    return HashFunction.SDBM.hash(domains[index()]);
  }

  /** {@code balance hdr(Host) use_domain_only}. */
  @Benchmark
  public long hdrHostDomainOnly() {
    return domain.hash(requests[index()]);
  }

  /** Floor of {@code url_param user}: sdbm over the 11-byte value. */
  @Benchmark
  public int bareUser() {
    return HashFunction.SDBM.hash(users[index()]);
  }

  /** {@code balance url_param user} on {@code /api/v2/orders?page=3&user=...&sort=desc}. */
  @Benchmark
  public long urlParamUser() {
    return urlParam.hash(requests[index()]);
  }

  /** Floor of {@code balance source} (IPv4, avalanche): the full_hash of the address. */
  @Benchmark
  public int bareSourceV4() {
    return Avalanche.fullHash(v4[index()]);
  }

  /** {@code balance source}, IPv4 client, {@code hash-type consistent}. */
  @Benchmark
  public long sourceV4() {
    return source.hash(requests[index()]);
  }

  /** Floor of {@code balance source} (IPv6): the full_hash of the folded address. */
  @Benchmark
  public int bareSourceV6() {
    return Avalanche.fullHash(v6Folded[index()]);
  }

  /** {@code balance source}, IPv6 client. */
  @Benchmark
  public long sourceV6() {
    return source.hash(v6Requests[index()]);
  }

  /** Floor of {@code hash req.hdr(host),lower}: sdbm over the lower-case 17-byte host. */
  @Benchmark
  public int bareHostLower() {
    return HashFunction.SDBM.hash(hosts[index()]);
  }

  /** {@code balance hash req.hdr(host),lower} (the header is upper case). */
  @Benchmark
  public long hashHostLower() {
    return hostLower.hash(requests[index()]);
  }

  /** Floor of {@code hash req.cook(sid)}: sdbm over the 32-byte session id. */
  @Benchmark
  public int bareCookie() {
    return HashFunction.SDBM.hash(sessions[index()]);
  }

  /** {@code balance hash req.cook(sid)} in a three-cookie header. */
  @Benchmark
  public long hashCookie() {
    return cookie.hash(requests[index()]);
  }

  /** Floor of {@code hash src}: sdbm over the 4 address bytes. */
  @Benchmark
  public int bareSrc() {
    return HashFunction.SDBM.hash(v4Bytes[index()], 0, 4);
  }

  /** {@code balance hash src}, IPv4. */
  @Benchmark
  public long hashSrc() {
    return src.hash(requests[index()]);
  }
}
