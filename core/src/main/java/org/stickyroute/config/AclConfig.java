package org.stickyroute.config;

import java.util.List;
import java.util.Objects;

/**
 * A named ACL of the supported form {@code acl NAME path_beg [-i] PREFIX...}. Several patterns, or several
 * lines with the same name, are OR-ed. Immutable.
 *
 * @param name the ACL name
 * @param prefixes the path prefixes; each remembers whether {@code -i} applied to it
 * @param location where the ACL was (first) declared
 */
public record AclConfig(String name, List<PathPrefix> prefixes, SourceLocation location) {

  /**
   * One {@code path_beg} pattern.
   *
   * @param prefix the byte prefix the request path must start with
   * @param ignoreCase {@code -i}: ASCII case-insensitive comparison
   */
  public record PathPrefix(String prefix, boolean ignoreCase) {
    /** Validates the prefix. */
    public PathPrefix {
      Objects.requireNonNull(prefix, "prefix");
    }
  }

  /** Validates and copies. */
  public AclConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(location, "location");
    prefixes = List.copyOf(prefixes);
  }

  /** {@code acl name path_beg [-i] prefixes...}, for the builder API. */
  public static AclConfig pathBeg(String name, boolean ignoreCase, String... prefixes) {
    return new AclConfig(
        name,
        java.util.Arrays.stream(prefixes).map(p -> new PathPrefix(p, ignoreCase)).toList(),
        SourceLocation.BUILDER);
  }
}
