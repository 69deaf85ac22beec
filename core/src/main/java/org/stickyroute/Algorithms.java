package org.stickyroute;

import org.stickyroute.balance.ConsistentHashPicker;
import org.stickyroute.balance.LeastConnPicker;
import org.stickyroute.balance.MapHashPicker;
import org.stickyroute.balance.Picker;
import org.stickyroute.balance.RandomPicker;
import org.stickyroute.balance.RoundRobinPicker;
import org.stickyroute.balance.ServerGroup;
import org.stickyroute.config.BackendConfig;
import org.stickyroute.config.Balance;
import org.stickyroute.key.KeyExtractor;
import org.stickyroute.key.UriKey;

/**
 * Which {@link Picker} a snapshot holds for each {@code balance} algorithm: the one place that knows the
 * algorithms (HAProxy's {@code lbprm.algo} dispatch). Adding an algorithm is one picker class in {@code
 * balance} and one line here; a hash-based one is one {@link KeyExtractor} and one line.
 */
final class Algorithms {
  private Algorithms() {}

  /**
   * The picker of {@code config}'s algorithm over {@code group}.
   *
   * @param previous the picker of the snapshot being replaced (a picker may inherit its state), or {@code null}
   * @param rebuild asks the control plane to publish a fresh snapshot (a picker whose state runs out of room
   *     calls it once, on the request path)
   */
  static Picker picker(BackendConfig config, ServerGroup group, Picker previous, Runnable rebuild) {
    Balance balance = config.balance();
    return switch (balance.kind()) {
      case ROUNDROBIN -> RoundRobinPicker.roundRobin(group);
      case STATIC_RR -> RoundRobinPicker.staticRoundRobin(group);
      case LEASTCONN -> LeastConnPicker.build(group, previous);
      case RANDOM -> RandomPicker.build(group, balance.draws());
      case URI -> hashed(config, group, KeyExtractor.uri(UriKey.of(balance.uriOptions()), config.hashType()));
    };
  }

  /** A hash-based algorithm: {@code key} looked up in a map or on a ring, as {@code hash-type} says. */
  private static Picker hashed(BackendConfig config, ServerGroup group, KeyExtractor key) {
    return config.hashType().isConsistent()
        ? ConsistentHashPicker.build(group, key, config.hashBalanceFactor(), config.pointsPerWeight())
        : MapHashPicker.build(group, key);
  }

  /**
   * Whether the algorithm uses static weights (HAProxy's algorithms without {@code BE_LB_PROP_DYN}: map-based
   * hashing and {@code static-rr}): effective weights are the configured ones divided by their GCD, runtime
   * weights only switch a server on or off, and {@code slowstart} does not ramp them.
   */
  static boolean staticWeights(BackendConfig config) {
    Balance balance = config.balance();
    return balance.kind() == Balance.Kind.STATIC_RR || (balance.isHash() && !config.hashType().isConsistent());
  }
}
