package org.stickyroute.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A {@code frontend} (or the frontend half of a {@code listen}) section: where requests arrive and which
 * backend serves them. Immutable; build one with {@link #builder} or load it with {@link ConfigLoader}.
 *
 * @param name the section name
 * @param binds every {@code bind} address as written (for adapters that listen; not used for routing)
 * @param acls the supported ACLs by name, in declaration order
 * @param rules the {@code use_backend} rules in declaration order
 * @param defaultBackend {@code default_backend}, or {@code null} (a request no rule matches then gets 503)
 * @param stats the {@code stats} settings, or {@code null}
 * @param location where the section was declared
 * @param defaultBackendLocation where {@code default_backend} was declared (perhaps in a {@code defaults}
 *     section), named when it refers to no backend; {@code location} when unknown
 */
public record FrontendConfig(
    String name,
    List<String> binds,
    List<AclConfig> acls,
    List<UseBackendRule> rules,
    String defaultBackend,
    StatsConfig stats,
    SourceLocation location,
    SourceLocation defaultBackendLocation) {

  /** Validates and copies. */
  public FrontendConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(location, "location");
    binds = List.copyOf(binds);
    acls = List.copyOf(acls);
    rules = List.copyOf(rules);
    defaultBackendLocation = defaultBackendLocation == null ? location : defaultBackendLocation;
  }

  /** A frontend whose {@code default_backend} is declared in the section itself. */
  public FrontendConfig(String name, List<String> binds, List<AclConfig> acls, List<UseBackendRule> rules,
      String defaultBackend, StatsConfig stats, SourceLocation location) {
    this(name, binds, acls, rules, defaultBackend, stats, location, location);
  }

  /** The ACL with this name, or {@code null}. */
  public AclConfig acl(String aclName) {
    for (AclConfig a : acls) {
      if (a.name().equals(aclName)) {
        return a;
      }
    }
    return null;
  }

  /** A builder for a frontend named {@code name}. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** Builds {@link FrontendConfig}s; not thread-safe. */
  public static final class Builder {
    private final String name;
    private final List<String> binds = new ArrayList<>();
    private final List<AclConfig> acls = new ArrayList<>();
    private final List<UseBackendRule> rules = new ArrayList<>();
    private String defaultBackend;
    private SourceLocation defaultBackendLocation;
    private StatsConfig stats;
    private SourceLocation location = SourceLocation.BUILDER;

    private Builder(String name) {
      this.name = name;
    }

    /** {@code bind address}. */
    public Builder bind(String address) {
      binds.add(address);
      return this;
    }

    /** {@code acl ...}. */
    public Builder acl(AclConfig acl) {
      acls.add(acl);
      return this;
    }

    /** {@code use_backend ...}. */
    public Builder rule(UseBackendRule rule) {
      rules.add(rule);
      return this;
    }

    /** {@code default_backend name}. */
    public Builder defaultBackend(String backend) {
      return defaultBackend(backend, null);
    }

    /** {@code default_backend name}, declared at {@code at} ({@code null}: where the section is). */
    public Builder defaultBackend(String backend, SourceLocation at) {
      this.defaultBackend = backend;
      this.defaultBackendLocation = at;
      return this;
    }

    /** {@code stats uri} / {@code stats auth}. */
    public Builder stats(StatsConfig stats) {
      this.stats = stats;
      return this;
    }

    /** Where the section was declared. */
    public Builder location(SourceLocation location) {
      this.location = location;
      return this;
    }

    /** Builds the immutable frontend. */
    public FrontendConfig build() {
      return new FrontendConfig(name, binds, acls, rules, defaultBackend, stats, location, defaultBackendLocation);
    }
  }
}
