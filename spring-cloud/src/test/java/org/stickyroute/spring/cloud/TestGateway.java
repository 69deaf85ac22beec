package org.stickyroute.spring.cloud;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.stickyroute.Backend;
import org.stickyroute.BackendSnapshot;

/**
 * A real Spring Cloud Gateway (Reactor Netty on 127.0.0.1, a port the OS chose) in front of {@link TestInstance}s
 * found through Spring Cloud's simple discovery, with one route {@code lb://SERVICE} for every path.
 */
final class TestGateway implements AutoCloseable {
  /** The application: auto-configuration only (the Gateway, the load balancer, stickyroute). */
  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class App {}

  final ConfigurableApplicationContext context;
  final int port;
  final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();

  private TestGateway(ConfigurableApplicationContext context) {
    this.context = context;
    this.port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
  }

  /** A Gateway routing service {@code service} over {@code instances} with the given extra properties. */
  static TestGateway start(String service, List<TestInstance> instances, Map<String, Object> properties) {
    return start(service, instances, properties, new Class<?>[0]);
  }

  /** The same, with more configuration classes (the test's own beans) beside {@link App}. */
  static TestGateway start(String service, List<TestInstance> instances, Map<String, Object> properties,
      Class<?>... more) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("server.address", "127.0.0.1");
    p.put("server.port", "0");
    p.put("spring.main.banner-mode", "off");
    p.put("logging.level.root", "WARN");
    // failures the tests cause on purpose (dropped connections, dead instances) are not news
    p.put("logging.level.reactor.netty", "OFF");
    p.put("logging.level.org.springframework.boot.webflux", "OFF");
    p.put("logging.level.org.springframework.web.HttpLogging", "OFF");
    p.put("spring.cloud.loadbalancer.cache.enabled", "false");
    p.put("spring.cloud.gateway.server.webflux.routes[0].id", service);
    p.put("spring.cloud.gateway.server.webflux.routes[0].uri", "lb://" + service);
    p.put("spring.cloud.gateway.server.webflux.routes[0].predicates[0]", "Path=/**");
    for (int k = 0; k < instances.size(); k++) {
      String at = "spring.cloud.discovery.client.simple.instances." + service + "[" + k + "].";
      p.put(at + "instance-id", instances.get(k).name);
      p.put(at + "uri", "http://127.0.0.1:" + instances.get(k).port());
    }
    p.putAll(properties);
    Class<?>[] sources = new Class<?>[more.length + 1];
    sources[0] = App.class;
    System.arraycopy(more, 0, sources, 1, more.length);
    return new TestGateway(new SpringApplicationBuilder(sources).properties(p).run());
  }

  StickyRouteRouting routing() {
    return context.getBean(StickyRouteRouting.class);
  }

  HttpResponse<String> get(String target, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + target))
        .timeout(Duration.ofSeconds(60));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** In-flight requests over every backend's servers, by the live counters. */
  int inFlight() {
    int n = 0;
    for (Backend b : routing().router().backends()) {
      BackendSnapshot s = b.snapshot();
      for (int i = 0; i < s.serverCount(); i++) {
        n += s.served(i);
      }
    }
    return n;
  }

  /** Waits (up to {@code seconds}) until no lease is held; returns the count left. */
  int awaitIdle(int seconds) throws InterruptedException {
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    int n;
    while ((n = inFlight()) != 0 && System.nanoTime() < end) {
      Thread.sleep(5);
    }
    return n;
  }

  @Override
  public void close() {
    context.close();
  }
}
