package org.stickyroute.bench;

import org.stickyroute.Backend;
import org.stickyroute.config.BackendConfig;
import org.stickyroute.config.Balance;
import org.stickyroute.config.ServerConfig;
import org.stickyroute.hash.HashType;

/**
 * Builds the {@code balance uri depth 2} backends measured here: servers {@code s0..s(n-1)} with
 * HAProxy's automatic ids (1..n, declaration order). Control-plane only; allocates freely.
 */
public final class BenchBackends {
  private BenchBackends() {}

  /** Map-based hashing ({@code hash-type map-based sdbm}, HAProxy's default) at weight 1. */
  public static Backend mapBased(int servers) {
    return new Backend(builder(servers, 1, HashType.DEFAULT, 0, BackendConfig.HAPROXY_POINTS_PER_WEIGHT).build());
  }

  /**
   * A bare {@code hash-type consistent} backend (sdbm + avalanche).
   *
   * @param servers number of servers
   * @param weight every server's weight (HAProxy places {@code 16 * weight} points by default)
   * @param balanceFactor {@code hash-balance-factor}, 0 for none
   * @param pointsPerWeight ring points per unit of weight (16 = HAProxy)
   */
  public static Backend consistent(int servers, int weight, int balanceFactor, int pointsPerWeight) {
    return new Backend(builder(servers, weight, HashType.consistent(), balanceFactor, pointsPerWeight).build());
  }

  /** A configuration builder with {@code servers} servers named {@code s<i>}, ready for more settings. */
  public static BackendConfig.Builder builder(
      int servers, int weight, HashType type, int balanceFactor, int pointsPerWeight) {
    BackendConfig.Builder b = BackendConfig.builder("bench")
        .balance(Balance.uri().depth(2))
        .hashType(type)
        .hashBalanceFactor(balanceFactor)
        .pointsPerWeight(pointsPerWeight);
    for (int i = 0; i < servers; i++) {
      b.server(server(i, weight));
    }
    return b;
  }

  /** Server {@code s<i>} on a loopback port, automatic id. */
  public static ServerConfig server(int i, int weight) {
    return ServerConfig.builder("s" + i, "127.0.0.1", 10000 + i).weight(weight).build();
  }
}
