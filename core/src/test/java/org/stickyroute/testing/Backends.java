package org.stickyroute.testing;

import org.stickyroute.config.BackendConfig;
import org.stickyroute.config.Balance;
import org.stickyroute.config.ServerConfig;
import org.stickyroute.hash.HashType;

/** Small builders for test backends. */
public final class Backends {
  private Backends() {}

  /** A {@code balance uri depth 2} backend with servers s1..sN of the given weights on 127.0.0.1. */
  public static BackendConfig.Builder uri(HashType type, int... weights) {
    BackendConfig.Builder b = BackendConfig.builder("be").balance(Balance.uri().depth(2)).hashType(type);
    for (int i = 0; i < weights.length; i++) {
      b.server(ServerConfig.builder("s" + (i + 1), "127.0.0.1", 19001 + i).weight(weights[i]).build());
    }
    return b;
  }

  /** A server named {@code name}. */
  public static ServerConfig.Builder server(String name) {
    return ServerConfig.builder(name, "127.0.0.1", 19001);
  }
}
