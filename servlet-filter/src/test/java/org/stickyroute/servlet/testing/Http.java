package org.stickyroute.servlet.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.stickyroute.Backend;
import org.stickyroute.BackendSnapshot;
import org.stickyroute.Router;

/** Real HTTP on loopback with {@code java.net.http}, and waits on live counters (polling with a deadline). */
public final class Http {
  /** One shared client: HTTP/1.1, no redirects followed, no cookie handler (tests send cookies by hand). */
  public static final HttpClient CLIENT = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .followRedirects(HttpClient.Redirect.NEVER)
      .connectTimeout(Duration.ofSeconds(5))
      .build();

  private Http() {}

  /** GET {@code http://127.0.0.1:port + target} with alternating header names and values. */
  public static HttpResponse<String> get(int port, String target, String... headers) {
    return send("GET", port, target, null, headers);
  }

  /** A request with any method and an optional body. */
  public static HttpResponse<String> send(String method, int port, String target, String body, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + target))
        .timeout(Duration.ofSeconds(20))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    try {
      return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The single value of a response header, or {@code null}; fails if it appears more than once. */
  public static String header(HttpResponse<?> r, String name) {
    List<String> all = r.headers().allValues(name);
    if (all.size() > 1) {
      fail(name + " appears " + all.size() + " times: " + all);
    }
    return all.isEmpty() ? null : all.get(0);
  }

  /**
   * Waits (up to 30 s) until no request is in flight on any server of {@code router}, then checks that it
   * stays so and that no counter went negative: a lease released twice shows as -1 (the counters are read
   * sign-extended).
   */
  public static void awaitIdle(Router router) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      int busy = 0;
      for (Backend b : router.backends()) {
        BackendSnapshot s = b.snapshot();
        for (int i = 0; i < s.serverCount(); i++) {
          int n = s.counters(i).served();
          assertTrue(n >= 0, b.name() + "/" + s.server(i).name() + " in flight " + n + ": a lease was released twice");
          busy += n;
        }
      }
      if (busy == 0) {
        break;
      }
      if (System.nanoTime() > deadline) {
        fail(busy + " request(s) still counted in flight: a lease was not released");
      }
      sleep(5);
    }
    sleep(50);
    for (Backend b : router.backends()) {
      BackendSnapshot s = b.snapshot();
      for (int i = 0; i < s.serverCount(); i++) {
        assertEquals(0, s.counters(i).served(), b.name() + "/" + s.server(i).name() + " in flight after idle");
      }
    }
  }

  /** Sleeps without throwing. */
  public static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
