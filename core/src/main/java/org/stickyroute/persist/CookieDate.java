package org.stickyroute.persist;

/**
 * HAProxy's 5-character cookie dates ({@code src/base64.c}: {@code s30tob64} / {@code b64tos30}), used by
 * {@code cookie ... maxidle} and {@code maxlife}: a 30-bit number written with the standard base64 alphabet
 * {@code A-Z a-z 0-9 + /}, most significant 6 bits first, no padding. The number is a UNIX time divided by 4
 * (HAProxy emits {@code (now + 3) >> 2}), so a date has a 4-second resolution.
 *
 * <p>Stateless, allocation-free, thread-safe.
 */
public final class CookieDate {
  private static final char[] ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".toCharArray();
  private static final byte[] REVERSE = new byte[128];

  static {
    java.util.Arrays.fill(REVERSE, (byte) -1);
    for (int i = 0; i < ALPHABET.length; i++) {
      REVERSE[ALPHABET[i]] = (byte) i;
    }
  }

  /** Length of an encoded date. */
  public static final int LENGTH = 5;

  private CookieDate() {}

  /**
   * Writes the low 30 bits of {@code value} as 5 characters into {@code out[at..at+5)}.
   *
   * @param value a 30-bit value (higher bits are ignored, as HAProxy does)
   * @param out the destination
   * @param at where to write
   */
  public static void encode(int value, char[] out, int at) {
    int in = value;
    for (int i = 0; i < LENGTH; i++) {
      out[at + i] = ALPHABET[(in >> 24) & 0x3F];
      in <<= 6;
    }
  }

  /** Appends the 5-character encoding of {@code value} to {@code out}. */
  public static void encode(int value, StringBuilder out) {
    int in = value;
    for (int i = 0; i < LENGTH; i++) {
      out.append(ALPHABET[(in >> 24) & 0x3F]);
      in <<= 6;
    }
  }

  /** The 5-character encoding of {@code value} as a string. */
  public static String encode(int value) {
    char[] c = new char[LENGTH];
    encode(value, c, 0);
    return new String(c);
  }

  /** The encoding HAProxy emits for a cookie issued at {@code epochSeconds}: {@code enc((now + 3) >> 2)}. */
  public static String encodeSeconds(long epochSeconds) {
    return encode((int) ((epochSeconds + 3) >> 2));
  }

  /**
   * Decodes 5 characters at {@code s[at..at+5)}; the caller guarantees they exist.
   *
   * @return the 30-bit value, or -1 if a character is outside the alphabet (HAProxy's {@code b64tos30})
   */
  public static int decode(CharSequence s, int at) {
    int out = 0;
    for (int i = 0; i < LENGTH && out >= 0; i++) {
      int b = digit(s.charAt(at + i));
      out = b < 0 ? -1 : (out << 6) + b;
    }
    return out;
  }

  /** As {@link #decode(CharSequence, int)} over a char array. */
  public static int decode(char[] s, int at) {
    int out = 0;
    for (int i = 0; i < LENGTH && out >= 0; i++) {
      int b = digit(s[at + i]);
      out = b < 0 ? -1 : (out << 6) + b;
    }
    return out;
  }

  /** The 6-bit value of one character of the alphabet, or -1. */
  private static int digit(char c) {
    return c < 128 ? REVERSE[c] : -1;
  }
}
