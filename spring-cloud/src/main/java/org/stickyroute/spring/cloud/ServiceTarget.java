package org.stickyroute.spring.cloud;

/**
 * Where a service's requests are routed: a backend section of the configuration, or a frontend whose rules
 * ({@code use_backend}, {@code default_backend}) choose the backend per request. Exactly one is set.
 *
 * @param backend the backend name, or {@code null}
 * @param frontend the frontend (or {@code listen}) name, or {@code null}
 */
public record ServiceTarget(String backend, String frontend) {
  /** Checks that exactly one of the two is set. */
  public ServiceTarget {
    if ((backend == null) == (frontend == null)) {
      throw new IllegalArgumentException("a service target names either a backend or a frontend");
    }
  }

  /** Routing in the backend section {@code name}. */
  public static ServiceTarget backend(String name) {
    return new ServiceTarget(name, null);
  }

  /** Routing by the rules of frontend {@code name}. */
  public static ServiceTarget frontend(String name) {
    return new ServiceTarget(null, name);
  }
}
