package org.stickyroute.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns the sections read into the immutable model: one {@link BackendConfig} per backend and listen section
 * (from its builder), one {@link FrontendConfig} per frontend and listen section, and the {@link
 * RoutingConfig}, which checks that every rule names a backend. Warns about what only a whole backend shows:
 * cookie values that reveal an address, servers that can never be sticky, {@code dynamic} without a key.
 */
final class ConfigAssembler {
  private final Warnings warnings;

  ConfigAssembler(Warnings warnings) {
    this.warnings = warnings;
  }

  RoutingConfig assemble(List<ProxySection> sections) {
    List<BackendConfig> backends = new ArrayList<>();
    for (ProxySection s : sections) {
      if (s.isBackend()) {
        backends.add(backend(s));
      }
    }
    Set<String> names = new HashSet<>();
    backends.forEach(b -> names.add(b.name()));
    List<FrontendConfig> frontends = new ArrayList<>();
    for (ProxySection s : sections) {
      if (s.isFrontend()) {
        FrontendConfig f = frontend(s);
        // The model's reference rules, in the section's order, over every rule read: a rule skipped for an ACL
        // that turned out unsupported must still name a backend, as it always had to.
        RoutingConfig.checkDefaultBackend(f, names);
        for (UseBackendRule r : s.rules) {
          RoutingConfig.checkRuleBackend(r, names);
        }
        frontends.add(f);
      }
    }
    return new RoutingConfig(frontends, backends, warnings.sorted());
  }

  private static FrontendConfig frontend(ProxySection s) {
    FrontendConfig.Builder f = FrontendConfig.builder(s.name).location(s.location);
    s.binds.forEach(f::bind);
    if (s.defaultBackend != null) {
      f.defaultBackend(s.defaultBackend, s.defaultBackendAt);
    } else if (s.kind == ProxySection.Kind.LISTEN) {
      f.defaultBackend(s.name, s.location);
    }
    for (UseBackendRule r : s.rules) {
      // An ACL can become unsupported after a rule used it (a later 'acl' line with the same name and an
      // unsupported criterion): its warning promised that rules using it are skipped, so skip them here.
      if (!usesUnsupportedAcl(r, s)) {
        f.rule(r);
      }
    }
    for (ProxySection.Acl a : s.acls.values()) {
      if (!a.unsupported) {
        f.acl(new AclConfig(a.name, a.prefixes, a.location));
      }
    }
    if (s.statsAt != null) {
      f.stats(new StatsConfig(s.statsUri, s.statsAuth, s.statsAt, s.statsAdmin, s.statsRefresh));
    }
    return f.build();
  }

  private static boolean usesUnsupportedAcl(UseBackendRule r, ProxySection s) {
    for (List<UseBackendRule.Term> group : r.anyOf()) {
      for (UseBackendRule.Term t : group) {
        ProxySection.Acl a = s.acls.get(t.acl());
        if (a != null && a.unsupported) {
          return true;
        }
      }
    }
    return false;
  }

  private BackendConfig backend(ProxySection s) {
    BackendConfig b = s.backend.build();
    CookieConfig cookie = b.cookie();
    if (cookie == null) {
      return b;
    }
    for (ServerConfig sc : b.servers()) {
      if (sc.cookie() != null && sc.cookie().contains(sc.host())) {
        warnings.warn(sc.location(), sc.cookie(), "server '" + sc.name() + "' cookie value contains its address '"
            + sc.host() + "': every client will see it; use an opaque value");
      }
      if (b.wantsDynamicCookie(sc) && !b.dynamicCookie(sc)) {
        warnings.warn(sc.location(), sc.host(), "server '" + sc.name() + "' has a host name: stickyroute does not"
            + " resolve names, so it gets no dynamic cookie (HAProxy would hash the address it resolves); write an"
            + " IP address");
      }
    }
    if (cookie.mode() == CookieConfig.Mode.INSERT) {
      List<ServerConfig> missing = new ArrayList<>();
      for (ServerConfig sc : b.servers()) {
        if (sc.cookie() == null && !b.dynamicCookie(sc)) {
          missing.add(sc);
        }
      }
      if (!missing.isEmpty()) {
        warnings.warn(missing.get(0).location(), missing.get(0).name(),
            "backend '" + s.name + "' inserts cookie '" + cookie.name() + "' but server(s) "
                + missing.stream().map(ServerConfig::name).toList()
                + " have no 'cookie' value (nor 'dynamic' with a dynamic-cookie-key): they can never be sticky");
      }
    }
    if (cookie.dynamic() && b.dynamicCookieKey() == null) {
      // the 'cookie' line (perhaps in a defaults section) holds the word
      warnings.warn(s.cookieAt, "dynamic", "backend '" + s.name + "' uses 'cookie ... dynamic' without 'dynamic-cookie-key'");
    }
    return b;
  }
}
