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

  /** A leastconn backend with {@code n} servers of weight 1 named s1..sn. */
  static Backend leastConn(int n) {
    BackendConfig.Builder b = BackendConfig.builder("be").balance(Balance.leastConn());
    for (int i = 1; i <= n; i++) {
      b.server(ServerConfig.builder("s" + i, "127.0.0.1", 9000 + i).build());
    }
    return new Backend(b.build());
  }
}
