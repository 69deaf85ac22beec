package org.stickyroute.key;

import org.stickyroute.config.Balance;
import org.stickyroute.hash.HashFunction;
import org.stickyroute.hash.HashType;
import org.stickyroute.hash.internal.Avalanche;
import org.stickyroute.hash.internal.ByteView;

/**
 * The key of {@code balance uri [len <n>] [depth <n>] [whole] [path-only]}: which bytes of the request-target
 * HAProxy 2.6 hashes ({@code src/backend.c:get_server_uh}).
 *
 * <p>The input is the request-target <em>exactly as received</em> on the request line: no percent-decoding,
 * no case folding, no normalisation ({@code /PROJECT/42} and {@code /project/42}, or {@code %41} and {@code
 * A}, are different keys). Characters are mapped to bytes as described in {@link HashFunction} (chars up to
 * 0xFF are one byte; chars above 0xFF are their UTF-8 bytes, and {@code len} counts those bytes).
 *
 * <ol>
 *   <li>{@code path-only}: the target is first reduced to its path and query (an absolute-form {@code
 *       scheme://authority/p?q} becomes {@code /p?q}; {@code *}, authority-form or an absolute URI without a
 *       path become the empty string);
 *   <li>{@code len n}: at most the first {@code n} bytes are considered;
 *   <li>scanning from the start, the key stops <em>before</em> the first {@code ?} (unless {@code whole})
 *       and before the {@code (depth+1)}-th {@code /} (the leading {@code /} is the first one).
 * </ol>
 *
 * <p>Instances are immutable and thread-safe; {@link #hash} and {@link #range} are allocation-free and never
 * throw for a valid range.
 *
 * @param len the {@code len} option, or 0 when absent
 * @param depth the {@code depth} option, or 0 when absent
 * @param whole the {@code whole} option: the query string is part of the key and its slashes count
 * @param pathOnly the {@code path-only} option
 */
public record UriKey(int len, int depth, boolean whole, boolean pathOnly) {

  /** Plain {@code balance uri}: the whole path, query excluded. */
  public static final UriKey PLAIN = new UriKey(0, 0, false, false);

  /** Validates that {@code len} and {@code depth} are 0 (absent) or positive. */
  public UriKey {
    if (len < 0 || depth < 0) {
      throw new IllegalArgumentException("len and depth must be positive (0 = absent)");
    }
  }

  /** The key of a backend's {@code balance uri ...} options. */
  public static UriKey of(Balance.Uri options) {
    return new UriKey(options.len(), options.depth(), options.whole(), options.pathOnly());
  }

  /** {@code balance uri depth n}. */
  public static UriKey depth(int depth) {
    return new UriKey(0, depth, false, false);
  }

  /**
   * Hashes the key of {@code target} with {@code type}'s function and modifier. Equivalent to hashing the
   * bytes of {@link #range} and applying the avalanche mix when configured.
   */
  public int hash(CharSequence target, HashType type) {
    return hash(target, 0, target.length(), type.function(), type.avalanche());
  }

  /** Hashes the key of {@code target[from, to)}. */
  public int hash(CharSequence target, int from, int to, HashFunction fn, boolean avalanche) {
    int h = rawHash(target, from, to, fn);
    return avalanche ? Avalanche.fullHash(h) : h;
  }

  private int rawHash(CharSequence s, int from, int to, HashFunction fn) {
    int start = from;
    if (pathOnly) {
      start = RequestTarget.pathStart(s, from, to);
      if (start < 0) {
        return fn.hash(s, to, to);
      }
    }
    int limit = to;
    if (len > 0 && limit - start > len) {
      limit = start + len;
    }
    int depthStop = depth > 0 ? depth + 1 : 0;
    // One scan for every function: it finds the key's end, and for sdbm (the default) computes the hash on
    // the way, so the stop tests overlap the multiply chain and the key costs about as much as hashing it;
    // any other function hashes [start, end) afterwards. `fused` is loop-invariant: the JIT unswitches the
    // loop, so neither case pays for the other.
    boolean fused = fn == HashFunction.SDBM;
    int h = 0;
    int slashes = 0;
    int end = start;
    for (; end < limit; end++) {
      char c = s.charAt(end);
      if (c == '/') {
        if (++slashes == depthStop) {
          break;
        }
      } else if (c == '?') {
        if (!whole) {
          break;
        }
      } else if (c > 0xFF) {
        return slowHash(s, start, to, fn);
      }
      if (fused) {
        h = ByteView.sdbmStep(h, c);
      }
    }
    return fused ? h : fn.hash(s, start, end);
  }

  private int slowHash(CharSequence s, int start, int to, HashFunction fn) {
    long r = scan(s, start, to);
    return fn.hash(s, rangeStart(r), rangeEnd(r), rangePartial(r));
  }

  /**
   * The key of {@code target[from, to)} as a packed range: decode it with {@link #rangeStart}, {@link
   * #rangeEnd} and {@link #rangePartial}. The key is the byte view of {@code [start, end)} followed by the
   * first {@code partial} bytes of the character at {@code end} (non-zero only when {@code len} cuts a
   * multi-byte character).
   */
  public long range(CharSequence target, int from, int to) {
    int start = from;
    if (pathOnly) {
      start = RequestTarget.pathStart(target, from, to);
      if (start < 0) {
        return pack(to, to, 0);
      }
    }
    return scan(target, start, to);
  }

  /** The key as a string of chars (for tools and tests; allocates). */
  public String key(CharSequence target) {
    long r = range(target, 0, target.length());
    StringBuilder sb = new StringBuilder().append(target, rangeStart(r), rangeEnd(r));
    if (rangePartial(r) > 0) {
      sb.append("\uFFFD");
    }
    return sb.toString();
  }

  private long scan(CharSequence s, int start, int to) {
    int depthStop = depth > 0 ? depth + 1 : 0;
    int slashes = 0;
    int bytes = 0;
    int i = start;
    while (i < to) {
      int unit = ByteView.unit(s, i, to);
      int n = ByteView.unitBytes(unit);
      if (len > 0 && bytes + n > len) {
        return pack(start, i, len - bytes);
      }
      if (n == 1) {
        int c = unit & 0xFF;
        if (c == '/') {
          if (++slashes == depthStop) {
            break;
          }
        } else if (c == '?' && !whole) {
          break;
        }
      }
      bytes += n;
      i += ByteView.unitChars(unit);
    }
    return pack(start, i, 0);
  }

  private static long pack(int start, int end, int partial) {
    return ((long) start << 33) | ((long) end << 2) | partial;
  }

  /** First char index of a packed key range. */
  public static int rangeStart(long range) {
    return (int) (range >>> 33);
  }

  /** End (exclusive) char index of a packed key range. */
  public static int rangeEnd(long range) {
    return (int) ((range >>> 2) & 0x7FFFFFFFL);
  }

  /** Bytes of the character at {@link #rangeEnd} that belong to the key (0..3). */
  public static int rangePartial(long range) {
    return (int) (range & 3);
  }

  /** The configuration form, e.g. {@code uri depth 2 path-only}. */
  @Override
  public String toString() {
    return new Balance.Uri(len, depth, whole, pathOnly).toString();
  }
}
