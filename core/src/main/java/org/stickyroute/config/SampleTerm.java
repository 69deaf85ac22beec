package org.stickyroute.config;

import java.util.List;
import java.util.Objects;

/**
 * One term of a {@link SampleExpression}: the sample fetch or a converter, with its arguments as HAProxy's
 * {@code make_arg_list} decodes them (quotes removed, backslash escapes applied). Immutable.
 *
 * @param keyword the keyword as written ({@code req.hdr}, {@code hdr}, {@code lower}...)
 * @param args the decoded arguments, in order (only those given)
 */
public record SampleTerm(String keyword, List<String> args) {
  /** Copies the arguments. */
  public SampleTerm {
    Objects.requireNonNull(keyword, "keyword");
    args = List.copyOf(args);
  }

  /** Number of arguments given. */
  public int argCount() {
    return args.size();
  }

  /** Whether argument {@code i} was given. */
  public boolean has(int i) {
    return i < args.size();
  }

  /** Argument {@code i} as a string. */
  public String string(int i) {
    return args.get(i);
  }

  /**
   * Argument {@code i} as HAProxy's {@code read_int64} reads it: an optional sign, then decimal digits,
   * saturating at the {@code long} range. The loader has checked that the whole argument is a number.
   */
  public long integer(int i) {
    return readInt64(args.get(i));
  }

  /** {@code read_int64}; -1 digits consumed is reported by {@link #isInteger}. */
  static long readInt64(String s) {
    int p = 0;
    boolean neg = false;
    if (p < s.length() && (s.charAt(p) == '-' || s.charAt(p) == '+')) {
      neg = s.charAt(p) == '-';
      p++;
    }
    long v = 0;
    boolean overflow = false;
    for (; p < s.length(); p++) {
      int d = s.charAt(p) - '0';
      if (d < 0 || d > 9) {
        break;
      }
      if (!overflow) {
        long t = v * 10 + d;
        if (v > (Long.MAX_VALUE - d) / 10) {
          overflow = true;
        } else {
          v = t;
        }
      }
    }
    if (overflow) {
      return neg ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
    return neg ? -v : v;
  }

  /** Whether {@code s} is entirely an optional sign followed by decimal digits (what ARGT_SINT accepts). */
  static boolean isInteger(String s) {
    int p = 0;
    if (p < s.length() && (s.charAt(p) == '-' || s.charAt(p) == '+')) {
      p++;
    }
    for (; p < s.length(); p++) {
      if (s.charAt(p) < '0' || s.charAt(p) > '9') {
        return false;
      }
    }
    return true;
  }

  /** The configuration form, e.g. {@code field(2,.)}. */
  @Override
  public String toString() {
    return args.isEmpty() ? keyword : keyword + "(" + String.join(",", args) + ")";
  }
}
