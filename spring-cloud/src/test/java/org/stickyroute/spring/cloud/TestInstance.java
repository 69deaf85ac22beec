package org.stickyroute.spring.cloud;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;

/**
 * A real instance behind the Gateway in tests: Reactor Netty on 127.0.0.1 and a port the OS chose. Every answer
 * carries {@code X-Served-By} and {@code X-Cookie-Received} (the {@code Cookie} header it got, {@code -} for
 * none). {@code /slow?ms=N} answers after N ms, {@code /fail} with 500, {@code /abort} closes the connection
 * without answering.
 */
final class TestInstance implements AutoCloseable {
  final String name;
  private final DisposableServer server;
  // its own event loop: a Gateway context that closes disposes Reactor Netty's global resources
  private final LoopResources loop;
  final AtomicLong served = new AtomicLong();

  TestInstance(String name) {
    this.name = name;
    this.loop = LoopResources.create("instance-" + name, 1, true);
    this.server = HttpServer.create().runOn(loop).host("127.0.0.1").port(0).handle((req, res) -> {
      served.incrementAndGet();
      String cookie = req.requestHeaders().get("Cookie");
      res.header("X-Served-By", name).header("X-Cookie-Received", cookie == null ? "-" : cookie);
      String uri = req.uri();
      if (uri.startsWith("/fail")) {
        return res.status(500).sendString(Mono.just("failed on " + name)).then();
      }
      if (uri.startsWith("/abort")) {
        return Mono.<Void>fromRunnable(() -> req.withConnection(c -> c.channel().close()));
      }
      Mono<Void> delay = Mono.empty();
      int q = uri.indexOf("ms=");
      if (uri.startsWith("/slow") && q > 0) {
        delay = Mono.delay(Duration.ofMillis(Long.parseLong(uri.substring(q + 3)))).then();
      }
      return delay.then(res.sendString(Mono.just("served by " + name + "\n"), StandardCharsets.UTF_8).then());
    }).bindNow();
  }

  int port() {
    return server.port();
  }

  ServiceInstance instance(String serviceId) {
    return new DefaultServiceInstance(name, serviceId, "127.0.0.1", port(), false);
  }

  /** Stops the instance: its port refuses connections from now on. */
  @Override
  public void close() {
    server.disposeNow(Duration.ofSeconds(30));
    loop.disposeLater().block(Duration.ofSeconds(30));
  }
}
