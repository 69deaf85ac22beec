package org.stickyroute.spring.cloud.perf;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * One side of {@code spring-cloud/perf/gateway-overhead.sh} (not a test): either the three instances
 * ({@code --instances P0,P1,P2}: Reactor Netty servers answering a short body), or a Gateway on {@code --port P}
 * routing {@code lb://overleaf} to them with Spring's default round-robin load balancer ({@code --mode
 * roundrobin}) or with stickyroute and {@code examples/overleaf.cfg}'s frontend ({@code --mode stickyroute}).
 * Prints {@code ready} when it serves.
 */
public final class GatewayOverheadServer {
  private GatewayOverheadServer() {}

  /** Runs until killed. */
  public static void main(String[] args) throws Exception {
    Map<String, String> a = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      a.put(args[i], args[i + 1]);
    }
    if (a.containsKey("--instances")) {
      String[] ports = a.get("--instances").split(",");
      for (int i = 0; i < ports.length; i++) {
        String name = "docker-" + i;
        DisposableServer s = HttpServer.create().host("127.0.0.1").port(Integer.parseInt(ports[i]))
            .handle((req, res) -> res.header("X-Served-By", name)
                .sendString(Mono.just("served by " + name + "\n"), StandardCharsets.UTF_8).then())
            .bindNow();
        System.out.println("instance " + name + " on " + s.port());
      }
      System.out.println("ready");
      Thread.currentThread().join();
    }
    String[] ports = a.get("--backends").split(",");
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("server.address", "127.0.0.1");
    p.put("server.port", a.get("--port"));
    p.put("spring.main.banner-mode", "off");
    p.put("logging.level.root", "WARN");
    p.put("spring.cloud.loadbalancer.cache.enabled", "false");
    p.put("spring.cloud.gateway.server.webflux.routes[0].id", "overleaf");
    p.put("spring.cloud.gateway.server.webflux.routes[0].uri", "lb://overleaf");
    p.put("spring.cloud.gateway.server.webflux.routes[0].predicates[0]", "Path=/**");
    for (int i = 0; i < ports.length; i++) {
      p.put("spring.cloud.discovery.client.simple.instances.overleaf[" + i + "].instance-id", "docker-" + i);
      p.put("spring.cloud.discovery.client.simple.instances.overleaf[" + i + "].uri", "http://127.0.0.1:" + ports[i]);
    }
    if ("stickyroute".equals(a.get("--mode"))) {
      p.put("stickyroute.cloud.config", "file:" + a.get("--config"));
      p.put("stickyroute.cloud.services.overleaf.frontend", "incoming_http");
      p.put("stickyroute.cloud.health-checks", "false");
    }
    ConfigurableApplicationContext c = new SpringApplicationBuilder(App.class).properties(p).run();
    System.out.println("gateway (" + a.get("--mode") + ") on " + c.getEnvironment().getProperty("local.server.port"));
    System.out.println("ready");
  }

  /** Auto-configuration only. */
  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class App {}
}
