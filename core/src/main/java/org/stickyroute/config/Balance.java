package org.stickyroute.config;

import java.util.Objects;

/**
 * A backend's {@code balance} algorithm. Immutable; build one with the static factories, for example {@code
 * Balance.uri().depth(2)} for {@code balance uri depth 2}.
 *
 * <p>Supported: {@code roundrobin} (HAProxy's default when a backend names no algorithm), {@code static-rr},
 * {@code leastconn}, {@code uri [len n] [depth n] [whole] [path-only]} and {@code random[(draws)]}. The
 * configuration loader maps other HAProxy algorithms to {@code roundrobin} with a warning.
 */
public final class Balance {
  /** The algorithm family, mirroring HAProxy's {@code lb_*.c} files. */
  public enum Kind {
    /** {@code balance roundrobin}: weighted round robin, dynamic weights. */
    ROUNDROBIN,
    /** {@code balance static-rr}: weighted round robin over a static map. */
    STATIC_RR,
    /** {@code balance leastconn}: fewest in-flight requests per unit of weight. */
    LEASTCONN,
    /** {@code balance uri ...}: a hash of (part of) the request-target. */
    URI,
    /** {@code balance random(N)}: power of N choices. */
    RANDOM
  }

  private static final Uri PLAIN_URI = new Uri(0, 0, false, false);

  /**
   * The options of {@code balance uri [len <n>] [depth <n>] [whole] [path-only]}: which bytes of the
   * request-target HAProxy 2.6 hashes ({@code src/backend.c:get_server_uh}).
   *
   * @param len the {@code len} option, or 0 when absent
   * @param depth the {@code depth} option, or 0 when absent
   * @param whole the {@code whole} option: the query string is part of the key and its slashes count
   * @param pathOnly the {@code path-only} option
   */
  public record Uri(int len, int depth, boolean whole, boolean pathOnly) {
    /** Validates that {@code len} and {@code depth} are 0 (absent) or positive. */
    public Uri {
      if (len < 0 || depth < 0) {
        throw new IllegalArgumentException("len and depth must be positive (0 = absent)");
      }
    }

    /** The configuration form, e.g. {@code uri depth 2 path-only}. */
    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder("uri");
      if (len > 0) {
        sb.append(" len ").append(len);
      }
      if (depth > 0) {
        sb.append(" depth ").append(depth);
      }
      if (whole) {
        sb.append(" whole");
      }
      if (pathOnly) {
        sb.append(" path-only");
      }
      return sb.toString();
    }
  }

  private final Kind kind;
  private final Uri uri;
  private final int draws;

  private Balance(Kind kind, Uri uri, int draws) {
    this.kind = kind;
    this.uri = uri;
    this.draws = draws;
  }

  /** {@code balance roundrobin}. */
  public static Balance roundRobin() {
    return new Balance(Kind.ROUNDROBIN, null, 0);
  }

  /** {@code balance static-rr}. */
  public static Balance staticRoundRobin() {
    return new Balance(Kind.STATIC_RR, null, 0);
  }

  /** {@code balance leastconn}. */
  public static Balance leastConn() {
    return new Balance(Kind.LEASTCONN, null, 0);
  }

  /** {@code balance random} (two draws). */
  public static Balance random() {
    return random(2);
  }

  /** {@code balance random(draws)}: the least loaded of {@code draws} distinct random servers. */
  public static Balance random(int draws) {
    if (draws < 1) {
      throw new IllegalArgumentException("random draws must be >= 1, got " + draws);
    }
    return new Balance(Kind.RANDOM, null, draws);
  }

  /** Plain {@code balance uri}; refine with {@link #depth}, {@link #len}, {@link #whole}, {@link #pathOnly}. */
  public static Balance uri() {
    return new Balance(Kind.URI, PLAIN_URI, 0);
  }

  /** {@code balance uri} with the given key options. */
  public static Balance uri(Uri options) {
    return new Balance(Kind.URI, Objects.requireNonNull(options, "options"), 0);
  }

  /** Adds {@code depth n} to a {@code balance uri}. */
  public Balance depth(int depth) {
    Uri k = requireUri();
    return uri(new Uri(k.len(), depth, k.whole(), k.pathOnly()));
  }

  /** Adds {@code len n} to a {@code balance uri}. */
  public Balance len(int len) {
    Uri k = requireUri();
    return uri(new Uri(len, k.depth(), k.whole(), k.pathOnly()));
  }

  /** Adds {@code whole} to a {@code balance uri}. */
  public Balance whole() {
    Uri k = requireUri();
    return uri(new Uri(k.len(), k.depth(), true, k.pathOnly()));
  }

  /** Adds {@code path-only} to a {@code balance uri}. */
  public Balance pathOnly() {
    Uri k = requireUri();
    return uri(new Uri(k.len(), k.depth(), k.whole(), true));
  }

  private Uri requireUri() {
    if (kind != Kind.URI) {
      throw new IllegalStateException("only 'balance uri' takes key options");
    }
    return uri;
  }

  /** The algorithm family. */
  public Kind kind() {
    return kind;
  }

  /** The key options of {@code balance uri}, or {@code null} for other algorithms. */
  public Uri uriOptions() {
    return uri;
  }

  /** The number of draws of {@code balance random}, or 0 for other algorithms. */
  public int draws() {
    return draws;
  }

  /** True for the algorithms that hash a request key ({@code uri}). */
  public boolean isHash() {
    return kind == Kind.URI;
  }

  /** True for the algorithms whose table ignores runtime weight changes (HAProxy's static algorithms). */
  public boolean isStatic() {
    return kind == Kind.STATIC_RR;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Balance
        && ((Balance) o).kind == kind
        && Objects.equals(((Balance) o).uri, uri)
        && ((Balance) o).draws == draws;
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, uri, draws);
  }

  /** The configuration form, e.g. {@code uri depth 2} or {@code random(2)}. */
  @Override
  public String toString() {
    switch (kind) {
      case ROUNDROBIN:
        return "roundrobin";
      case STATIC_RR:
        return "static-rr";
      case LEASTCONN:
        return "leastconn";
      case RANDOM:
        return "random(" + draws + ")";
      default:
        return uri.toString();
    }
  }
}
