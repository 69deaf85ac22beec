package org.stickyroute.http;

/**
 * What cookie persistence reads of a server's response: its status and its headers in received order
 * (the {@code Set-Cookie}, {@code Cache-Control}, {@code Pragma}, {@code Expires}, {@code ETag} and {@code
 * Last-Modified} headers matter). Implemented by adapters without copying.
 */
public interface ResponseView {
  /** The status code (100..599). */
  int status();

  /** Number of header fields. */
  int headerCount();

  /** The name of header {@code i}, any case (compared case-insensitively). */
  CharSequence headerName(int i);

  /** The value of header {@code i}, without surrounding whitespace. */
  CharSequence headerValue(int i);

  /**
   * A simple immutable response view (for tools and tests).
   *
   * @param status the status code
   * @param namesAndValues alternating header names and values
   * @return the view
   */
  static ResponseView of(int status, CharSequence... namesAndValues) {
    if (namesAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("odd number of header names and values");
    }
    CharSequence[] h = namesAndValues.clone();
    return new ResponseView() {
      @Override
      public int status() {
        return status;
      }

      @Override
      public int headerCount() {
        return h.length / 2;
      }

      @Override
      public CharSequence headerName(int i) {
        return h[2 * i];
      }

      @Override
      public CharSequence headerValue(int i) {
        return h[2 * i + 1];
      }
    };
  }
}
