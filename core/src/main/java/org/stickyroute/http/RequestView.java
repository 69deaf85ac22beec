package org.stickyroute.http;

/**
 * What routing reads of a request, implemented by adapters over their own request objects without copying
 * (a servlet request, a proxy's parsed head, a test double). Every value is the raw text as received.
 *
 * <p>Implementations must not allocate in these methods if the caller is to stay allocation-free, and must
 * return the same values for the duration of one {@code Router.route} call.
 */
public interface RequestView {
  /** The method token as received, case-sensitive ({@code GET}, {@code POST}...). */
  CharSequence method();

  /** The raw request-target as received (origin-form {@code /path?query} or absolute-form). */
  CharSequence target();

  /** Number of {@code Cookie} headers (header names compared case-insensitively), 0 when none. */
  int cookieHeaderCount();

  /**
   * The value of {@code Cookie} header {@code i} (0-based, in received order), without the surrounding
   * whitespace an HTTP parser strips.
   */
  CharSequence cookieHeader(int i);

  /**
   * Whether the request arrived over HTTPS: on a TLS connection, or per a trusted TLS-terminating proxy's
   * {@code X-Forwarded-Proto} (the adapter decides whom it trusts). Read for the {@code Secure} attribute of
   * the persistence cookie under the {@code auto} secure-cookie policy. Default {@code false}.
   */
  default boolean secure() {
    return false;
  }

  /**
   * A simple immutable request view (for tools and tests).
   *
   * @param method the method
   * @param target the request-target
   * @param cookieHeaders the {@code Cookie} header values, in order
   * @return the view
   */
  static RequestView of(CharSequence method, CharSequence target, CharSequence... cookieHeaders) {
    CharSequence[] c = cookieHeaders.clone();
    return new RequestView() {
      @Override
      public CharSequence method() {
        return method;
      }

      @Override
      public CharSequence target() {
        return target;
      }

      @Override
      public int cookieHeaderCount() {
        return c.length;
      }

      @Override
      public CharSequence cookieHeader(int i) {
        return c[i];
      }
    };
  }
}
