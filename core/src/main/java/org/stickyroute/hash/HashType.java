package org.stickyroute.hash;

import java.util.Objects;
import org.stickyroute.hash.internal.Avalanche;

/**
 * A backend's {@code hash-type <method> [<function> [avalanche]]}: how the key hash is computed and which
 * table it is looked up in.
 *
 * <p>HAProxy's defaults, reproduced by {@link #parse}: no {@code hash-type} line means map-based sdbm
 * without avalanche; a bare {@code hash-type consistent} means consistent sdbm <em>with</em> avalanche (the
 * only case where avalanche is implicit); naming a function turns the implicit avalanche off again unless
 * {@code avalanche} follows it.
 *
 * @param method map-based or consistent
 * @param function the key hash function
 * @param avalanche whether HAProxy's {@code full_hash} mix is applied to the key hash
 */
public record HashType(Method method, HashFunction function, boolean avalanche) {

  /** HAProxy's default: {@code hash-type map-based} with sdbm and no avalanche. */
  public static final HashType DEFAULT = new HashType(Method.MAP_BASED, HashFunction.SDBM, false);

  /** The table a key hash is looked up in. */
  public enum Method {
    /** {@code map-based}: {@code server = map[hash mod total_weight]}; static, most keys move on changes. */
    MAP_BASED,
    /** {@code consistent}: a ring of 16 points per unit of weight; only a changed server's keys move. */
    CONSISTENT
  }

  /** Validates the components. */
  public HashType {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(function, "function");
  }

  /** {@code hash-type map-based} with the given function, no avalanche. */
  public static HashType mapBased(HashFunction function) {
    return new HashType(Method.MAP_BASED, function, false);
  }

  /** A bare {@code hash-type consistent}: sdbm with the implicit avalanche. */
  public static HashType consistent() {
    return new HashType(Method.CONSISTENT, HashFunction.SDBM, true);
  }

  /** {@code hash-type consistent <function>}: no avalanche unless {@link #withAvalanche()} is called. */
  public static HashType consistent(HashFunction function) {
    return new HashType(Method.CONSISTENT, function, false);
  }

  /** The same hash type with the {@code avalanche} modifier. */
  public HashType withAvalanche() {
    return new HashType(method, function, true);
  }

  /** True for {@code consistent}. */
  public boolean isConsistent() {
    return method == Method.CONSISTENT;
  }

  /**
   * Applies the function and, when configured, the avalanche mix to {@code s[from, to)}. Allocation-free.
   */
  public int hash(CharSequence s, int from, int to) {
    int h = function.hash(s, from, to);
    return avalanche ? Avalanche.fullHash(h) : h;
  }

  /**
   * Parses the words after {@code hash-type}, exactly as HAProxy 2.6 accepts them.
   *
   * @param words e.g. {@code ["consistent"]}, {@code ["map-based", "crc32", "avalanche"]}
   * @return the hash type
   * @throws IllegalArgumentException naming the offending word (unknown method, unknown function, or an
   *     unknown modifier)
   */
  public static HashType parse(java.util.List<String> words) {
    if (words.isEmpty()) {
      throw new IllegalArgumentException("hash-type expects 'map-based' or 'consistent'");
    }
    Method method;
    switch (words.get(0)) {
      case "map-based":
        method = Method.MAP_BASED;
        break;
      case "consistent":
        method = Method.CONSISTENT;
        break;
      default:
        throw new IllegalArgumentException(
            "'" + words.get(0) + "': hash-type expects 'map-based' or 'consistent'");
    }
    if (words.size() == 1) {
      return new HashType(method, HashFunction.SDBM, method == Method.CONSISTENT);
    }
    HashFunction fn = HashFunction.fromConfigName(words.get(1));
    if (fn == null) {
      throw new IllegalArgumentException(
          "'" + words.get(1) + "': hash-type only supports 'sdbm', 'djb2', 'crc32', or 'wt6'");
    }
    if (words.size() == 2) {
      return new HashType(method, fn, false);
    }
    if (!words.get(2).equals("avalanche") || words.size() > 3) {
      String bad = words.get(2).equals("avalanche") ? words.get(3) : words.get(2);
      throw new IllegalArgumentException("'" + bad + "': hash-type only supports the 'avalanche' modifier");
    }
    return new HashType(method, fn, true);
  }

  /** The configuration form, e.g. {@code consistent sdbm avalanche}. */
  @Override
  public String toString() {
    return (method == Method.MAP_BASED ? "map-based " : "consistent ")
        + function.configName()
        + (avalanche ? " avalanche" : "");
  }
}
