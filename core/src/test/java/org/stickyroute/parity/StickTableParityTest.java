package org.stickyroute.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.stickyroute.AdminState;
import org.stickyroute.Backend;
import org.stickyroute.Decision;
import org.stickyroute.Router;
import org.stickyroute.config.ConfigLoader;
import org.stickyroute.http.BasicRequest;
import org.stickyroute.http.ResponseView;
import org.stickyroute.testing.haproxy.EchoBackend;
import org.stickyroute.testsupport.HaproxyProcess;
import org.stickyroute.testing.haproxy.RawHttpClient;
import org.stickyroute.testsupport.RequiresHaproxy;

/**
 * Differential test of stick tables against a real HAProxy 2.6: generated sequences of requests, each on its own
 * backend with its own table ({@code ip}, {@code ipv6}, {@code integer}, {@code string} with and without {@code
 * len}; {@code stick on}, {@code match} + {@code store-request}, {@code store-response} learning from the
 * server's {@code Set-Cookie} or a header), small sizes that fill (with and without {@code nopurge}), {@code
 * expire} of one second with pauses that expire or refresh entries, servers put in maintenance and back mid-
 * sequence, {@code option persist}. Sequences run in parallel (each alone on its backend); ours run on the
 * same configuration through the loader and {@link Router}, with the clock read at the moment each request was
 * sent and each response received. No request is sent within 150 ms of an instant at which an entry could
 * expire, so the two clocks never disagree about expiry; the server answers 3 ms late and requests are 3 ms
 * apart, so no two instants fall in the same millisecond on either side (HAProxy sorts its timer tree by
 * millisecond, equal keys in insertion order, and that order decides which entry a full table drops).
 * 100 % agreement required.
 */
@RequiresHaproxy
class StickTableParityTest {
  private static final long SEED = Long.getLong("parity.seed", 0x14_57_1C_2026L);
  private static final int SEQUENCES = Integer.getInteger("parity.sequences", 1200);
  private static final long MARGIN = 150;
  private static final long BASE = System.nanoTime();
  /** The clock of the thread running a sequence: the instant it set last. */
  private static final ThreadLocal<long[]> NOW = ThreadLocal.withInitial(() -> new long[1]);

  private static EchoBackend echo;
  private static HaproxyProcess haproxy;
  private static Router router;
  private static List<StickSequences.Sequence> sequences;

  @BeforeAll
  static void start() throws Exception {
    echo = EchoBackend.start();
    SplittableRandom r = new SplittableRandom(SEED);
    sequences = new ArrayList<>();
    for (int i = 0; i < SEQUENCES; i++) {
      sequences.add(StickSequences.generate(r, i, echo.address()));
    }
    haproxy = HaproxyProcess.startOnFreePorts(1, ports -> config(ports.get(0)));
    Clock clock = new Clock() {
      @Override
      public java.time.ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        return this;
      }

      @Override
      public long millis() {
        return 1_790_000_000_000L + NOW.get()[0];
      }

      @Override
      public Instant instant() {
        return Instant.ofEpochMilli(millis());
      }
    };
    router = Router.create(ConfigLoader.parse(Files.readString(haproxy.configFile()), "generated.cfg", false), clock);
  }

  private static String config(int port) {
    StringBuilder sb = new StringBuilder();
    sb.append("global\n  maxconn 4096\n  stats socket unix@admin.sock mode 600 level admin\n\n")
        .append("defaults\n  mode http\n  timeout connect 1s\n  timeout client 30s\n  timeout server 30s\n\n")
        .append("frontend fe\n  bind 127.0.0.1:").append(port).append('\n')
        .append("  http-request set-src hdr(x-src)\n")
        .append("  use_backend %[req.hdr(x-be)]\n")
        .append("  http-response set-header X-Server %s\n\n");
    for (StickSequences.Sequence s : sequences) {
      sb.append(s.section()).append('\n');
    }
    return sb.toString();
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

  private static long elapsed() {
    return (System.nanoTime() - BASE) / 1_000_000;
  }

  /** Waits until no entry could expire within {@link #MARGIN} ms of now (events: every instant seen so far). */
  private static long safeNow(List<Long> events, long expire) throws InterruptedException {
    while (true) {
      long now = elapsed();
      long wait = 0;
      if (expire > 0) {
        for (long t : events) {
          long boundary = t + expire;
          if (Math.abs(now - boundary) <= MARGIN) {
            wait = Math.max(wait, boundary + MARGIN + 1 - now);
          }
        }
      }
      if (wait == 0) {
        return now;
      }
      Thread.sleep(wait);
    }
  }

  /** Runs one sequence on both sides; returns the disagreements (described) and counts requests. */
  private static final AtomicInteger STUCK = new AtomicInteger();
  private static final AtomicInteger ADMIN = new AtomicInteger();

  private static List<String> run(StickSequences.Sequence seq, AtomicInteger requests) throws Exception {
    List<String> failures = new ArrayList<>();
    List<Long> events = new ArrayList<>();
    Backend backend = router.backend(seq.name());
    List<String> log = new ArrayList<>();
    try (RawHttpClient client = new RawHttpClient(haproxy.ports().get(0))) {
      for (StickSequences.Step step : seq.steps()) {
        log.add(step.describe());
        switch (step.kind()) {
          case "pause" -> Thread.sleep(step.pauseMillis());
          case "admin" -> {
            haproxy.cli("set server " + seq.name() + "/" + step.server() + " state " + step.target());
            backend.setAdmin(step.server(), step.target().equals("maint") ? AdminState.MAINT : AdminState.READY);
            ADMIN.incrementAndGet();
          }
          default -> {
            List<String[]> headers = new ArrayList<>(step.headers());
            headers.add(new String[] {"X-Be", seq.name()});
            headers.add(new String[] {"X-Src", step.src()});
            // every instant distinct on both sides (HAProxy's ms clock and ours): the server answers 3 ms late
            // and no request follows a response by less than 3 ms, so equal timer keys happen on neither side
            headers.add(new String[] {"X-Echo-Delay-Ms", "3"});
            List<String> respond = new ArrayList<>();
            if (step.setCookie() != null) {
              headers.add(new String[] {"X-Echo-Respond", "Set-Cookie: " + step.setCookie()});
              respond.add("Set-Cookie");
              respond.add(step.setCookie());
            }
            if (step.session() != null) {
              headers.add(new String[] {"X-Echo-Respond", "X-Session: " + step.session()});
              respond.add("X-Session");
              respond.add(step.session());
            }
            Thread.sleep(3);
            long sent = safeNow(events, seq.expire());
            RawHttpClient.Response resp = client.send("GET", step.target(), headers);
            long received = elapsed();
            events.add(sent);
            events.add(received);
            String theirs = resp.status() == 503 ? "-" : resp.header("X-Server");
            BasicRequest.Builder b = BasicRequest.builder("GET", step.target());
            for (String[] h : step.headers()) {
              b.header(h[0], h[1]);
            }
            BasicRequest view = b.client(step.src()).build();
            String ours;
            try (Decision d = new Decision()) {
              NOW.get()[0] = sent;
              router.route(backend, view, d);
              ours = d.ok() ? d.serverName() : "-";
              if (d.direct()) {
                STUCK.incrementAndGet();
              }
              NOW.get()[0] = received;
              if (d.ok()) {
                router.respond(d, ResponseView.of(200, respond.toArray(new CharSequence[0])));
              }
            }
            requests.incrementAndGet();
            log.set(log.size() - 1, log.get(log.size() - 1) + " -> haproxy " + theirs + ", ours " + ours);
            if (!ours.equals(theirs)) {
              failures.add(seq.name() + " (" + seq.family() + "): haproxy " + theirs + " ours " + ours + "\n"
                  + seq.section() + "  " + String.join("\n  ", log));
              return failures; // later steps would only repeat the divergence
            }
          }
        }
      }
    }
    return failures;
  }

  @Test
  void stickTablesAgreeWithHaproxy() throws Exception {
    AtomicInteger requests = new AtomicInteger();
    List<String> failures = Collections.synchronizedList(new ArrayList<>());
    int[] perFamily = new int[StickSequences.FAMILIES.length];
    ExecutorService pool = Executors.newFixedThreadPool(24);
    try {
      List<Future<List<String>>> results = new ArrayList<>();
      for (StickSequences.Sequence s : sequences) {
        results.add(pool.submit(() -> run(s, requests)));
      }
      for (int i = 0; i < results.size(); i++) {
        List<String> f = results.get(i).get();
        if (f.isEmpty()) {
          perFamily[i % perFamily.length]++;
        }
        failures.addAll(f);
      }
    } finally {
      pool.shutdownNow();
    }
    int agreed = sequences.size() - failures.size();
    StringBuilder counts = new StringBuilder();
    for (int f = 0; f < perFamily.length; f++) {
      counts.append(String.format(" %s %d;", StickSequences.FAMILIES[f], perFamily[f]));
    }
    System.out.printf("%s parity (stick tables): %d/%d request sequences agreed (%d requests, %d routed by a stick"
            + " match, %d server state changes);%s seed %d%n", HaproxyProcess.version().replaceAll(" - https.*", ""),
        agreed, sequences.size(), requests.get(), STUCK.get(), ADMIN.get(), counts, SEED);
    assertTrue(failures.isEmpty(), failures.size() + " sequences disagree:\n"
        + String.join("\n", failures.subList(0, Math.min(8, failures.size()))));
    assertEquals(sequences.size(), agreed);
    assertTrue(sequences.size() >= 1000 || SEQUENCES != 1200, "at least 1,000 sequences");
    assertTrue(STUCK.get() * 5 >= requests.get(), "at least a fifth of the requests routed by a stick match");
  }
}
