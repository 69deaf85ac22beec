package org.stickyroute;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Every frontend and backend of a {@link Router} at one moment, in configuration order (HAProxy's stats page
 * and {@code show stat} order). Immutable; get it from {@link Router#stats()}.
 *
 * @param proxies one entry per section, in declaration order; a {@code listen} section is one entry with both
 *     halves
 * @param at when the stats were read
 */
public record RouterStats(List<ProxyStats> proxies, Instant at) {
  /** Copies the list. */
  public RouterStats {
    proxies = List.copyOf(proxies);
  }

  /** The sections to show: every one except the stats-only ones ({@link ProxyStats#statsOnly()}). */
  public List<ProxyStats> visible() {
    List<ProxyStats> out = new ArrayList<>(proxies.size());
    for (ProxyStats p : proxies) {
      if (!p.statsOnly()) {
        out.add(p);
      }
    }
    return out;
  }

  /** Every frontend row, stats-only ones included, in configuration order. */
  public List<FrontendStats> frontends() {
    List<FrontendStats> out = new ArrayList<>();
    for (ProxyStats p : proxies) {
      if (p.frontend() != null) {
        out.add(p.frontend());
      }
    }
    return out;
  }

  /** Every backend, stats-only ones included, in configuration order. */
  public List<BackendStats> backends() {
    List<BackendStats> out = new ArrayList<>();
    for (ProxyStats p : proxies) {
      if (p.backend() != null) {
        out.add(p.backend());
      }
    }
    return out;
  }

  /** The section with this name, or {@code null}. */
  public ProxyStats proxy(String name) {
    for (ProxyStats p : proxies) {
      if (p.name().equals(name)) {
        return p;
      }
    }
    return null;
  }
}
