package org.stickyroute.bench;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.ComplianceViolation;
import org.eclipse.jetty.http.CookieCompliance;
import org.eclipse.jetty.http.CookieParser;
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
import org.openjdk.jmh.infra.Blackhole;
import org.stickyroute.Backend;
import org.stickyroute.BackendSnapshot;
import org.stickyroute.http.RequestView;
import org.stickyroute.Router;
import org.stickyroute.config.ConfigLoader;
import org.stickyroute.config.CookieSigning;
import org.stickyroute.config.RoutingConfig;
import org.stickyroute.config.StickyOptions;
import org.stickyroute.persist.CookieMatch;
import org.stickyroute.persist.CookiePersistence;
import org.stickyroute.persist.CookieTargets;

/**
 * Finding and validating SERVERID in a realistic 10-cookie header and producing the header to forward:
 * stickyroute's HAProxy-exact cookie analysis beside Jetty 12's RFC 6265 cookie parser on the same header.
 *
 * <ul>
 *   <li>{@code sr_unchanged} / {@code jetty_find}: find SERVERID and pick the server; the forwarded header is the
 *       original one ({@code cookie SERVERID insert}: nothing must change).
 *   <li>{@code sr_strip} / {@code sr_stripToString} / {@code jetty_findAndStrip}: also remove SERVERID from the
 *       forwarded header ({@code insert indirect}); stickyroute writes it into its reusable holder, the
 *       {@code toString} variant also materialises a String, Jetty rebuilds it from the parsed cookies.
 *   <li>{@code sr_signed}: the same with a signed cookie (one HMAC-SHA256 per request).
 * </ul>
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar CookieBench -f 1 -wi 2 -i 3 -w 1s -r 1s -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class CookieBench {
  static final String HEADER = "_ga=GA1.2.1234567890.1700000000; _gid=GA1.2.987654321.1700000000; lang=en-US; "
      + "theme=dark; csrftoken=abcdef0123456789abcdef0123456789; SERVERID=s2; tz=Europe%2FParis; "
      + "consent=yes; sidebar=collapsed; last_project=5f3c2a1b";
  static final long NOW = 1_790_000_000L;

  static final String SERVERS = "server s1 10.0.0.1:80 cookie s1\nserver s2 10.0.0.2:80 cookie s2\n"
      + "server s3 10.0.0.3:80 cookie s3\n";

  CookiePersistence insert;
  CookiePersistence indirect;
  CookiePersistence signed;
  CookieTargets snapshot;
  CookieTargets signedSnapshot;
  RequestView request;
  RequestView signedRequest;
  final CookieMatch match = new CookieMatch();

  CookieParser jetty;
  final JettyHandler handler = new JettyHandler();

  /** Collects what an application would: the SERVERID value and the header without it. */
  static final class JettyHandler implements CookieParser.Handler {
    String serverId;
    boolean rebuild;
    StringBuilder forwarded;

    @Override
    public void addCookie(String name, String value, int version, String domain, String path, String comment) {
      if (name.equals("SERVERID")) {
        if (serverId == null) {
          serverId = value;
        }
        return;
      }
      if (rebuild) {
        if (forwarded.length() > 0) {
          forwarded.append("; ");
        }
        forwarded.append(name).append('=').append(value);
      }
    }
  }

  /**
   * The persistence of a one-backend router (as the router compiles it) and, in {@code snap[0]}, its snapshot's
   * servers as persistence reads them.
   */
  static CookiePersistence persistence(String cookieLine, StickyOptions options, CookieTargets[] snap) {
    RoutingConfig c = ConfigLoader.parse("backend be\nbalance uri\n" + cookieLine + "\n" + SERVERS, "bench", false);
    RoutingConfig withOptions = RoutingConfig.builder().backend(c.backend("be").withSticky(options)).build();
    Router r = Router.create(withOptions);
    Backend b = r.backend("be");
    BackendSnapshot s = b.snapshot();
    snap[0] = i -> s.state(i).acceptsPersistent();
    return CookiePersistence.of(s.config());
  }

  @Setup
  public void setup() {
    CookieTargets[] s = new CookieTargets[1];
    insert = persistence("cookie SERVERID insert", StickyOptions.HAPROXY, s);
    snapshot = s[0];
    indirect = persistence("cookie SERVERID insert indirect nocache", StickyOptions.HAPROXY, s);
    signed = persistence("cookie SERVERID insert indirect nocache",
        StickyOptions.HAPROXY.withSigning(CookieSigning.of("0123456789abcdef-bench-secret", Duration.ofHours(8))), s);
    signedSnapshot = s[0];
    request = RequestView.of("GET", "/", HEADER);
    signedRequest = RequestView.of("GET", "/", HEADER.replace("SERVERID=s2", "SERVERID=" + signed.clientValue(1, NOW)));
    jetty = CookieParser.newParser(handler, CookieCompliance.RFC6265, ComplianceViolation.Listener.NOOP);
    // both sides must find the same thing, or the comparison means nothing
    insert.analyse(request, snapshot, NOW, match);
    int a = match.server();
    indirect.analyse(request, snapshot, NOW, match);
    String stripped = match.forwarded(0).toString();
    signed.analyse(signedRequest, signedSnapshot, NOW, match);
    int c = match.server();
    handler.rebuild = true;
    handler.forwarded = new StringBuilder();
    jetty.parseField(HEADER);
    if (a != 1 || c != 1 || !"s2".equals(handler.serverId) || !stripped.equals(handler.forwarded.toString())) {
      throw new IllegalStateException("benchmark set-up disagrees: " + a + " " + c + " " + handler.serverId + " ["
          + stripped + "] [" + handler.forwarded + "]");
    }
  }

  @Benchmark
  public int sr_unchanged(Blackhole bh) {
    insert.analyse(request, snapshot, NOW, match);
    bh.consume(match.forwarded(0));
    return match.server();
  }

  @Benchmark
  public int sr_strip(Blackhole bh) {
    indirect.analyse(request, snapshot, NOW, match);
    bh.consume(match.forwarded(0));
    return match.server();
  }

  @Benchmark
  public int sr_stripToString(Blackhole bh) {
    indirect.analyse(request, snapshot, NOW, match);
    bh.consume(match.forwarded(0).toString());
    return match.server();
  }

  @Benchmark
  public int sr_signed(Blackhole bh) {
    signed.analyse(signedRequest, signedSnapshot, NOW, match);
    bh.consume(match.forwarded(0));
    return match.server();
  }

  @Benchmark
  public String jetty_find(Blackhole bh) {
    handler.serverId = null;
    handler.rebuild = false;
    jetty.parseField(HEADER);
    bh.consume(HEADER);
    return handler.serverId;
  }

  @Benchmark
  public String jetty_findAndStrip(Blackhole bh) {
    handler.serverId = null;
    handler.rebuild = true;
    handler.forwarded = new StringBuilder(HEADER.length());
    jetty.parseField(HEADER);
    bh.consume(handler.forwarded.toString());
    return handler.serverId;
  }
}
