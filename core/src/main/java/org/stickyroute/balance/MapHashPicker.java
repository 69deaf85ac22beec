package org.stickyroute.balance;

import org.stickyroute.http.RequestView;
import org.stickyroute.key.KeyExtractor;

/**
 * Hash-based balancing with {@code hash-type map-based} ({@code src/lb_map.c:map_get_server_hash}): {@code
 * map[hash mod tot_weight]}. The server to avoid is ignored, as HAProxy does, and so are {@code maxconn}
 * and bounded loads (2.6 keeps hash affinity even to a saturated server). A request without a key goes
 * round robin on the same map ({@code map_get_server_rr}), as {@code assign_server} does. With one server in
 * use the key is not even hashed (hash 0, as {@code get_server_uh}), unless the key says HAProxy looks it up
 * anyway ({@code url_param}).
 *
 * <p>Immutable apart from the fallback's cursor; thread-safe and allocation-free.
 */
public final class MapHashPicker implements Picker {
  private final MapTable table;
  private final KeyExtractor key;
  private final boolean single;
  private final RoundRobinPicker fallback;

  private MapHashPicker(MapTable table, KeyExtractor key, ServerGroup group) {
    this.table = table;
    this.key = key;
    this.single = group.totalUsed() == 1 && !key.lookedUpWithOneServer();
    this.fallback = new RoundRobinPicker(table, group);
  }

  /**
   * Builds the map as {@code recalc_server_map} does: over every usable server of the group's kind (with
   * backups in use and no {@code allbackups}, every usable backup, with {@code tot_weight} the first one's
   * weight, exactly as HAProxy does).
   */
  public static MapHashPicker build(ServerGroup group, KeyExtractor key) {
    return new MapHashPicker(MapTable.build(group.members(), group.eweight(), group.totalWeight()), key, group);
  }

  @Override
  public int pick(RequestView request, int avoid, LoadView load) {
    long hash = single ? 0 : key.hash(request);
    if (hash < 0) {
      return fallback.pick(request, avoid, load);
    }
    return table.lookup((int) hash);
  }

  /** The server for an already computed key hash (unsigned 32-bit), or {@link #NO_SERVER}. */
  public int lookup(long hash) {
    return table.lookup((int) hash);
  }

  /** The map (tests and diagnostics). */
  public MapTable table() {
    return table;
  }
}
