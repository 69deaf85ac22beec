package org.stickyroute.key;

import java.util.List;
import java.util.Objects;
import org.stickyroute.config.SampleExpression;
import org.stickyroute.config.SampleTerm;
import org.stickyroute.hash.internal.Avalanche;
import org.stickyroute.hash.HashFunction;
import org.stickyroute.hash.HashType;
import org.stickyroute.http.IpAddress;
import org.stickyroute.http.RequestView;

/**
 * The key of {@code balance hash <expr>} ({@code src/backend.c:get_server_expr}): the sample expression is
 * evaluated, cast to binary ({@code sample_fetch_as_type(..., SMP_T_BIN)}: strings as their bytes, integers
 * as 8 big-endian bytes, addresses as 4 or 16 bytes) and hashed with the backend's {@code hash-type}. When
 * the fetch finds nothing or a converter fails, there is no key. An empty value is a key (the hash of no
 * bytes), unlike {@code balance hdr}'s.
 *
 * <p>The expression is compiled once from the loader's checked {@link SampleExpression}; evaluation is
 * allocation-free: a value the fetch finds in the request is hashed in place when no converter follows, and
 * otherwise copied into a per-thread {@link Sample} whose buffers grow to the largest value seen.
 *
 * <p>Fetch semantics, as HAProxy 2.6 in a {@code balance hash} (not an ACL): {@code req.hdr(name)} is the
 * <em>last</em> comma-separated value of all fields named {@code name} ({@code ,occ} picks another: 1 is the
 * first, -1 the last, back to -10); {@code req.fhdr} the same over whole fields; {@code req.cook(name)} the
 * last cookie of that name; {@code url_param(name)} the first parameter of the query; {@code path}, {@code
 * pathq}, {@code url}, {@code query} parts of the raw request-target; {@code base} the first {@code Host}
 * value followed by the path (the path alone without a {@code Host}); {@code src} the client address.
 */
public final class SampleKey implements KeyExtractor {
  private static final ThreadLocal<Sample> SAMPLE = ThreadLocal.withInitial(Sample::new);

  private static final int HDR = 1;
  private static final int FHDR = 2;
  private static final int COOK = 3;
  private static final int URLP = 4;
  private static final int PATH = 5;
  private static final int PATHQ = 6;
  private static final int BASE = 7;
  private static final int BASEQ = 8;
  private static final int URL = 9;
  private static final int QUERY = 10;
  private static final int SRC = 11;
  private static final int NEVER = 12;

  private final SampleExpression expression;
  private final int fetch;
  private final String name;
  private final int occurrence;
  private final char delim;
  private final Converter[] converters;
  private final HashFunction function;
  private final boolean avalanche;

  /**
   * Compiles {@code expression} for a backend with this {@code hash-type}.
   *
   * @throws IllegalArgumentException if the expression names something {@link SampleExpression} does not
   *     accept (it cannot, when it comes from {@link SampleExpression#parse})
   */
  public SampleKey(SampleExpression expression, HashType type) {
    this.expression = Objects.requireNonNull(expression, "expression");
    this.function = type.function();
    this.avalanche = type.avalanche();
    SampleTerm f = expression.fetch();
    String canonical = SampleExpression.canonical(f.keyword());
    String n = f.has(0) ? f.string(0) : "";
    int occ = 0;
    char d = '?';
    int op;
    switch (canonical) {
      case "req.hdr":
      case "req.fhdr":
        op = !f.has(0) ? NEVER : canonical.equals("req.hdr") ? HDR : FHDR;
        // No occurrence, or 0, is the last one (HAProxy: "single fetch => last header by default").
        occ = f.has(1) && f.integer(1) != 0 ? (int) Math.max(-11, Math.min(Integer.MAX_VALUE, f.integer(1))) : -1;
        break;
      case "req.cook":
        op = COOK;
        break;
      case "url_param":
        op = URLP;
        if (f.has(1)) {
          d = f.string(1).isEmpty() ? 0 : f.string(1).charAt(0);
        }
        break;
      case "path":
        op = PATH;
        break;
      case "pathq":
        op = PATHQ;
        break;
      case "base":
        op = BASE;
        break;
      case "baseq":
        op = BASEQ;
        break;
      case "url":
        op = URL;
        break;
      case "query":
        op = QUERY;
        break;
      case "src":
        op = SRC;
        break;
      default:
        throw new IllegalArgumentException("'" + f.keyword() + "': sample fetch not supported");
    }
    this.fetch = op;
    this.name = op == HDR || op == FHDR ? HeaderScan.lower(n) : n;
    this.occurrence = occ;
    this.delim = d;
    List<SampleTerm> cs = expression.converters();
    this.converters = new Converter[cs.size()];
    for (int i = 0; i < converters.length; i++) {
      converters[i] = Converter.compile(cs.get(i));
    }
  }

  /** The expression this key evaluates. */
  public SampleExpression expression() {
    return expression;
  }

  @Override
  public long hash(RequestView request) {
    CharSequence text;
    long range;
    switch (fetch) {
      case HDR:
      case FHDR:
        range = HeaderScan.occurrence(request, name, occurrence, fetch == FHDR);
        if (range == HeaderScan.NONE) {
          return NO_KEY;
        }
        text = HeaderScan.text(request, name, range);
        break;
      case COOK:
        range = SampleFetches.cookie(request, name);
        if (range == HeaderScan.NONE) {
          return NO_KEY;
        }
        text = HeaderScan.text(request, "cookie", range);
        break;
      case URLP:
        text = request.target();
        range = SampleFetches.urlParam(text, name, delim);
        break;
      case PATH:
      case PATHQ:
        text = request.target();
        range = SampleFetches.path(text, fetch == PATHQ);
        break;
      case URL:
        text = request.target();
        range = HeaderScan.pack(0, 0, Math.min(text.length(), (1 << 21) - 1));
        break;
      case QUERY:
        text = request.target();
        range = SampleFetches.query(text);
        break;
      case BASE:
      case BASEQ:
        {
          Sample s = SAMPLE.get();
          return base(request, s, fetch == BASEQ) ? convertAndHash(s) : NO_KEY;
        }
      case SRC:
        {
          int family = request.clientAddressFamily();
          if (family != IpAddress.V4 && family != IpAddress.V6) {
            return NO_KEY;
          }
          Sample s = SAMPLE.get();
          s.loadAddress(family, request.clientAddressHigh(), request.clientAddressLow());
          return convertAndHash(s);
        }
      default:
        return NO_KEY;
    }
    if (range == HeaderScan.NONE) {
      return NO_KEY;
    }
    int from = HeaderScan.start(range);
    int to = HeaderScan.end(range);
    if (converters.length == 0) {
      return finish(function.hash(text, from, to));
    }
    Sample s = SAMPLE.get();
    s.loadText(text, from, to);
    return convertAndHash(s);
  }

  private long convertAndHash(Sample s) {
    for (Converter c : converters) {
      if (!c.apply(s)) {
        return NO_KEY;
      }
    }
    if (!s.toBin()) {
      return NO_KEY;
    }
    return finish(function.hash(s.buf, s.off, s.off + s.len));
  }

  private long finish(int h) {
    return (avalanche ? Avalanche.fullHash(h) : h) & 0xFFFFFFFFL;
  }

  /**
   * {@code base}: the first {@code Host} value, when not empty, followed by the path up to its {@code ?}
   * ({@code baseq}: with the query); without a {@code Host}, {@code path} ({@code pathq}).
   */
  private static boolean base(RequestView request, Sample s, boolean withQuery) {
    CharSequence t = request.target();
    long host = HeaderScan.first(request, "host");
    if (host == HeaderScan.NONE || HeaderScan.start(host) == HeaderScan.end(host)) {
      long p = SampleFetches.path(t, withQuery);
      if (p == HeaderScan.NONE) {
        return false;
      }
      s.loadText(t, HeaderScan.start(p), HeaderScan.end(p));
      return true;
    }
    s.loadText(HeaderScan.text(request, "host", host), HeaderScan.start(host), HeaderScan.end(host));
    int n = t.length();
    int ps = RequestTarget.pathStart(t, 0, n);
    if (ps >= 0) {
      int pe = ps;
      while (pe < n && (withQuery || t.charAt(pe) != '?')) {
        pe++;
      }
      if (pe > ps && t.charAt(ps) == '/') {
        s.appendText(t, ps, pe);
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return "hash " + expression.text();
  }
}
