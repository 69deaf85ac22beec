package org.stickyroute.persist;

/**
 * A reusable, mutable view of a range of a char buffer owned by a result holder. Valid until the holder is
 * reused; {@link #toString()} copies. Not thread-safe.
 */
final class CharRange implements CharSequence {
  char[] buf;
  int from;
  int len;

  void set(char[] b, int f, int l) {
    buf = b;
    from = f;
    len = l;
  }

  @Override
  public int length() {
    return len;
  }

  @Override
  public char charAt(int index) {
    if (index < 0 || index >= len) {
      throw new IndexOutOfBoundsException(index);
    }
    return buf[from + index];
  }

  @Override
  public CharSequence subSequence(int start, int end) {
    return toString().substring(start, end);
  }

  @Override
  public String toString() {
    return new String(buf, from, len);
  }
}
