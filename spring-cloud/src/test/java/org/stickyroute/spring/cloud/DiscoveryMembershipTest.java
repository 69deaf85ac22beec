package org.stickyroute.spring.cloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.DefaultRequest;
import org.springframework.cloud.client.loadbalancer.RequestData;
import org.springframework.cloud.client.loadbalancer.RequestDataContext;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.util.LinkedMultiValueMap;
import org.stickyroute.AdminState;
import org.stickyroute.BackendSnapshot;
import org.stickyroute.Router;
import org.stickyroute.config.ConfigLoader;
import org.stickyroute.http.RequestView;
import reactor.core.publisher.Flux;

/**
 * Instances that come and go through a discovery supplier move only the keys that must move: under {@code
 * hash-type consistent} an added instance takes keys from the others and nothing else moves, a removed instance's
 * keys move and nothing else does; and every decision equals HAProxy's for a configuration that lists the same
 * servers with the ids of {@link InstanceServers}. A declared server that discovery stops listing goes to
 * maintenance, and comes back.
 */
class DiscoveryMembershipTest {
  static final String CONSISTENT = "backend svc\n    balance uri\n    hash-type consistent\n";

  /** A discovery supplier whose instance list the test changes. */
  static final class Discovery implements ServiceInstanceListSupplier {
    final AtomicReference<List<ServiceInstance>> current = new AtomicReference<>(List.of());

    @Override
    public String getServiceId() {
      return "svc";
    }

    @Override
    public Flux<List<ServiceInstance>> get() {
      return Flux.defer(() -> Flux.just(current.get()));
    }
  }

  final Discovery discovery = new Discovery();

  StickyRouteLoadBalancer balancer(StickyRouteRouting routing) {
    StaticListableBeanFactory beans = new StaticListableBeanFactory(Map.of("supplier", discovery));
    return new StickyRouteLoadBalancer(beans.getBeanProvider(ServiceInstanceListSupplier.class), "svc", routing);
  }

  static ServiceInstance instance(String id, int port) {
    return new DefaultServiceInstance(id, "svc", "10.1.0." + (port % 250 + 1), port, false);
  }

  /** The instance each key is sent to now, through the load balancer (each lease released at once). */
  static Map<String, String> route(StickyRouteLoadBalancer lb, List<String> keys) {
    Map<String, String> out = new HashMap<>();
    for (String k : keys) {
      RequestData data = new RequestData(HttpMethod.GET, URI.create("http://svc" + k), new HttpHeaders(),
          new LinkedMultiValueMap<>(), new HashMap<>());
      Response<ServiceInstance> r = lb.choose(new DefaultRequest<>(new RequestDataContext(data))).block();
      String id = r.hasServer() ? r.getServer().getInstanceId() : "-";
      ((StickyRouteResponse) r).release();
      out.put(k, id);
    }
    return out;
  }

  static int moved(Map<String, String> before, Map<String, String> after) {
    int n = 0;
    for (Map.Entry<String, String> e : before.entrySet()) {
      n += e.getValue().equals(after.get(e.getKey())) ? 0 : 1;
    }
    return n;
  }

  @Test
  void onlyTheKeysOfAddedAndRemovedInstancesMove() {
    long seed = Long.getLong("stickyroute.seed", System.nanoTime());
    System.out.println("DiscoveryMembershipTest seed " + seed);
    SplittableRandom random = new SplittableRandom(seed);
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 5000; i++) {
      keys.add("/project/" + Long.toHexString(random.nextLong()) + "/compile");
    }
    List<ServiceInstance> list = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      list.add(instance("pod-" + Long.toHexString(random.nextLong() >>> 24), 8000 + i));
    }
    try (StickyRouteRouting routing = StickyRouteRouting.create(ConfigLoader.parse(CONSISTENT, "t.cfg", false), Map.of(), false)) {
      StickyRouteLoadBalancer lb = balancer(routing);
      discovery.current.set(List.copyOf(list));
      Map<String, String> start = route(lb, keys);
      assertEquals(8, new java.util.HashSet<>(start.values()).size(), "every instance gets keys");
      assertEquals(start, haproxyEquivalent(list, keys), "same decisions as a configuration with explicit ids (seed " + seed + ")");

      // add one: a key moves only to the new instance
      ServiceInstance added = instance("pod-new-" + Long.toHexString(random.nextLong() >>> 24), 9000);
      list.add(3, added); // discovery order does not matter
      discovery.current.set(List.copyOf(list));
      Map<String, String> grown = route(lb, keys);
      int toNew = 0;
      for (String k : keys) {
        if (!start.get(k).equals(grown.get(k))) {
          assertEquals(added.getInstanceId(), grown.get(k), "key " + k + " moved elsewhere than to the new instance");
          toNew++;
        }
      }
      assertTrue(toNew > 0 && toNew < keys.size() / 4, "the new instance takes a share: " + toNew);
      assertEquals(grown, haproxyEquivalent(list, keys));

      // remove one of the first: only its keys move
      ServiceInstance removed = list.remove(5);
      discovery.current.set(List.copyOf(list));
      Map<String, String> shrunk = route(lb, keys);
      int fromRemoved = 0;
      for (String k : keys) {
        if (grown.get(k).equals(removed.getInstanceId())) {
          assertNotEquals(removed.getInstanceId(), shrunk.get(k));
          fromRemoved++;
        } else {
          assertEquals(grown.get(k), shrunk.get(k), "key " + k + " moved though its instance stayed");
        }
      }
      assertEquals(fromRemoved, moved(grown, shrunk));
      assertEquals(shrunk, haproxyEquivalent(list, keys));

      // it comes back (a restart with the same id): its keys come back too
      list.add(removed);
      discovery.current.set(List.copyOf(list));
      assertEquals(grown, route(lb, keys));
      System.out.println("discovery: 5000 keys over 8 instances; +1 instance moved " + toNew + " keys, all to it; -1 moved "
          + fromRemoved + ", all its own (seed " + seed + ")");
      assertNull(routing.router().backend("svc").snapshot().inconsistency());
    }
  }

  /** The decisions of a backend configured with these instances as servers with explicit ids. */
  static Map<String, String> haproxyEquivalent(List<ServiceInstance> instances, List<String> keys) {
    TreeMap<Integer, String> byId = new TreeMap<>();
    for (ServiceInstance i : instances) {
      String name = InstanceServers.serverName(i);
      byId.put(InstanceServers.derivedId(name), "    server " + name + " " + i.getHost() + ":" + i.getPort() + " id "
          + InstanceServers.derivedId(name) + "\n");
    }
    Router router = Router.create(ConfigLoader.parse(CONSISTENT + String.join("", byId.values()), "explicit.cfg", false));
    BackendSnapshot snap = router.backend("svc").snapshot();
    Map<String, String> out = new HashMap<>();
    for (String k : keys) {
      out.put(k, snap.server(snap.select(RequestView.of("GET", k))).name());
    }
    return out;
  }

  @Test
  void aDeclaredServerDiscoveryStopsListingGoesToMaintenanceAndComesBack() {
    String cfg = CONSISTENT + "    server fixed-a 10.9.0.1:80 id 7 weight 2\n    server fixed-b 10.9.0.2:80\n";
    try (StickyRouteRouting routing = StickyRouteRouting.create(ConfigLoader.parse(cfg, "t.cfg", false), Map.of(), false)) {
      StickyRouteLoadBalancer lb = balancer(routing);
      List<String> keys = new ArrayList<>();
      for (int i = 0; i < 2000; i++) {
        keys.add("/k/" + i);
      }
      ServiceInstance a = new DefaultServiceInstance("fixed-a", "svc", "10.2.0.1", 8080, false);
      ServiceInstance b = new DefaultServiceInstance("fixed-b", "svc", "10.2.0.2", 8080, false);
      ServiceInstance c = new DefaultServiceInstance("extra-c", "svc", "10.2.0.3", 8080, false);
      discovery.current.set(List.of(a, b, c));
      Map<String, String> all = route(lb, keys);
      BackendSnapshot snap = routing.router().backend("svc").snapshot();
      assertEquals(7, snap.id(snap.indexOf("fixed-a")), "the declared id");
      assertEquals(2, snap.id(snap.indexOf("fixed-b")), "HAProxy's automatic id by place in the section");
      assertEquals(InstanceServers.derivedId("extra-c"), snap.id(snap.indexOf("extra-c")));
      assertEquals("10.2.0.1:8080", snap.server(snap.indexOf("fixed-a")).address(), "the address discovery gives");

      discovery.current.set(List.of(b, c));
      Map<String, String> without = route(lb, keys);
      snap = routing.router().backend("svc").snapshot();
      assertEquals(AdminState.MAINT, snap.state(snap.indexOf("fixed-a")).admin());
      for (String k : keys) {
        if (!all.get(k).equals("fixed-a")) {
          assertEquals(all.get(k), without.get(k), k);
        } else {
          assertNotEquals("fixed-a", without.get(k), k);
        }
      }
      discovery.current.set(List.of(c, a, b));
      assertEquals(all, route(lb, keys), "back from maintenance, every key is home again");
      snap = routing.router().backend("svc").snapshot();
      assertEquals(AdminState.READY, snap.state(snap.indexOf("fixed-a")).admin());
    }
  }
}
