package org.stickyroute.config;

import java.util.Objects;

/**
 * A backend's {@code balance} algorithm. Immutable; build one with the static factories, for example {@code
 * Balance.uri().depth(2)} for {@code balance uri depth 2}.
 *
 * <p>Every HTTP algorithm of HAProxy 2.6: {@code roundrobin} (HAProxy's default when a backend names no
 * algorithm), {@code static-rr}, {@code leastconn}, {@code first}, {@code random[(draws)]}, and the hash-based
 * {@code source}, {@code uri [len n] [depth n] [whole] [path-only]}, {@code url_param <param> [check_post]},
 * {@code hdr(<name>) [use_domain_only]} and {@code hash <expr>}. The loader refuses {@code rdp-cookie}
 * (TCP only) and anything unknown.
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
    RANDOM,
    /** {@code balance first}: the lowest id with a free connection slot. */
    FIRST,
    /** {@code balance source}: a hash of the client address. */
    SOURCE,
    /** {@code balance url_param <param>}: a hash of a query (or form body) parameter. */
    URL_PARAM,
    /** {@code balance hdr(<name>)}: a hash of a request header. */
    HDR,
    /** {@code balance hash <expr>}: a hash of a sample expression. */
    HASH
  }

  /**
   * The options of {@code balance hdr(<name>) [use_domain_only]}.
   *
   * @param name the header name, as written (matched case-insensitively)
   * @param domainOnly the {@code use_domain_only} option
   */
  public record Header(String name, boolean domainOnly) {
    /** Validates the name. */
    public Header {
      if (name == null || name.isEmpty()) {
        throw new IllegalArgumentException("hdr() needs a header name");
      }
    }

    @Override
    public String toString() {
      return "hdr(" + name + ")" + (domainOnly ? " use_domain_only" : "");
    }
  }

  /**
   * The options of {@code balance url_param <param> [check_post]}. HAProxy 2.6 looks at a {@code POST} body
   * whether or not {@code check_post} is given; it is kept only to print the configuration back.
   *
   * @param name the parameter name (case-sensitive)
   * @param checkPost whether {@code check_post} was written
   */
  public record UrlParam(String name, boolean checkPost) {
    /** Validates the name. */
    public UrlParam {
      if (name == null || name.isEmpty()) {
        throw new IllegalArgumentException("url_param needs a parameter name");
      }
    }

    @Override
    public String toString() {
      return "url_param " + name + (checkPost ? " check_post" : "");
    }
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
  private final Object options; // Header, UrlParam or SampleExpression
  private final int draws;

  private Balance(Kind kind, Uri uri, int draws) {
    this(kind, uri, null, draws);
  }

  private Balance(Kind kind, Uri uri, Object options, int draws) {
    this.kind = kind;
    this.uri = uri;
    this.options = options;
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

  /** {@code balance first}. */
  public static Balance first() {
    return new Balance(Kind.FIRST, null, 0);
  }

  /** {@code balance source}. */
  public static Balance source() {
    return new Balance(Kind.SOURCE, null, 0);
  }

  /** {@code balance hdr(<name>) [use_domain_only]}. */
  public static Balance hdr(String name, boolean domainOnly) {
    return new Balance(Kind.HDR, null, new Header(name, domainOnly), 0);
  }

  /** {@code balance url_param <param> [check_post]}. */
  public static Balance urlParam(String name, boolean checkPost) {
    return new Balance(Kind.URL_PARAM, null, new UrlParam(name, checkPost), 0);
  }

  /** {@code balance hash <expr>}, for an expression {@link SampleExpression#parse} accepted. */
  public static Balance hash(SampleExpression expression) {
    return new Balance(Kind.HASH, null, Objects.requireNonNull(expression, "expression"), 0);
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

  /** The options of {@code balance hdr()}, or {@code null} for other algorithms. */
  public Header header() {
    return kind == Kind.HDR ? (Header) options : null;
  }

  /** The options of {@code balance url_param}, or {@code null} for other algorithms. */
  public UrlParam urlParam() {
    return kind == Kind.URL_PARAM ? (UrlParam) options : null;
  }

  /** The expression of {@code balance hash}, or {@code null} for other algorithms. */
  public SampleExpression expression() {
    return kind == Kind.HASH ? (SampleExpression) options : null;
  }

  /** The number of draws of {@code balance random}, or 0 for other algorithms. */
  public int draws() {
    return draws;
  }

  /**
   * True for the algorithms that hash a request key ({@code source}, {@code uri}, {@code url_param}, {@code
   * hdr}, {@code hash}): looked up in a map or a ring as {@code hash-type} says.
   */
  public boolean isHash() {
    return kind == Kind.URI || kind == Kind.SOURCE || kind == Kind.URL_PARAM || kind == Kind.HDR
        || kind == Kind.HASH;
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
        && Objects.equals(((Balance) o).options, options)
        && ((Balance) o).draws == draws;
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, uri, options, draws);
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
      case FIRST:
        return "first";
      case SOURCE:
        return "source";
      case HASH:
        return "hash " + options;
      case HDR:
      case URL_PARAM:
        return options.toString();
      default:
        return uri.toString();
    }
  }
}
