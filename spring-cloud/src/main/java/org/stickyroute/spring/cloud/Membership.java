package org.stickyroute.spring.cloud;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.cloud.client.ServiceInstance;

/**
 * The instances one backend was last built from, and its servers' instances by server name. Immutable; compared
 * with every new instance list on the request path, without allocating.
 */
final class Membership {
  static final Membership NONE = new Membership(null, new ServiceInstance[0], Map.of());

  private final List<ServiceInstance> source;
  private final ServiceInstance[] instances;
  private final Map<String, ServiceInstance> byServer;

  Membership(List<ServiceInstance> source, ServiceInstance[] instances, Map<String, ServiceInstance> byServer) {
    this.source = source;
    this.instances = instances;
    this.byServer = byServer;
  }

  /** The instance that is server {@code name} of the backend, or {@code null}. */
  ServiceInstance instance(String name) {
    return name == null ? null : byServer.get(name);
  }

  /** Whether {@code list} describes the same instances, in the same order (by identity, else by value). */
  boolean matches(List<ServiceInstance> list) {
    if (list == source) {
      return true;
    }
    int n = list.size();
    if (n != instances.length) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      ServiceInstance a = list.get(i);
      ServiceInstance b = instances[i];
      if (a != b && !(Objects.equals(a.getInstanceId(), b.getInstanceId()) && Objects.equals(a.getHost(), b.getHost())
          && a.getPort() == b.getPort() && a.isSecure() == b.isSecure()
          && Objects.equals(a.getMetadata().get("weight"), b.getMetadata().get("weight")))) {
        return false;
      }
    }
    return true;
  }
}
