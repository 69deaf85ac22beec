package org.stickyroute;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.stickyroute.config.BackendConfig;
import org.stickyroute.config.ServerConfig;

/**
 * A live backend: its configuration, the counters of its servers, and the current {@link BackendSnapshot}.
 *
 * <p>Control plane: the state-changing methods ({@link #setHealth}, {@link #setAdmin}, {@link #setWeight},
 * {@link #update}) are serialised by a lock, build a new snapshot (tables included) off the request path
 * and publish it with one volatile write. Data plane: {@link #snapshot()} is one volatile read; requests
 * never take the lock. Thread-safe.
 */
public final class Backend {
  /** Backend-wide counters (HAProxy's {@code px->served}). */
  static final class Totals {
    final AtomicInteger served = new AtomicInteger();
  }

  private final BackendConfig config;
  private final ServerCounters[] counters;
  private final Totals totals = new Totals();
  private final int[] startupCumulative;
  private final AtomicLong versions = new AtomicLong();
  private final Object controlLock = new Object();
  private volatile BackendSnapshot snapshot;

  /** A backend whose servers start as configured: {@code disabled} ones in maintenance, the others up. */
  public Backend(BackendConfig config) {
    this.config = config;
    List<ServerConfig> servers = config.servers();
    this.counters = new ServerCounters[servers.size()];
    ServerStatus[] status = new ServerStatus[servers.size()];
    for (int i = 0; i < status.length; i++) {
      counters[i] = new ServerCounters();
      ServerConfig s = servers.get(i);
      status[i] = new ServerStatus(s.disabled() ? AdminState.MAINT : AdminState.READY, Health.UP, s.weight(), 100);
    }
    BackendSnapshot first = new BackendSnapshot(config, status, counters, totals, null, versions.incrementAndGet());
    // HAProxy computes the bounded-load "cumulative weight" once, at start-up, and keeps it (2.6 quirk).
    this.startupCumulative = first.cumulativeWeights();
    this.snapshot = first;
  }

  /** The backend's name. */
  public String name() {
    return config.name();
  }

  /** The configuration. */
  public BackendConfig config() {
    return config;
  }

  /** The current snapshot: one volatile read, never blocks. */
  public BackendSnapshot snapshot() {
    return snapshot;
  }

  /** The index of the server with this name; throws {@link IllegalArgumentException} if there is none. */
  public int indexOf(String server) {
    int i = snapshot.indexOf(server);
    if (i < 0) {
      throw new IllegalArgumentException("backend '" + name() + "' has no server '" + server + "'");
    }
    return i;
  }

  /** Marks a server up or down (as health checks do) and publishes a new snapshot. */
  public BackendSnapshot setHealth(String server, Health health) {
    int i = indexOf(server);
    return update(s -> {
      s[i] = s[i].withHealth(health);
      return s;
    });
  }

  /** Sets a server's administrative state and publishes a new snapshot. */
  public BackendSnapshot setAdmin(String server, AdminState admin) {
    int i = indexOf(server);
    return update(s -> {
      s[i] = s[i].withAdmin(admin);
      return s;
    });
  }

  /** Sets a server's runtime weight (0..256) and publishes a new snapshot. */
  public BackendSnapshot setWeight(String server, int weight) {
    int i = indexOf(server);
    return update(s -> {
      s[i] = s[i].withWeight(weight);
      return s;
    });
  }

  /**
   * Applies a change to a copy of the server statuses (index = server index) and publishes the snapshot
   * built from the result. Changes are serialised; the function must not block.
   */
  public BackendSnapshot update(UnaryOperator<ServerStatus[]> change) {
    synchronized (controlLock) {
      BackendSnapshot current = snapshot;
      ServerStatus[] status = new ServerStatus[current.serverCount()];
      for (int i = 0; i < status.length; i++) {
        status[i] = current.status(i);
      }
      ServerStatus[] next = change.apply(status);
      BackendSnapshot built =
          new BackendSnapshot(config, next, counters, totals, startupCumulative, versions.incrementAndGet());
      snapshot = built;
      return built;
    }
  }
}
