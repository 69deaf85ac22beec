package org.stickyroute.hash;

/**
 * The four key hash functions of HAProxy 2.6 ({@code src/hash.c}), selected with {@code hash-type <method>
 * <function>}.
 *
 * <p>Every function works on unsigned bytes and returns an unsigned 32-bit value carried in a Java {@code
 * int} (compare with {@link Integer#compareUnsigned}, reduce with {@link Integer#remainderUnsigned}). Outputs
 * are stable: they are part of the HAProxy compatibility contract and will never change between releases.
 *
 * <p><b>Characters.</b> HAProxy hashes the raw bytes of the request line. A Java {@link CharSequence} is
 * mapped back to bytes as follows (the "byte view", used by every hashing and key method of this library):
 *
 * <ul>
 *   <li>a char {@code c <= 0xFF} is the single byte {@code c} — the ISO-8859-1 view, which is how servers
 *       that keep raw request-line bytes in a {@code String} (Tomcat, Netty's {@code AsciiString}) store
 *       them, and is exact for every request-target a standards-compliant client sends (they are ASCII);
 *   <li>a char above 0xFF cannot come from such a byte-preserving decoding, so the string was decoded from
 *       UTF-8: it is hashed as its UTF-8 encoding (2 or 3 bytes; a surrogate pair as 4 bytes);
 *   <li>an unpaired surrogate is hashed as the single byte {@code '?'}, as {@code String.getBytes(UTF_8)}
 *       would encode it.
 * </ul>
 *
 * <p>All methods are allocation-free, thread-safe and never throw for in-range arguments.
 */
public enum HashFunction {
  /** {@code h = c + (h << 6) + (h << 16) - h} (that is {@code h * 65599 + c}); HAProxy's default. */
  SDBM,
  /** {@code h = h * 33 + c}, starting at 5381. */
  DJB2,
  /** HAProxy's own "wt6" hash (Willy Tarreau, 2012): two 32-bit lanes with data-dependent rotations. */
  WT6,
  /** The reflected CRC-32 of IEEE 802.3 / zlib / {@link java.util.zip.CRC32}. */
  CRC32;

  /** The lower-case name used in HAProxy's configuration ({@code sdbm}, {@code djb2}, {@code wt6}, {@code crc32}). */
  public String configName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * Returns the function named as in HAProxy's {@code hash-type} line, or {@code null} when the name is not
   * one of {@code sdbm}, {@code djb2}, {@code wt6}, {@code crc32} (case-sensitive, as HAProxy).
   */
  public static HashFunction fromConfigName(String name) {
    switch (name) {
      case "sdbm":
        return SDBM;
      case "djb2":
        return DJB2;
      case "wt6":
        return WT6;
      case "crc32":
        return CRC32;
      default:
        return null;
    }
  }

  /** Hashes the byte view of {@code s}. */
  public int hash(CharSequence s) {
    return hash(s, 0, s.length());
  }

  /** Hashes the byte view of {@code s[from, to)}. */
  public int hash(CharSequence s, int from, int to) {
    return CharHashing.hash(this, s, from, to, 0);
  }

  /**
   * Hashes the byte view of {@code s[from, to)} followed by the first {@code partialBytes} bytes (0..3) of the
   * byte view of the character at {@code to}: the key of a byte limit that cuts a multi-byte character (as
   * {@code balance uri len} does).
   */
  public int hash(CharSequence s, int from, int to, int partialBytes) {
    return CharHashing.hash(this, s, from, to, partialBytes);
  }

  /** Hashes {@code bytes[from, to)} as unsigned bytes. */
  public int hash(byte[] bytes, int from, int to) {
    return CharHashing.hash(this, bytes, from, to);
  }
}
