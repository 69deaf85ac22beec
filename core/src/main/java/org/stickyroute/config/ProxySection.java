package org.stickyroute.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code defaults}, {@code frontend}, {@code backend} or {@code listen} section while it is read. Its
 * settings live in the model's own builders — the backend's {@link BackendConfig.Builder} and the {@code
 * default-server} line's {@link ServerConfig.Builder} — which a {@code defaults} section hands to the sections
 * after it; the rest is what only a whole section decides (ACLs that may turn out unsupported, rules to check
 * against them, the stats lines).
 */
final class ProxySection {
  /** Section kinds. */
  enum Kind {
    GLOBAL,
    DEFAULTS,
    FRONTEND,
    BACKEND,
    LISTEN,
    /** A section stickyroute skips (another kind, or a name HAProxy would refuse). */
    IGNORED
  }

  /** An ACL being collected from one or more {@code acl} lines with the same name. */
  static final class Acl {
    final String name;
    final SourceLocation location;
    final List<AclConfig.PathPrefix> prefixes = new ArrayList<>();
    boolean unsupported;

    Acl(String name, SourceLocation location) {
      this.name = name;
      this.location = location;
    }
  }

  final Kind kind;
  final String name;
  final SourceLocation location;

  // inherited from the defaults section in force
  /** The backend settings and servers ({@code balance}, {@code cookie}, {@code option}s, timeouts...). */
  final BackendConfig.Builder backend;
  /** {@code default-server}: the settings every {@code server} line starts from. */
  final ServerConfig.Builder defaultServer;
  /** Where the {@code cookie} line was (perhaps in the defaults section), for warnings about it. */
  SourceLocation cookieAt;
  /** {@code default_backend}, or {@code null}. */
  String defaultBackend;
  /** Where {@code default_backend} was. */
  SourceLocation defaultBackendAt;

  // this section's own
  final List<String> binds = new ArrayList<>();
  final Map<String, Acl> acls = new LinkedHashMap<>();
  final List<UseBackendRule> rules = new ArrayList<>();
  String statsUri;
  final List<StatsConfig.Credential> statsAuth = new ArrayList<>();
  SourceLocation statsAt;
  boolean statsAdmin;
  int statsRefresh;

  private ProxySection(Kind kind, String name, SourceLocation location, BackendConfig.Builder backend,
      ServerConfig.Builder defaultServer) {
    this.kind = kind;
    this.name = name;
    this.location = location;
    this.backend = backend;
    this.defaultServer = defaultServer;
  }

  /** A section without settings ({@code global}, or a skipped one). */
  static ProxySection bare(Kind kind, String name, SourceLocation at) {
    return new ProxySection(kind, name, at, null, null);
  }

  /** A new {@code defaults} section: HAProxy's built-in defaults. */
  static ProxySection defaults(String name, SourceLocation at) {
    return new ProxySection(Kind.DEFAULTS, name, at, BackendConfig.builder(name), copy(null));
  }

  /** A {@code default-server} builder with the settings of {@code template} ({@code null}: HAProxy's). */
  private static ServerConfig.Builder copy(ServerConfig.Builder template) {
    return template == null
        ? ServerConfig.builder("default-server", "", 0)
        : template.build().toBuilder("default-server", "", 0);
  }

  /** A proxy section that starts from the settings of {@code defaults}. */
  static ProxySection inheriting(Kind kind, String name, SourceLocation at, ProxySection defaults) {
    ProxySection s = new ProxySection(kind, name, at, defaults.backend.build().toBuilder(name).location(at),
        copy(defaults.defaultServer));
    s.cookieAt = defaults.cookieAt;
    s.defaultBackend = defaults.defaultBackend;
    s.defaultBackendAt = defaults.defaultBackendAt;
    return s;
  }

  boolean isFrontend() {
    return kind == Kind.FRONTEND || kind == Kind.LISTEN;
  }

  boolean isBackend() {
    return kind == Kind.BACKEND || kind == Kind.LISTEN;
  }
}
