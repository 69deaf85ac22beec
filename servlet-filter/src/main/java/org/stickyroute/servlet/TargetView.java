package org.stickyroute.servlet;

/** The raw request-target as one char sequence over {@code getRequestURI()} and the query, without copying. */
final class TargetView implements CharSequence {
  private String uri = "";
  private String query;
  private int uriLen;
  private int len;

  void set(String requestUri, String queryString) {
    uri = requestUri == null ? "" : requestUri;
    query = queryString;
    uriLen = uri.length();
    len = query == null ? uriLen : uriLen + 1 + query.length();
  }

  void clear() {
    set("", null);
  }

  /**
   * The view, or the container's {@code getRequestURI()} string itself when there is no query (a plain
   * {@code String} keeps the hashing loops' call sites simple).
   */
  CharSequence value() {
    return query == null ? uri : this;
  }

  @Override
  public int length() {
    return len;
  }

  @Override
  public char charAt(int i) {
    if (i < uriLen) {
      return uri.charAt(i);
    }
    if (i == uriLen && query != null) {
      return '?';
    }
    if (query == null || i < 0 || i >= len) {
      throw new IndexOutOfBoundsException(i);
    }
    return query.charAt(i - uriLen - 1);
  }

  @Override
  public CharSequence subSequence(int start, int end) {
    return toString().substring(start, end);
  }

  @Override
  public String toString() {
    return query == null ? uri : uri + '?' + query;
  }
}
