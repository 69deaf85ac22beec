package org.stickyroute.key;

import java.util.Objects;
import org.stickyroute.config.SampleExpression;
import org.stickyroute.hash.internal.Avalanche;
import org.stickyroute.hash.HashFunction;
import org.stickyroute.hash.HashType;
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

  private final SampleExpression expression;
  private final SampleFetch fetch;
  private final HashFunction function;
  private final boolean avalanche;

  /**
   * Compiles {@code expression} for a backend with this {@code hash-type}.
   *
   * @throws IllegalArgumentException if the expression names something {@link SampleExpression} does not
   *     accept (it cannot, when it comes from {@link SampleExpression#parse}), or reads the response
   */
  public SampleKey(SampleExpression expression, HashType type) {
    this.expression = Objects.requireNonNull(expression, "expression");
    this.function = type.function();
    this.avalanche = type.avalanche();
    this.fetch = new SampleFetch(expression);
    if (fetch.readsResponse()) {
      throw new IllegalArgumentException("'" + expression.fetch().keyword() + "': sample fetch not supported");
    }
  }

  /** The expression this key evaluates. */
  public SampleExpression expression() {
    return expression;
  }

  @Override
  public long hash(RequestView request) {
    if (fetch.isText() && !fetch.hasConverters()) {
      // The value is hashed where it lies in the request: no copy.
      long range = fetch.range(request);
      if (range == HeaderScan.NONE) {
        return NO_KEY;
      }
      return finish(function.hash(fetch.text(request, range), HeaderScan.start(range), HeaderScan.end(range)));
    }
    Sample s = SAMPLE.get();
    if (!fetch.load(request, null, s) || !fetch.convert(s) || !s.toBin()) {
      return NO_KEY;
    }
    return finish(function.hash(s.buf, s.off, s.off + s.len));
  }

  private long finish(int h) {
    return (avalanche ? Avalanche.fullHash(h) : h) & 0xFFFFFFFFL;
  }

  @Override
  public String toString() {
    return "hash " + expression.text();
  }
}
