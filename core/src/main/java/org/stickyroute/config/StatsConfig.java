package org.stickyroute.config;

import java.util.List;
import java.util.Objects;

/**
 * The {@code stats uri} / {@code stats auth} settings of a frontend or listen section, used by adapters that
 * serve a stats page. Immutable.
 *
 * @param uri the {@code stats uri} prefix, or {@code null}
 * @param credentials every {@code stats auth user:password}, in order
 * @param location where the first stats line was declared
 */
public record StatsConfig(String uri, List<Credential> credentials, SourceLocation location) {

  /**
   * One {@code stats auth user:password}.
   *
   * @param user the user name
   * @param password the password (kept in memory; never logged)
   */
  public record Credential(String user, String password) {
    /** Validates the components. */
    public Credential {
      Objects.requireNonNull(user, "user");
      Objects.requireNonNull(password, "password");
    }

    /** Never prints the password. */
    @Override
    public String toString() {
      return "Credential[user=" + user + ", password=***]";
    }
  }

  /** Copies the list. */
  public StatsConfig {
    credentials = List.copyOf(credentials);
    Objects.requireNonNull(location, "location");
  }
}
