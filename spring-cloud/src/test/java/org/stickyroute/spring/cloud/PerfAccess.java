package org.stickyroute.spring.cloud;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Lets the probes in {@code perf} start the package's test Gateway. */
public final class PerfAccess {
  private PerfAccess() {}

  /**
   * Starts three instances and a Gateway routing them with {@code examples/overleaf.cfg} (frontend {@code
   * incoming_http}); adds what to close to {@code open}; returns the Gateway's port.
   */
  public static int startOverleafGateway(List<AutoCloseable> open, Class<?>... more) {
    List<TestInstance> instances = new ArrayList<>();
    for (String n : List.of("docker-0", "docker-1", "docker-2")) {
      TestInstance i = new TestInstance(n);
      instances.add(i);
      open.add(i);
    }
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("stickyroute.cloud.config", "file:" + GatewayRouteParityTest.CONFIG.toAbsolutePath());
    p.put("stickyroute.cloud.services.overleaf.frontend", "incoming_http");
    p.put("stickyroute.cloud.health-checks", "false");
    TestGateway g = TestGateway.start("overleaf", instances, p, more);
    open.add(g);
    return g.port;
  }

  /**
   * Starts three instances and a Gateway routing them with Spring Cloud LoadBalancer's default round robin
   * (stickyroute on the classpath but not configured); adds what to close to {@code open}; returns its port.
   */
  public static int startRoundRobinGateway(List<AutoCloseable> open) {
    List<TestInstance> instances = new ArrayList<>();
    for (String n : List.of("docker-0", "docker-1", "docker-2")) {
      TestInstance i = new TestInstance(n);
      instances.add(i);
      open.add(i);
    }
    TestGateway g = TestGateway.start("overleaf", instances, Map.of());
    open.add(g);
    return g.port;
  }
}
