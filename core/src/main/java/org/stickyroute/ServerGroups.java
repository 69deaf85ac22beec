package org.stickyroute;

import java.util.List;
import org.stickyroute.balance.LoadView;
import org.stickyroute.balance.ServerGroup;
import org.stickyroute.balance.Weights;
import org.stickyroute.config.BackendConfig;
import org.stickyroute.config.ServerConfig;

/**
 * Builds the {@link ServerGroup} of one snapshot from the configuration and the servers' runtime states, as
 * HAProxy's {@code recount_servers} and {@code update_backend_weight} do: effective weights and {@code
 * maxconn} at an instant (the {@link Weights} arithmetic), which servers are usable, and the group in use
 * (the usable active servers; else the first usable backup, or every usable backup with {@code option
 * allbackups}). Control plane; allocates.
 */
final class ServerGroups {
  private ServerGroups() {}

  /**
   * The group.
   *
   * @param staticWeights whether the algorithm uses static weights ({@link Algorithms#staticWeights})
   * @param startupCumulative the {@code cumulative_weight} HAProxy computed at start-up and keeps (a 2.6
   *     quirk of bounded loads), or {@code null} to compute it from this state
   * @param identity per server, its identity across snapshots (the live counters)
   * @param live the live in-flight counts
   * @param nowMillis the instant at which {@code slowstart} ramps are evaluated
   */
  static ServerGroup build(
      BackendConfig config,
      ServerRuntimeState[] states,
      boolean staticWeights,
      int[] startupCumulative,
      Object[] identity,
      LoadView live,
      long nowMillis) {
    List<ServerConfig> servers = config.servers();
    int n = servers.size();
    int[] eweight = staticWeights ? staticEffective(servers, states) : new int[n];
    int[] maxconn = new int[n];
    boolean[] backup = new boolean[n];
    for (int i = 0; i < n; i++) {
      ServerConfig s = servers.get(i);
      long elapsed = rampElapsedSeconds(s, states[i], nowMillis);
      long ss = Weights.slowstartSeconds(s.slowstartMillis());
      if (!staticWeights) {
        eweight[i] = Weights.dynamicEffective(states[i].weight(), elapsed, ss);
      }
      maxconn[i] = Weights.rampedMaxconn(s.maxconn(), elapsed, ss);
      backup[i] = s.backup();
    }
    boolean[] usable = new boolean[n];
    int act = 0;
    int actWeight = 0;
    int bck = 0;
    int bckWeight = 0;
    int fbck = -1;
    for (int i = 0; i < n; i++) {
      usable[i] = eweight[i] > 0 && states[i].running();
      if (!usable[i]) {
        continue;
      }
      if (backup[i]) {
        if (bck == 0 && !config.allBackups()) {
          fbck = i;
        }
        bck++;
        bckWeight += eweight[i];
      } else {
        act++;
        actWeight += eweight[i];
      }
    }
    int totalWeight;
    int totalUsed;
    if (act > 0) {
      totalWeight = actWeight;
      totalUsed = act;
      fbck = -1;
    } else if (fbck >= 0) {
      totalWeight = eweight[fbck];
      totalUsed = 1;
    } else {
      totalWeight = bckWeight;
      totalUsed = bck;
    }
    int[] cumulative = startupCumulative != null ? startupCumulative : Weights.cumulative(backup, usable, eweight);
    return new ServerGroup(members(usable, backup, act == 0), fbck, totalWeight, totalUsed, usable, backup, eweight,
        config.resolvedIds(), maxconn, cumulative, identity, live);
  }

  private static int[] staticEffective(List<ServerConfig> servers, ServerRuntimeState[] states) {
    int[] configured = new int[servers.size()];
    int[] runtime = new int[servers.size()];
    for (int i = 0; i < configured.length; i++) {
      configured[i] = servers.get(i).weight();
      runtime[i] = states[i].weight();
    }
    return Weights.staticEffective(configured, runtime);
  }

  /** The usable servers of one kind, in declaration order. */
  private static int[] members(boolean[] usable, boolean[] backup, boolean backups) {
    int count = 0;
    for (int i = 0; i < usable.length; i++) {
      if (usable[i] && backup[i] == backups) {
        count++;
      }
    }
    int[] m = new int[count];
    int k = 0;
    for (int i = 0; i < usable.length; i++) {
      if (usable[i] && backup[i] == backups) {
        m[k++] = i;
      }
    }
    return m;
  }

  /** {@link Weights#rampElapsedSeconds} of a server in a state. */
  static long rampElapsedSeconds(ServerConfig server, ServerRuntimeState state, long nowMillis) {
    return Weights.rampElapsedSeconds(server.slowstartMillis(),
        state.starting() ? state.startingSinceMillis() : -1, nowMillis);
  }
}
