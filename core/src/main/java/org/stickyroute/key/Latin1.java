package org.stickyroute.key;

/** A reusable {@link CharSequence} over bytes, one char per byte (0..255). Not thread-safe. */
final class Latin1 implements CharSequence {
  private byte[] bytes = new byte[0];
  private int off;
  private int len;

  /** Points this view at {@code b[off, off + len)} and returns it. */
  Latin1 set(byte[] b, int off, int len) {
    this.bytes = b;
    this.off = off;
    this.len = len;
    return this;
  }

  @Override
  public int length() {
    return len;
  }

  @Override
  public char charAt(int i) {
    if (i < 0 || i >= len) {
      throw new IndexOutOfBoundsException(i);
    }
    return (char) (bytes[off + i] & 0xFF);
  }

  @Override
  public CharSequence subSequence(int start, int end) {
    return toString().substring(start, end);
  }

  @Override
  public String toString() {
    return new String(bytes, off, len, java.nio.charset.StandardCharsets.ISO_8859_1);
  }
}
