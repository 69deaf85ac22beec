package org.stickyroute.config;

import java.util.List;
import java.util.Objects;

/**
 * {@code use_backend NAME if|unless COND}: HAProxy's condition syntax restricted to named ACLs. A condition
 * is a disjunction ({@code or} / {@code ||}) of conjunctions of ACL references, each optionally negated with
 * {@code !}; a rule without a condition always matches. Rules are evaluated in declaration order; the first
 * that matches picks the backend. Immutable.
 *
 * @param backend the backend to use
 * @param unless {@code unless} instead of {@code if}
 * @param anyOf the OR-ed groups; within a group every term must hold; empty for an unconditional rule
 * @param location where the rule was declared
 */
public record UseBackendRule(String backend, boolean unless, List<List<Term>> anyOf, SourceLocation location) {

  /**
   * One reference to a named ACL.
   *
   * @param acl the ACL name
   * @param negated whether it was written {@code !name}
   */
  public record Term(String acl, boolean negated) {
    /** Validates the name. */
    public Term {
      Objects.requireNonNull(acl, "acl");
    }
  }

  /** Validates and copies. */
  public UseBackendRule {
    Objects.requireNonNull(backend, "backend");
    Objects.requireNonNull(location, "location");
    anyOf = anyOf.stream().map(List::copyOf).toList();
    if (anyOf.stream().anyMatch(List::isEmpty)) {
      throw new IllegalArgumentException("use_backend '" + backend + "': empty condition");
    }
  }

  /** {@code use_backend backend if acl}, for the builder API. */
  public static UseBackendRule ifAcl(String backend, String acl) {
    return new UseBackendRule(backend, false, List.of(List.of(new Term(acl, false))), SourceLocation.BUILDER);
  }
}
