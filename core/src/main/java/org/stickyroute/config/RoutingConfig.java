package org.stickyroute.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A whole routing configuration: frontends (with their ACLs and rules) and backends (with their servers),
 * plus the warnings the loader produced. Immutable and validated: every {@code use_backend} and {@code
 * default_backend} names an existing backend and every rule names a declared ACL.
 *
 * <p>Obtain one from {@link ConfigLoader} (HAProxy syntax) or {@link #builder()} (Java); both produce the same
 * model, and {@link org.stickyroute.Router#create} turns it into a router.
 *
 * @param frontends frontends and listen sections (that have frontend settings), in declaration order
 * @param backends backends and listen sections (that have servers), in declaration order
 * @param warnings what the loader skipped, in order
 */
public record RoutingConfig(
    List<FrontendConfig> frontends, List<BackendConfig> backends, List<ConfigWarning> warnings) {

  /** Validates references and copies the lists. */
  public RoutingConfig {
    frontends = List.copyOf(frontends);
    backends = List.copyOf(backends);
    warnings = List.copyOf(warnings);
    Map<String, BackendConfig> byName = new LinkedHashMap<>();
    for (BackendConfig b : backends) {
      if (byName.put(b.name(), b) != null) {
        throw new ConfigException(b.location(), b.name(), "duplicate backend name");
      }
    }
    for (BackendConfig b : backends) {
      for (StickRule r : b.stick().rules()) {
        BackendConfig owner = byName.get(r.table());
        if (owner == null || owner.stick().table() == null) {
          throw new ConfigException(r.location(), r.table(), "no stick-table named '" + r.table()
              + "' (a table is declared by a 'stick-table' line in the backend of that name)");
        }
        if (!StickParser.castable(r.expression(), owner.stick().table().type())) {
          throw new ConfigException(r.location(), r.expression().text(), "the expression's type cannot be a key of"
              + " table '" + r.table() + "' (type " + owner.stick().table().type().name().toLowerCase() + ")");
        }
      }
    }
    for (FrontendConfig f : frontends) {
      java.util.Set<String> aclNames = new java.util.HashSet<>(); // linear, however many ACLs and rule terms
      for (AclConfig a : f.acls()) {
        aclNames.add(a.name());
      }
      checkDefaultBackend(f, byName.keySet());
      for (UseBackendRule r : f.rules()) {
        checkRuleBackend(r, byName.keySet());
        for (List<UseBackendRule.Term> group : r.anyOf()) {
          for (UseBackendRule.Term t : group) {
            if (!aclNames.contains(t.acl())) {
              throw new ConfigException(r.location(), t.acl(), "no such ACL in frontend '" + f.name() + "'");
            }
          }
        }
      }
    }
  }

  /** A frontend's {@code default_backend}, if any, names one of {@code backends}. */
  static void checkDefaultBackend(FrontendConfig f, java.util.Set<String> backends) {
    if (f.defaultBackend() != null && !backends.contains(f.defaultBackend())) {
      throw new ConfigException(
          f.defaultBackendLocation(), f.defaultBackend(), "default_backend names no backend of this configuration");
    }
  }

  /** A {@code use_backend} rule names one of {@code backends}. */
  static void checkRuleBackend(UseBackendRule r, java.util.Set<String> backends) {
    if (!backends.contains(r.backend())) {
      throw new ConfigException(r.location(), r.backend(), "use_backend names no backend of this configuration");
    }
  }

  /** The backend with this name, or {@code null}. */
  public BackendConfig backend(String name) {
    for (BackendConfig b : backends) {
      if (b.name().equals(name)) {
        return b;
      }
    }
    return null;
  }

  /** The frontend with this name, or {@code null}. */
  public FrontendConfig frontend(String name) {
    for (FrontendConfig f : frontends) {
      if (f.name().equals(name)) {
        return f;
      }
    }
    return null;
  }

  /** A builder for configurations assembled in Java. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds {@link RoutingConfig}s; not thread-safe. */
  public static final class Builder {
    private final List<FrontendConfig> frontends = new ArrayList<>();
    private final List<BackendConfig> backends = new ArrayList<>();

    private Builder() {}

    /** Adds a frontend. */
    public Builder frontend(FrontendConfig frontend) {
      frontends.add(Objects.requireNonNull(frontend));
      return this;
    }

    /** Adds a backend. */
    public Builder backend(BackendConfig backend) {
      backends.add(Objects.requireNonNull(backend));
      return this;
    }

    /** Builds and validates; throws {@link ConfigException} on a dangling reference. */
    public RoutingConfig build() {
      return new RoutingConfig(frontends, backends, List.of());
    }
  }
}
