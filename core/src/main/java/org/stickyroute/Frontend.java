package org.stickyroute;

import java.util.List;
import java.util.Map;
import org.stickyroute.config.AclConfig;
import org.stickyroute.config.FrontendConfig;
import org.stickyroute.config.UseBackendRule;
import org.stickyroute.counters.TrafficCounters;
import org.stickyroute.hash.internal.ByteView;
import org.stickyroute.key.RequestTarget;

/**
 * A frontend's routing rules compiled for the request path: {@code acl path_beg [-i]}, {@code use_backend
 * if|unless} and {@code default_backend}. Immutable, thread-safe, allocation-free.
 *
 * <p>{@code path} is the request-target's path as HAProxy extracts it (absolute-form skips scheme and
 * authority; the query is excluded; no decoding). When a target has no path ({@code *}, authority-form) an
 * ACL is false, so {@code !acl} is true. {@code path_beg} is a byte-prefix test; {@code -i} folds ASCII
 * letters only, as {@code strncasecmp}.
 */
public final class Frontend {
  private final FrontendConfig config;
  /** The frontend's traffic counters ({@code FRONTEND} row of the stats). */
  final TrafficCounters traffic = new TrafficCounters();
  // acls[a] = patterns; ignoreCase[a][p]
  private final String[][] patterns;
  private final boolean[][] ignoreCase;
  // rules: backend index, unless flag, groups of (acl index, negated)
  private final int[] ruleBackend;
  private final boolean[] ruleUnless;
  private final int[][][] ruleGroups; // [rule][group][term] = acl index * 2 + (negated ? 1 : 0)
  private final int defaultBackend;

  Frontend(FrontendConfig config, Map<String, Integer> backendIndex) {
    this.config = config;
    List<AclConfig> acls = config.acls();
    patterns = new String[acls.size()][];
    ignoreCase = new boolean[acls.size()][];
    for (int a = 0; a < acls.size(); a++) {
      List<AclConfig.PathPrefix> pp = acls.get(a).prefixes();
      patterns[a] = new String[pp.size()];
      ignoreCase[a] = new boolean[pp.size()];
      for (int p = 0; p < pp.size(); p++) {
        patterns[a][p] = pp.get(p).prefix();
        ignoreCase[a][p] = pp.get(p).ignoreCase();
      }
    }
    Map<String, Integer> aclIndex = new java.util.HashMap<>();
    for (int a = acls.size() - 1; a >= 0; a--) {
      aclIndex.put(acls.get(a).name(), a); // the first ACL of a name wins, as a scan would
    }
    List<UseBackendRule> rules = config.rules();
    ruleBackend = new int[rules.size()];
    ruleUnless = new boolean[rules.size()];
    ruleGroups = new int[rules.size()][][];
    for (int r = 0; r < rules.size(); r++) {
      UseBackendRule rule = rules.get(r);
      ruleBackend[r] = backendIndex.get(rule.backend());
      ruleUnless[r] = rule.unless();
      ruleGroups[r] = new int[rule.anyOf().size()][];
      for (int g = 0; g < rule.anyOf().size(); g++) {
        List<UseBackendRule.Term> terms = rule.anyOf().get(g);
        ruleGroups[r][g] = new int[terms.size()];
        for (int t = 0; t < terms.size(); t++) {
          Integer acl = aclIndex.get(terms.get(t).acl());
          if (acl == null) {
            throw new IllegalArgumentException("no ACL " + terms.get(t).acl());
          }
          ruleGroups[r][g][t] = acl * 2 + (terms.get(t).negated() ? 1 : 0);
        }
      }
    }
    defaultBackend = config.defaultBackend() == null ? -1 : backendIndex.get(config.defaultBackend());
  }

  /** The frontend's name. */
  public String name() {
    return config.name();
  }

  /** The configuration. */
  public FrontendConfig config() {
    return config;
  }

  /**
   * The index (in {@link Router#backends()}) of the backend that serves {@code target[from, to)}, or -1 when
   * no rule matches and there is no {@code default_backend} (HAProxy answers 503).
   */
  public int backendIndex(CharSequence target, int from, int to) {
    int pathStart = RequestTarget.pathStart(target, from, to);
    int pathEnd = pathStart < 0 ? -1 : RequestTarget.pathEnd(target, pathStart, to);
    for (int r = 0; r < ruleBackend.length; r++) {
      boolean match = ruleGroups[r].length == 0;
      for (int[] group : ruleGroups[r]) {
        boolean all = true;
        for (int term : group) {
          boolean v = aclMatches(term >>> 1, target, pathStart, pathEnd);
          if ((term & 1) != 0) {
            v = !v;
          }
          if (!v) {
            all = false;
            break;
          }
        }
        if (all) {
          match = true;
          break;
        }
      }
      if (match != ruleUnless[r]) {
        return ruleBackend[r];
      }
    }
    return defaultBackend;
  }

  private boolean aclMatches(int acl, CharSequence s, int pathStart, int pathEnd) {
    if (pathStart < 0) {
      return false;
    }
    String[] pats = patterns[acl];
    for (int p = 0; p < pats.length; p++) {
      if (startsWith(s, pathStart, pathEnd, pats[p], ignoreCase[acl][p])) {
        return true;
      }
    }
    return false;
  }

  /** Byte-view prefix test of {@code pattern} (a string of byte values) against {@code s[from, to)}. */
  static boolean startsWith(CharSequence s, int from, int to, String pattern, boolean ignoreCase) {
    int i = from;
    int k = 0;
    int plen = pattern.length();
    while (k < plen) {
      if (i >= to) {
        return false;
      }
      char c = s.charAt(i);
      if (c <= 0xFF) {
        if (!sameByte(c, pattern.charAt(k), ignoreCase)) {
          return false;
        }
        i++;
        k++;
      } else {
        int unit = ByteView.unit(s, i, to);
        int n = ByteView.unitBytes(unit);
        for (int b = 0; b < n; b++) {
          if (k >= plen) {
            return true;
          }
          if (ByteView.unitByte(unit, b) != pattern.charAt(k)) {
            return false;
          }
          k++;
        }
        i += ByteView.unitChars(unit);
      }
    }
    return true;
  }

  private static boolean sameByte(int a, int b, boolean ignoreCase) {
    if (a == b) {
      return true;
    }
    if (!ignoreCase) {
      return false;
    }
    if (a >= 'A' && a <= 'Z') {
      a += 32;
    }
    if (b >= 'A' && b <= 'Z') {
      b += 32;
    }
    return a == b;
  }
}
