package org.stickyroute.spring.boot;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.stickyroute.Backend;
import org.stickyroute.BackendSnapshot;

/**
 * The health of one backend as HAProxy's stats page sees it: {@code UP} while at least one server can take
 * load-balanced requests (the backend's {@code UP} row; backups count when they are in use), {@code DOWN}
 * when none can (HAProxy answers 503). Details: each server's status word ({@code UP}, {@code STARTING},
 * {@code DOWN}, {@code DRAIN}, {@code MAINT}), and how many servers are usable and whether backups serve.
 */
public final class BackendHealthIndicator implements HealthIndicator {
  private final Backend backend;

  /** The indicator of {@code backend}. */
  public BackendHealthIndicator(Backend backend) {
    this.backend = backend;
  }

  @Override
  public Health health() {
    BackendSnapshot snap = backend.snapshot();
    int usable = snap.totalUsed(); // HAProxy's tot_used: servers of the group in use (actives, else backups)
    Map<String, String> servers = new LinkedHashMap<>();
    for (int i = 0; i < snap.serverCount(); i++) {
      servers.put(snap.server(i).name(), snap.state(i).statusWord().name());
    }
    Health.Builder h = usable > 0 ? Health.up() : Health.down();
    return h.withDetail("usable", usable).withDetail("backups-in-use", snap.usingBackups())
        .withDetail("servers", servers).build();
  }
}
