package org.stickyroute.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The frontend's choice of backend: {@code acl <name> path_beg [-i] <prefix>...}, {@code use_backend <name>
 * [if|unless <condition>]}, {@code default_backend <name>}, and {@code bind}. An ACL of another criterion is a
 * warning, and so is every rule that uses it; a rule naming an ACL not declared before it is an error.
 * Whether a rule's backend exists is the model's rule ({@link RoutingConfig}), checked once the whole file is
 * read.
 */
final class FrontendRuleParser {
  private static final Set<String> PREDEFINED_ACLS =
      Set.of("TRUE", "FALSE", "HTTP", "HTTP_1.0", "HTTP_1.1", "METH_GET", "LOCALHOST");

  private FrontendRuleParser() {}

  /** {@code default_backend <name>} (ignored in a backend section; inherited from {@code defaults}). */
  static void defaultBackend(Line l, ProxySection s) {
    if (s.kind == ProxySection.Kind.BACKEND) {
      l.warn(l.keyword(), "ignored in a backend section");
      return;
    }
    if (l.size() < 2) {
      throw l.error(l.keyword(), "expects a backend name");
    }
    s.defaultBackend = l.word(1);
    s.defaultBackendAt = l.location();
  }

  /** {@code bind <address>}, kept for adapters that listen (not used for routing). */
  static void bind(Line l, ProxySection s) {
    if (!s.isFrontend()) {
      l.warn(l.keyword(), "only meaningful in frontend and listen sections; skipped");
      return;
    }
    if (l.size() < 2) {
      throw l.error(l.keyword(), "expects an address");
    }
    s.binds.add(l.word(1));
  }

  /** {@code acl <name> <criterion> [flags] <pattern>...}: only {@code path_beg [-i]} is supported. */
  static void acl(Line l, ProxySection s) {
    if (s.kind == ProxySection.Kind.DEFAULTS) {
      l.warn(l.keyword(), "ACLs in defaults sections are not supported; skipped");
      return;
    }
    if (l.size() < 3) {
      throw l.error("acl", "expects a name and a criterion");
    }
    String name = l.word(1);
    String criterion = l.word(2);
    ProxySection.Acl acl = s.acls.computeIfAbsent(name, n -> new ProxySection.Acl(n, l.location()));
    boolean supported = criterion.equals("path_beg") || criterion.equals("path");
    boolean ignoreCase = false;
    boolean matchBeg = criterion.equals("path_beg");
    int i = 3;
    for (; i < l.size(); i++) {
      String f = l.word(i);
      if (!f.startsWith("-") || f.equals("-")) {
        break;
      }
      if (f.equals("--")) {
        i++;
        break;
      }
      if (f.equals("-i")) {
        ignoreCase = true;
      } else if (f.equals("-m") && i + 1 < l.size()) {
        String m = l.word(++i);
        matchBeg = m.equals("beg");
        if (!matchBeg) {
          supported = false;
        }
      } else {
        supported = false;
      }
    }
    if (!supported || !matchBeg) {
      acl.unsupported = true;
      l.warn(criterion, "ACL criterion not supported (only 'path_beg [-i]'); rules using ACL '" + name + "' are skipped");
      return;
    }
    if (i >= l.size()) {
      throw l.error(name, "ACL without any pattern");
    }
    for (; i < l.size(); i++) {
      acl.prefixes.add(new AclConfig.PathPrefix(l.word(i), ignoreCase));
    }
  }

  /** {@code use_backend <name> [if|unless <acl> [!<acl>]... [or|'||' ...]]}. */
  static void useBackend(Line l, ProxySection s) {
    if (!s.isFrontend()) {
      l.warn(l.keyword(), "only meaningful in frontend and listen sections; skipped");
      return;
    }
    if (l.size() < 2) {
      throw l.error("use_backend", "expects a backend name");
    }
    String backend = l.word(1);
    if (backend.contains("%[")) {
      l.warn(backend, "dynamic backend names are not supported; rule skipped");
      return;
    }
    if (l.size() == 2) {
      s.rules.add(new UseBackendRule(backend, false, List.of(), l.location()));
      return;
    }
    if (l.size() == 3) {
      throw l.error(l.word(2), "expects 'if' or 'unless' followed by a condition");
    }
    String mode = l.word(2);
    if (!mode.equals("if") && !mode.equals("unless")) {
      throw l.error(mode, "expects 'if' or 'unless'");
    }
    List<List<UseBackendRule.Term>> groups = new ArrayList<>();
    List<UseBackendRule.Term> group = new ArrayList<>();
    for (int i = 3; i < l.size(); i++) {
      String t = l.word(i);
      if (t.equals("or") || t.equals("||")) {
        if (group.isEmpty()) {
          throw l.error(t, "empty condition before 'or'");
        }
        groups.add(group);
        group = new ArrayList<>();
        continue;
      }
      if (t.equals("{")) {
        l.warn(t, "anonymous ACLs are not supported; rule skipped");
        return;
      }
      boolean neg = false;
      int k = 0;
      while (k < t.length() && t.charAt(k) == '!') {
        neg = !neg;
        k++;
      }
      String acl = t.substring(k);
      if (acl.isEmpty()) {
        throw l.error(t, "expects an ACL name");
      }
      ProxySection.Acl a = s.acls.get(acl);
      if (a == null) {
        if (PREDEFINED_ACLS.contains(acl)) {
          l.warn(acl, "predefined ACLs are not supported; rule skipped");
          return;
        }
        throw l.error(acl, "no such ACL");
      }
      if (a.unsupported) {
        l.warn(acl, "rule uses an unsupported ACL; skipped");
        return;
      }
      group.add(new UseBackendRule.Term(acl, neg));
    }
    if (group.isEmpty()) {
      throw l.error(l.word(l.size() - 1), "empty condition");
    }
    groups.add(group);
    s.rules.add(new UseBackendRule(backend, mode.equals("unless"), groups, l.location()));
  }
}
