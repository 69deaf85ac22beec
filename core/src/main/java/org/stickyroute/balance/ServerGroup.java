package org.stickyroute.balance;

/**
 * What the control plane hands to an algorithm when it builds a {@link Picker} for one snapshot: the group
 * of servers in use (the usable active servers, or the first usable backup, or every usable backup with
 * {@code option allbackups}) and their HAProxy quantities, as primitive arrays indexed by server index (the
 * position in the backend's configuration).
 *
 * <p>Immutable by convention: the arrays are shared with the snapshot and nobody writes to them after
 * construction. Built by the snapshot; pickers only read it.
 */
public final class ServerGroup {
  private final int[] members;
  private final int firstBackup;
  private final int totalWeight;
  private final int totalUsed;
  private final boolean[] usable;
  private final boolean[] backup;
  private final int[] eweight;
  private final int[] puid;
  private final int[] maxconn;
  private final int[] cumulative;
  private final Object[] identity;
  private final LoadView live;
  private final boolean anyMaxconn;

  /**
   * A group.
   *
   * @param members the usable servers of the group in use, in declaration order (with backups in use and
   *     without {@code allbackups}: every usable backup, while {@code firstBackup} is the one HAProxy uses)
   * @param firstBackup the first usable backup when it alone is in use (no active server usable, no {@code
   *     allbackups}), else -1 (HAProxy's {@code lbprm.fbck})
   * @param totalWeight HAProxy's {@code tot_weight}: the total effective weight of the group in use
   * @param totalUsed HAProxy's {@code tot_used}: the number of servers in the group in use
   * @param usable per server: whether it may take load-balanced traffic (ready, up, effective weight &gt; 0),
   *     active or backup
   * @param backup per server: whether it is a backup server
   * @param eweight per server: HAProxy's effective weight ({@link Weights})
   * @param puid per server: HAProxy's numeric id
   * @param maxconn per server: the effective {@code maxconn} (ramped during {@code slowstart}), 0 = unlimited
   * @param cumulative per server: the effective weight of the usable servers of its kind declared before it
   *     (HAProxy's {@code cumulative_weight}, as bounded loads read it)
   * @param identity per server: an object that stays the same for the same server across snapshots (the
   *     backend's live counters), so a picker may carry state over from the previous snapshot's picker
   * @param live the live in-flight counts of the backend's servers
   */
  public ServerGroup(
      int[] members,
      int firstBackup,
      int totalWeight,
      int totalUsed,
      boolean[] usable,
      boolean[] backup,
      int[] eweight,
      int[] puid,
      int[] maxconn,
      int[] cumulative,
      Object[] identity,
      LoadView live) {
    this.members = members;
    this.firstBackup = firstBackup;
    this.totalWeight = totalWeight;
    this.totalUsed = totalUsed;
    this.usable = usable;
    this.backup = backup;
    this.eweight = eweight;
    this.puid = puid;
    this.maxconn = maxconn;
    this.cumulative = cumulative;
    this.identity = identity;
    this.live = live;
    boolean any = false;
    for (int mc : maxconn) {
      any |= mc > 0;
    }
    this.anyMaxconn = any;
  }

  /** The usable servers of the group, in declaration order (see the constructor for backups). */
  public int[] members() {
    return members;
  }

  /** The servers that really take traffic: {@code {firstBackup}} when it alone is in use, else {@link #members()}. */
  public int[] inUse() {
    return firstBackup >= 0 ? new int[] {firstBackup} : members;
  }

  /** HAProxy's {@code lbprm.fbck}: the first usable backup when it alone is in use, else -1. */
  public int firstBackup() {
    return firstBackup;
  }

  /** HAProxy's {@code tot_weight}. */
  public int totalWeight() {
    return totalWeight;
  }

  /** HAProxy's {@code tot_used}. */
  public int totalUsed() {
    return totalUsed;
  }

  /** Whether server {@code s} may take load-balanced traffic (active or backup). */
  public boolean usable(int s) {
    return usable[s];
  }

  /** Whether server {@code s} is a backup server. */
  public boolean backup(int s) {
    return backup[s];
  }

  /** Number of configured servers. */
  public int serverCount() {
    return eweight.length;
  }

  /** Effective weights, per server. */
  public int[] eweight() {
    return eweight;
  }

  /** Numeric ids, per server. */
  public int[] puid() {
    return puid;
  }

  /** Effective {@code maxconn}, per server; 0 = unlimited. */
  public int[] maxconn() {
    return maxconn;
  }

  /** HAProxy's {@code cumulative_weight}, per server. */
  public int[] cumulative() {
    return cumulative;
  }

  /** The identity of server {@code s} across snapshots. */
  public Object identity(int s) {
    return identity[s];
  }

  /** The identity of every server across snapshots (a copy, index = server index). */
  public Object[] identities() {
    return identity.clone();
  }

  /**
   * Whether this group has the same servers, in the same order, as the group {@code identities} was taken
   * from ({@link #identities()}): a picker may then carry its state over in place.
   */
  public boolean sameServers(Object[] identities) {
    if (identities.length != identity.length) {
      return false;
    }
    for (int s = 0; s < identity.length; s++) {
      if (identities[s] != identity[s]) {
        return false;
      }
    }
    return true;
  }

  /** The live in-flight counts. */
  public LoadView live() {
    return live;
  }

  /** Whether any server has a {@code maxconn}. */
  public boolean anyMaxconn() {
    return anyMaxconn;
  }

  /**
   * Whether server {@code s} has reached its effective {@code maxconn} by {@code load} (HAProxy: {@code
   * served >= srv_dynamic_maxconn}). Always false without {@code maxconn}.
   */
  public boolean saturated(int s, LoadView load) {
    int mc = maxconn[s];
    return mc > 0 && load.served(s) >= mc;
  }
}
