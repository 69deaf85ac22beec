package org.stickyroute.examples.gateway;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Spring Cloud Gateway routed by stickyroute with {@code examples/overleaf.cfg}: three embedded instances {@code
 * docker-0..2} (the configuration's servers, found through Spring Cloud's simple discovery), one route {@code
 * lb://overleaf} for every path, and the service routed by the configuration's frontend {@code incoming_http}
 * ({@code /project/*} to {@code sharelatex_project}, {@code balance uri depth 2}; everything else to {@code
 * sharelatex_generic}, {@code leastconn} with the {@code SERVERID} cookie). The same decisions, request for
 * request, as the Jetty demo and the {@code route} tool.
 *
 * <pre>
 * java -jar examples/spring-cloud-gateway/target/stickyroute-gateway-example.jar [--server.port=P]
 * </pre>
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class GatewayExample {
  static final List<String> NAMES = List.of("docker-0", "docker-1", "docker-2");

  /** Starts the instances and the Gateway; Ctrl-C stops everything. */
  public static void main(String[] args) {
    List<Instance> instances = new ArrayList<>();
    for (String n : NAMES) {
      instances.add(Instance.start(n));
    }
    ConfigurableApplicationContext context;
    try {
      context = start(instances, args);
    } catch (RuntimeException e) {
      instances.forEach(Instance::close);
      System.err.println("stickyroute gateway example: " + rootMessage(e));
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      context.close();
      instances.forEach(Instance::close);
    }, "stickyroute-example-stop"));
    String port = context.getEnvironment().getProperty("local.server.port");
    StringBuilder where = new StringBuilder();
    for (Instance i : instances) {
      where.append("  ").append(i.name()).append(" -> 127.0.0.1:").append(i.port());
    }
    System.out.println("stickyroute Spring Cloud Gateway example: HAProxy 2.6's routing decisions in Spring Cloud Gateway\n\n"
        + "  configuration  classpath:examples/overleaf.cfg, frontend incoming_http\n"
        + "  instances     " + where + "\n"
        + "  routing        /project/* -> sharelatex_project (balance uri depth 2)\n"
        + "                 everything else -> sharelatex_generic (leastconn, cookie SERVERID insert indirect nocache)\n"
        + "  gateway        http://127.0.0.1:" + port + "/\n\nCtrl-C stops everything.");
  }

  /** The Gateway over {@code instances}, with {@code args} ({@code --server.port=P}) on top of the defaults. */
  static ConfigurableApplicationContext start(List<Instance> instances, String... args) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("server.address", "127.0.0.1");
    p.put("server.port", "8080");
    p.put("spring.main.banner-mode", "off");
    p.put("logging.level.root", "WARN");
    p.put("spring.cloud.loadbalancer.cache.enabled", "false");
    p.put("stickyroute.cloud.config", "classpath:examples/overleaf.cfg");
    p.put("stickyroute.cloud.services.overleaf.frontend", "incoming_http");
    p.put("spring.cloud.gateway.server.webflux.routes[0].id", "overleaf");
    p.put("spring.cloud.gateway.server.webflux.routes[0].uri", "lb://overleaf");
    p.put("spring.cloud.gateway.server.webflux.routes[0].predicates[0]", "Path=/**");
    for (int k = 0; k < instances.size(); k++) {
      Instance i = instances.get(k);
      String at = "spring.cloud.discovery.client.simple.instances.overleaf[" + k + "].";
      p.put(at + "instance-id", i.name());
      p.put(at + "uri", "http://127.0.0.1:" + i.port());
    }
    return new SpringApplicationBuilder(GatewayExample.class).properties(p).run(args);
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }
}
