package org.stickyroute.config;

import java.util.List;
import java.util.Objects;

/**
 * The {@code stats uri} / {@code stats auth} / {@code stats admin} / {@code stats refresh} settings of a
 * frontend or listen section, used by adapters that serve a stats page. Immutable.
 *
 * @param uri the {@code stats uri} prefix, or {@code null}
 * @param credentials every {@code stats auth user:password}, in order
 * @param location where the first stats line was declared
 * @param admin whether {@code stats admin} enables the admin actions: {@code stats admin if TRUE} (or {@code
 *     unless FALSE}); the loader refuses any other condition, since it cannot evaluate one
 * @param refreshSeconds {@code stats refresh}: the page's auto-refresh interval in seconds, 0 = none
 */
public record StatsConfig(
    String uri, List<Credential> credentials, SourceLocation location, boolean admin, int refreshSeconds) {

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
    if (refreshSeconds < 0) {
      throw new IllegalArgumentException("refreshSeconds must be >= 0: " + refreshSeconds);
    }
  }

  /** Settings without {@code stats admin} and without {@code stats refresh}. */
  public StatsConfig(String uri, List<Credential> credentials, SourceLocation location) {
    this(uri, credentials, location, false, 0);
  }
}
