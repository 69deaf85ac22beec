package org.stickyroute;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.stickyroute.config.BackendConfig;
import org.stickyroute.config.FrontendConfig;
import org.stickyroute.config.RoutingConfig;

/**
 * The routing decisions of one configuration: frontends pick a backend, backends pick a server. Create one
 * with {@link #create(RoutingConfig)}; it lives as long as the configuration. Thread-safe: every request
 * method reads immutable state and the current snapshot of each backend.
 *
 * <pre>{@code
 * Router router = Router.create(ConfigLoader.load(Path.of("haproxy.cfg")).config());
 * Backend projects = router.backend("sharelatex_project");
 * int s = projects.snapshot().select("/project/5f3c/compile");
 * String name = projects.snapshot().server(s).name();
 * }</pre>
 */
public final class Router {
  private final RoutingConfig config;
  private final List<Backend> backends;
  private final Map<String, Backend> backendsByName;
  private final List<Frontend> frontends;
  private final Map<String, Frontend> frontendsByName;

  private Router(RoutingConfig config) {
    this.config = config;
    List<Backend> bs = new ArrayList<>();
    Map<String, Backend> byName = new HashMap<>();
    Map<String, Integer> index = new HashMap<>();
    for (BackendConfig bc : config.backends()) {
      Backend b = new Backend(bc);
      index.put(bc.name(), bs.size());
      bs.add(b);
      byName.put(bc.name(), b);
    }
    this.backends = Collections.unmodifiableList(bs);
    this.backendsByName = Collections.unmodifiableMap(byName);
    List<Frontend> fs = new ArrayList<>();
    Map<String, Frontend> fByName = new HashMap<>();
    for (FrontendConfig fc : config.frontends()) {
      Frontend f = new Frontend(fc, index);
      fs.add(f);
      fByName.put(fc.name(), f);
    }
    this.frontends = Collections.unmodifiableList(fs);
    this.frontendsByName = Collections.unmodifiableMap(fByName);
  }

  /** A router for this configuration, with every server in its configured initial state. */
  public static Router create(RoutingConfig config) {
    return new Router(config);
  }

  /** The configuration. */
  public RoutingConfig config() {
    return config;
  }

  /** Every backend, in declaration order (the order of {@link Frontend#backendIndex} results). */
  public List<Backend> backends() {
    return backends;
  }

  /** The backend with this name, or {@code null}. */
  public Backend backend(String name) {
    return backendsByName.get(name);
  }

  /** Every frontend (and listen section with frontend rules), in declaration order. */
  public List<Frontend> frontends() {
    return frontends;
  }

  /** The frontend with this name, or {@code null}. */
  public Frontend frontend(String name) {
    return frontendsByName.get(name);
  }

  /**
   * The backend {@code frontend} sends {@code target} to, or {@code null} when no rule matches and there is
   * no default backend.
   */
  public Backend backendFor(Frontend frontend, CharSequence target) {
    int b = frontend.backendIndex(target, 0, target.length());
    return b < 0 ? null : backends.get(b);
  }
}
