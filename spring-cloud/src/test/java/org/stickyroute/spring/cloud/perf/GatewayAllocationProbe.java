package org.stickyroute.spring.cloud.perf;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.gateway.config.GatewayLoadBalancerProperties;
import org.springframework.cloud.gateway.filter.ReactiveLoadBalancerClientFilter;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.stickyroute.spring.cloud.PerfAccess;

/**
 * Not run by {@code mvn verify} (not a {@code *Test}): run it with {@code -Dtest=GatewayAllocationProbe}. Bytes
 * allocated and CPU time per {@code /login} request (a valid {@code SERVERID} cookie) in one JVM holding two
 * Gateways, each over its own three instances, measured in alternating blocks of sequential requests: by
 * default ({@code -Dcompare=roundrobin}) stickyroute as shipped against Spring's default round robin; with
 * {@code -Dcompare=lifecycle} two stickyroute Gateways, one as shipped (the Gateway's load-balancer filter
 * without {@code StickyRouteLifecycle}), one with the Gateway's filter over the real factory (as before).
 * {@code -Dpath=/project/123/compile} measures the {@code uri} path instead (no cookie). Allocation does not
 * depend on the machine's load as throughput does.
 */
class GatewayAllocationProbe {
  /** The Gateway's filter over the application's own factory: what the Gateway declared before. */
  @Configuration(proxyBeanMethods = false)
  static class SpringsFilter {
    @Bean
    ReactiveLoadBalancerClientFilter springsFilter(LoadBalancerClientFactory f, GatewayLoadBalancerProperties p) {
      return new ReactiveLoadBalancerClientFilter(f, p);
    }
  }

  @Test
  void bytesAndCpuPerRequest() throws Exception {
    int blocks = Integer.getInteger("blocks", 6);
    int perBlock = Integer.getInteger("requests", 3000);
    List<AutoCloseable> open = new ArrayList<>();
    try {
      Map<String, Integer> ports = new LinkedHashMap<>();
      if ("lifecycle".equals(System.getProperty("compare", "roundrobin"))) {
        ports.put("no-lifecycle", PerfAccess.startOverleafGateway(open));
        ports.put("with-lifecycle", PerfAccess.startOverleafGateway(open, SpringsFilter.class));
      } else {
        ports.put("stickyroute", PerfAccess.startOverleafGateway(open));
        ports.put("roundrobin", PerfAccess.startRoundRobinGateway(open));
      }
      HttpClient client = HttpClient.newHttpClient();
      com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
      com.sun.management.OperatingSystemMXBean os =
          (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      for (int port : ports.values()) {
        run(client, port, 3 * perBlock); // warm-up
      }
      for (int b = 0; b < blocks; b++) {
        for (Map.Entry<String, Integer> e : ports.entrySet()) {
          long bytes = threads.getTotalThreadAllocatedBytes();
          long cpu = os.getProcessCpuTime();
          run(client, e.getValue(), perBlock);
          System.out.printf("block %d %-15s %8.0f B/request %6.1f us CPU/request (whole JVM, client included)%n", b,
              e.getKey(), (threads.getTotalThreadAllocatedBytes() - bytes) / (double) perBlock,
              (os.getProcessCpuTime() - cpu) / 1000.0 / perBlock);
        }
      }
    } finally {
      for (int i = open.size() - 1; i >= 0; i--) {
        open.get(i).close();
      }
    }
  }

  static void run(HttpClient client, int port, int n) throws Exception {
    String path = System.getProperty("path", "/login");
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
    if ("/login".equals(path)) {
      b.header("Cookie", "SERVERID=docker-1; lang=en");
    }
    HttpRequest req = b.build();
    for (int i = 0; i < n; i++) {
      HttpResponse<Void> r = client.send(req, HttpResponse.BodyHandlers.discarding());
      if (r.statusCode() != 200) {
        throw new IllegalStateException("status " + r.statusCode());
      }
    }
  }
}
