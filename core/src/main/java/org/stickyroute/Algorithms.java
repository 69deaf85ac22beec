package org.stickyroute;

import org.stickyroute.balance.ConsistentHashPicker;
import org.stickyroute.balance.FirstPicker;
import org.stickyroute.balance.FwrrPicker;
import org.stickyroute.balance.LeastConnPicker;
import org.stickyroute.balance.MapHashPicker;
import org.stickyroute.balance.Picker;
import org.stickyroute.balance.RandomPicker;
import org.stickyroute.balance.RoundRobinPicker;
import org.stickyroute.balance.ServerGroup;
import org.stickyroute.config.BackendConfig;
import org.stickyroute.config.Balance;
import org.stickyroute.key.HeaderKey;
import org.stickyroute.key.KeyExtractor;
import org.stickyroute.key.SampleKey;
import org.stickyroute.key.SourceKey;
import org.stickyroute.key.UrlParamKey;
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
   */
  static Picker picker(BackendConfig config, ServerGroup group, Picker previous) {
    Balance balance = config.balance();
    return switch (balance.kind()) {
      case ROUNDROBIN -> FwrrPicker.build(group, previous);
      case STATIC_RR -> RoundRobinPicker.staticRoundRobin(group);
      case LEASTCONN -> LeastConnPicker.build(group, previous);
      case RANDOM -> RandomPicker.build(group, balance.draws());
      case FIRST -> FirstPicker.build(group);
      case URI -> hashed(config, group, KeyExtractor.uri(UriKey.of(balance.uriOptions()), config.hashType()));
      case SOURCE -> hashed(config, group, new SourceKey(config.hashType()));
      case URL_PARAM -> hashed(config, group, new UrlParamKey(balance.urlParam().name(), config.hashType()));
      case HDR -> hashed(config, group,
          new HeaderKey(balance.header().name(), balance.header().domainOnly(), config.hashType()));
      case HASH -> hashed(config, group, new SampleKey(balance.expression(), config.hashType()));
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
