package org.stickyroute.config;

import java.util.List;

/**
 * A backend's stick tables: its own {@code stick-table} (or {@code null}) and its {@code stick} rules in
 * order. Immutable.
 *
 * @param table the backend's own table, or {@code null}
 * @param rules the backend's {@code stick} rules, in declaration order
 */
public record StickConfig(StickTableConfig table, List<StickRule> rules) {
  /** No table, no rule. */
  public static final StickConfig NONE = new StickConfig(null, List.of());

  /** Copies the rules. */
  public StickConfig {
    rules = List.copyOf(rules);
  }

  /** Whether the backend has any {@code stick} rule. */
  public boolean hasRules() {
    return !rules.isEmpty();
  }
}
