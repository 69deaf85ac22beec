package org.stickyroute.jcstress;

import org.stickyroute.Backend;
import org.stickyroute.config.Balance;
import org.stickyroute.config.BackendConfig;
import org.stickyroute.config.ServerConfig;
import org.stickyroute.http.RequestView;

/** Backends for the tests. */
final class Fixtures {
  private Fixtures() {}

  /** A request to pick a server for (leastconn reads nothing of it). */
  static final RequestView REQUEST = RequestView.of("GET", "/");

  /**
   * A request-target that {@code balance uri} sends to {@code s1} while both servers of {@link #uri(int)
   * uri(2)} are up (found once, by trying).
   */
  static final String ON_S1 = targetOnFirstServer();

  /** A {@code balance uri} (map-based) backend with {@code n} servers of weight 1 named s1..sn. */
  static Backend uri(int n) {
    return backend(Balance.uri(), n);
  }

  private static String targetOnFirstServer() {
    Backend be = uri(2);
    for (int i = 0; ; i++) {
      String target = "/project/" + i;
      if (be.snapshot().select(target) == 0) {
        return target;
      }
    }
  }

  /** A leastconn backend with {@code n} servers of weight 1 named s1..sn. */
  static Backend leastConn(int n) {
    return backend(Balance.leastConn(), n);
  }

  private static Backend backend(Balance balance, int n) {
    BackendConfig.Builder b = BackendConfig.builder("be").balance(balance);
    for (int i = 1; i <= n; i++) {
      b.server(ServerConfig.builder("s" + i, "127.0.0.1", 9000 + i).build());
    }
    return new Backend(b.build());
  }
}
