package org.stickyroute.config;

import java.util.Objects;

/**
 * One {@code stick on|match|store-request|store-response <expr> [table <name>]} line of a backend. Immutable.
 *
 * @param kind what the rule does
 * @param expression the sample expression whose value is the key
 * @param table the table's name (a backend with a {@code stick-table}); the rule's own backend by default
 * @param location where the line is
 */
public record StickRule(Kind kind, SampleExpression expression, String table, SourceLocation location) {

  /** What a rule does. */
  public enum Kind {
    /** {@code stick on}: match on the request, then store the request's key. */
    ON,
    /** {@code stick match}: look the request's key up; an entry for a usable server routes there. */
    MATCH,
    /** {@code stick store-request}: store the request's key with the server that answers. */
    STORE_REQUEST,
    /** {@code stick store-response}: store the response's key with the server that answered. */
    STORE_RESPONSE;

    /** Whether the rule looks keys up. */
    public boolean matches() {
      return this == ON || this == MATCH;
    }

    /** Whether the rule stores on the request side. */
    public boolean storesRequest() {
      return this == ON || this == STORE_REQUEST;
    }
  }

  /** Validates. */
  public StickRule {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(expression, "expression");
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(location, "location");
  }
}
