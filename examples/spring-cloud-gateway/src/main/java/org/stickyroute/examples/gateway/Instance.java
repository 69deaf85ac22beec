package org.stickyroute.examples.gateway;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * One embedded instance of the application behind the Gateway (Reactor Netty on 127.0.0.1, a free port): it
 * answers every request with {@code X-Served-By: <name>} and a short text saying what it received, and {@code GET
 * /status} with 200 (the configuration's health check).
 */
final class Instance implements AutoCloseable {
  private final String name;
  private final DisposableServer server;
  private final AtomicLong served = new AtomicLong();

  private Instance(String name) {
    this.name = name;
    this.server = HttpServer.create()
        .host("127.0.0.1")
        .port(0)
        .handle((request, response) -> {
          served.incrementAndGet();
          String cookie = request.requestHeaders().get("Cookie");
          String body = "served by " + name + "\nrequest: " + request.method().name() + " " + request.uri()
              + "\ncookie header received: " + (cookie == null ? "(none)" : cookie) + "\n";
          return response.header("X-Served-By", name)
              .header("Content-Type", "text/plain; charset=utf-8")
              .sendString(Mono.just(body), StandardCharsets.UTF_8)
              .then();
        })
        .bindNow();
  }

  /** Starts instance {@code name} on a free loopback port. */
  static Instance start(String name) {
    return new Instance(name);
  }

  String name() {
    return name;
  }

  int port() {
    return server.port();
  }

  long served() {
    return served.get();
  }

  @Override
  public void close() {
    server.disposeNow();
  }
}
