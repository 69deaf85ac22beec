package org.stickyroute.key;

import java.util.Arrays;
import java.util.Objects;
import org.stickyroute.config.SampleExpression;
import org.stickyroute.config.StickTableConfig;
import org.stickyroute.http.RequestView;
import org.stickyroute.http.ResponseView;

/**
 * The key of a {@code stick} rule ({@code stktable_fetch_key}): the sample expression evaluated on the request
 * (or, for {@code store-response}, the response), then cast to the table's type as HAProxy's {@code
 * smp_to_stkey} does — {@code ip}: an IPv4 address (a string through the strict dotted-quad parser, an
 * integer's low 32 bits, an IPv6 address only when IPv4-mapped); {@code integer}: the low 32 bits, unsigned (a
 * string through {@code read_int64}, an empty one has no key); {@code ipv6}; {@code string}: its first {@code
 * len} bytes; {@code binary}: its first {@code len} bytes, zero-padded to {@code len}.
 *
 * <p>{@code ip} and {@code integer} keys come out as a {@code long} ({@link #longKey}) without allocation once
 * the per-thread buffers are warm; the others as a fresh byte array ({@link #bytesKey}). Never throws on
 * request or response input.
 */
public final class StickKey {
  /** No key: the fetch found nothing, a converter failed or the cast is impossible. */
  public static final long NO_KEY = -1L;

  private static final ThreadLocal<Sample> SAMPLE = ThreadLocal.withInitial(Sample::new);

  private final StickTableConfig.KeyType type;
  private final int keyLength;
  private final SampleFetch fetch;
  private final String text;

  /**
   * Compiles {@code expression} for a table of {@code type} whose keys are {@code keyLength} bytes long
   * (strings: compared on that many bytes at most).
   *
   * @throws IllegalArgumentException for a fetch that is not supported in stick rules ({@code base})
   */
  public StickKey(SampleExpression expression, StickTableConfig.KeyType type, int keyLength) {
    Objects.requireNonNull(expression, "expression");
    this.type = Objects.requireNonNull(type, "type");
    this.keyLength = keyLength;
    this.text = expression.text();
    this.fetch = new SampleFetch(expression);
    if (fetch.op == SampleFetch.BASE || fetch.op == SampleFetch.BASEQ) {
      throw new IllegalArgumentException("'" + expression.fetch().keyword() + "': not supported in stick rules");
    }
  }

  /** Whether keys are {@code long}s ({@code ip}, {@code integer}): use {@link #longKey}. */
  public boolean longKeys() {
    return type == StickTableConfig.KeyType.IP || type == StickTableConfig.KeyType.INTEGER;
  }

  /** Whether the expression reads the response ({@code res.hdr}, {@code res.cook}). */
  public boolean readsResponse() {
    return fetch.readsResponse();
  }

  /** The {@code ip} or {@code integer} key of the request ({@code response} may be {@code null}), or {@link #NO_KEY}. */
  public long longKey(RequestView request, ResponseView response) {
    Sample s = SAMPLE.get();
    if (!fetch.load(request, response, s) || !fetch.convert(s)) {
      return NO_KEY;
    }
    return type == StickTableConfig.KeyType.IP ? toIp(s) : toInt(s);
  }

  /** The key of another type, as the bytes the table compares, or {@code null} when there is none. */
  public byte[] bytesKey(RequestView request, ResponseView response) {
    Sample s = SAMPLE.get();
    if (!fetch.load(request, response, s) || !fetch.convert(s)) {
      return null;
    }
    switch (type) {
      case IP:
      case INTEGER:
        {
          long k = type == StickTableConfig.KeyType.IP ? toIp(s) : toInt(s);
          return k < 0 ? null : new byte[] {(byte) (k >>> 24), (byte) (k >>> 16), (byte) (k >>> 8), (byte) k};
        }
      case IPV6:
        return toIpv6(s);
      case STRING:
        if (!s.toStr()) {
          return null;
        }
        return Arrays.copyOfRange(s.buf, s.off, s.off + Math.min(s.len, keyLength));
      default:
        if (!s.toBin()) {
          return null;
        }
        byte[] k = new byte[keyLength];
        System.arraycopy(s.buf, s.off, k, 0, Math.min(s.len, keyLength));
        return k;
    }
  }

  /** {@code sample_convert(smp, SMP_T_IPV4)}: the address as an unsigned 32-bit value, or {@link #NO_KEY}. */
  private static long toIp(Sample s) {
    switch (s.type) {
      case Sample.IPV4:
        return s.low & 0xFFFFFFFFL;
      case Sample.IPV6:
        // v6tov4: only ::ffff:a.b.c.d
        return s.high == 0 && (s.low >>> 32) == 0xFFFFL ? s.low & 0xFFFFFFFFL : NO_KEY;
      case Sample.SINT:
        return s.sint & 0xFFFFFFFFL;
      case Sample.STR:
        return Sample.buf2ip(s.buf, s.off, s.len);
      default:
        return NO_KEY;
    }
  }

  /** {@code sample_convert(smp, SMP_T_SINT)} then {@code (unsigned int)}, or {@link #NO_KEY}. */
  private static long toInt(Sample s) {
    switch (s.type) {
      case Sample.SINT:
        return s.sint & 0xFFFFFFFFL;
      case Sample.IPV4:
        return s.low & 0xFFFFFFFFL;
      case Sample.STR:
        return s.len == 0 ? NO_KEY : readInt64(s.buf, s.off, s.len) & 0xFFFFFFFFL;
      default:
        return NO_KEY;
    }
  }

  private static byte[] toIpv6(Sample s) {
    long hi;
    long lo;
    switch (s.type) {
      case Sample.IPV6:
        hi = s.high;
        lo = s.low;
        break;
      case Sample.IPV4:
      case Sample.SINT:
        hi = 0;
        lo = 0xFFFF_0000_0000L | ((s.type == Sample.SINT ? s.sint : s.low) & 0xFFFFFFFFL);
        break;
      case Sample.STR:
        if (!s.strToIpv6()) {
          return null;
        }
        hi = s.high;
        lo = s.low;
        break;
      default:
        return null;
    }
    byte[] k = new byte[16];
    for (int i = 0; i < 8; i++) {
      k[i] = (byte) (hi >>> (56 - 8 * i));
      k[8 + i] = (byte) (lo >>> (56 - 8 * i));
    }
    return k;
  }

  /** {@code read_int64}: an optional sign and the decimal digits that follow, saturating. */
  private static long readInt64(byte[] b, int off, int len) {
    int p = off;
    int end = off + len;
    boolean neg = false;
    if (p < end && (b[p] == '-' || b[p] == '+')) {
      neg = b[p] == '-';
      p++;
    }
    long v = 0;
    for (; p < end; p++) {
      int d = b[p] - '0';
      if (d < 0 || d > 9) {
        break;
      }
      if (v > (Long.MAX_VALUE - d) / 10) {
        return neg ? Long.MIN_VALUE : Long.MAX_VALUE;
      }
      v = v * 10 + d;
    }
    return neg ? -v : v;
  }

  @Override
  public String toString() {
    return text;
  }
}
