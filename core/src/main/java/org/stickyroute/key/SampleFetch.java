package org.stickyroute.key;

import java.util.List;
import org.stickyroute.config.SampleExpression;
import org.stickyroute.config.SampleTerm;
import org.stickyroute.http.IpAddress;
import org.stickyroute.http.RequestView;
import org.stickyroute.http.ResponseView;

/**
 * A compiled sample expression: its fetch (HAProxy's {@code sample_fetch}) and its converters, shared by the
 * expressions that hash ({@link SampleKey}) and those that key a stick table ({@link StickKey}). Evaluation
 * never allocates once the per-thread buffers are warm and never throws on request or response input.
 *
 * <p>A fetch of text finds a range of the request's own characters ({@link #range}, {@link #text}), so a key
 * without converters can be hashed in place; {@link #load} copies the value (text, or an address) into a
 * {@link Sample} for the converters ({@link #convert}).
 */
final class SampleFetch {
  private static final ThreadLocal<ResponseHeaders> RESPONSE = ThreadLocal.withInitial(ResponseHeaders::new);

  static final int HDR = 1;
  static final int FHDR = 2;
  static final int COOK = 3;
  static final int URLP = 4;
  static final int PATH = 5;
  static final int PATHQ = 6;
  static final int BASE = 7;
  static final int BASEQ = 8;
  static final int URL = 9;
  static final int QUERY = 10;
  static final int SRC = 11;
  static final int RES_HDR = 12;
  static final int RES_COOK = 13;
  /** A header fetch without a name: it never finds a value. */
  static final int NEVER = 14;

  final int op;
  private final String name;
  private final int occurrence;
  private final char delim;
  private final Converter[] converters;

  /**
   * Compiles the fetch and converters of {@code expression}.
   *
   * @throws IllegalArgumentException for a fetch that is not supported
   */
  SampleFetch(SampleExpression expression) {
    SampleTerm f = expression.fetch();
    String n = f.has(0) ? f.string(0) : "";
    int occ = 0;
    char d = '?';
    int o = switch (SampleExpression.canonical(f.keyword())) {
      case "req.hdr" -> HDR;
      case "req.fhdr" -> FHDR;
      case "res.hdr" -> RES_HDR;
      case "req.cook" -> COOK;
      case "res.cook" -> RES_COOK;
      case "url_param" -> URLP;
      case "path" -> PATH;
      case "pathq" -> PATHQ;
      case "base" -> BASE;
      case "baseq" -> BASEQ;
      case "url" -> URL;
      case "query" -> QUERY;
      case "src" -> SRC;
      default -> throw new IllegalArgumentException("'" + f.keyword() + "': sample fetch not supported");
    };
    if (o == HDR || o == FHDR || o == RES_HDR) {
      // No occurrence, or 0, is the last one (HAProxy: "single fetch => last header by default").
      occ = f.has(1) && f.integer(1) != 0 ? (int) Math.max(-11, Math.min(Integer.MAX_VALUE, f.integer(1))) : -1;
      n = HeaderScan.lower(n);
      if (!f.has(0)) {
        o = NEVER;
      }
    }
    if (o == URLP && f.has(1)) {
      d = f.string(1).isEmpty() ? 0 : f.string(1).charAt(0);
    }
    this.op = o;
    this.name = n;
    this.occurrence = occ;
    this.delim = d;
    List<SampleTerm> cs = expression.converters();
    this.converters = new Converter[cs.size()];
    for (int i = 0; i < converters.length; i++) {
      converters[i] = Converter.compile(cs.get(i));
    }
  }

  /** Whether the fetch reads the response ({@code res.hdr}, {@code res.cook}). */
  boolean readsResponse() {
    return op == RES_HDR || op == RES_COOK;
  }

  /** Whether the value is a range of the request's text ({@link #range}), not a composed or binary one. */
  boolean isText() {
    return op != BASE && op != BASEQ && op != SRC && op != NEVER;
  }

  boolean hasConverters() {
    return converters.length > 0;
  }

  /**
   * The range ({@link HeaderScan#pack}) of a text fetch's value in {@code r}, or {@link HeaderScan#NONE}; for a
   * response fetch, {@code r} is the response seen as headers.
   */
  long range(RequestView r) {
    switch (op) {
      case HDR:
      case FHDR:
      case RES_HDR:
        return HeaderScan.occurrence(r, name, occurrence, op == FHDR);
      case COOK:
        return SampleFetches.cookie(r, name);
      case RES_COOK:
        return SampleFetches.setCookie(r, name);
      case URLP:
        return SampleFetches.urlParam(r.target(), name, delim);
      case PATH:
      case PATHQ:
        return SampleFetches.path(r.target(), op == PATHQ);
      case URL:
        return HeaderScan.pack(0, 0, Math.min(r.target().length(), (1 << 21) - 1));
      case QUERY:
        return SampleFetches.query(r.target());
      default:
        return HeaderScan.NONE;
    }
  }

  /** The text a range from {@link #range} lies in. */
  CharSequence text(RequestView r, long range) {
    switch (op) {
      case HDR:
      case FHDR:
      case RES_HDR:
        return HeaderScan.text(r, name, range);
      case COOK:
        return HeaderScan.text(r, "cookie", range);
      case RES_COOK:
        return HeaderScan.text(r, "set-cookie", range);
      default:
        return r.target();
    }
  }

  /**
   * Loads the fetch's value into {@code s}: from {@code response} for a response fetch ({@code false} when it
   * is {@code null}), otherwise from {@code request}. {@code false} when the fetch finds nothing.
   */
  boolean load(RequestView request, ResponseView response, Sample s) {
    RequestView r = request;
    if (readsResponse()) {
      if (response == null) {
        return false;
      }
      r = RESPONSE.get().of(response);
    }
    switch (op) {
      case BASE:
      case BASEQ:
        return base(r, s, op == BASEQ);
      case SRC:
        {
          int family = r.clientAddressFamily();
          if (family != IpAddress.V4 && family != IpAddress.V6) {
            return false;
          }
          s.loadAddress(family, r.clientAddressHigh(), r.clientAddressLow());
          return true;
        }
      case NEVER:
        return false;
      default:
        long range = range(r);
        if (range == HeaderScan.NONE) {
          return false;
        }
        s.loadText(text(r, range), HeaderScan.start(range), HeaderScan.end(range));
        return true;
    }
  }

  /** Applies the converters in order; {@code false} when one fails. */
  boolean convert(Sample s) {
    for (Converter c : converters) {
      if (!c.apply(s)) {
        return false;
      }
    }
    return true;
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
}
