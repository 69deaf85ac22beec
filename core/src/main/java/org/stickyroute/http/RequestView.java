package org.stickyroute.http;

/**
 * What routing reads of a request, implemented by adapters over their own request objects without copying
 * (a servlet request, a proxy's parsed head, a test double). Every value is the raw text as received.
 *
 * <p>Text is read through the "byte view" of {@link org.stickyroute.hash.HashFunction}: a char up to 0xFF is
 * that byte, a char above is its UTF-8 encoding, so an adapter may hand over the strings its HTTP parser made
 * (ISO-8859-1 or UTF-8 decoded) as they are.
 *
 * <p>Only {@link #method}, {@link #target} and the {@code Cookie} accessors are mandatory. The other
 * accessors have defaults that describe a request without headers, without a known client address and
 * without a buffered body; an algorithm that needs what a view does not supply sees a missing key and falls
 * back exactly as HAProxy does when the key is absent (round robin on the same table). Adapters supply:
 *
 * <ul>
 *   <li><b>headers</b>: either every field in received order ({@link #headerCount()}, {@link #headerName},
 *       {@link #headerValue}; the by-name methods then work by scanning them), or only the by-name methods
 *       ({@link #headerCount(CharSequence)}, {@link #header(CharSequence, int)}) when the underlying request
 *       is indexed by name (the servlet API). Each field is one occurrence, its value without the surrounding
 *       whitespace an HTTP parser strips; splitting a value at commas is the caller's business (HAProxy's
 *       {@code hdr()} does it, {@code fhdr()} does not);
 *   <li><b>the client address</b> ({@link #clientAddressFamily}, {@link #clientAddressHigh}, {@link
 *       #clientAddressLow}) as primitive words: the address {@code balance source} and {@code src} hash,
 *       after whatever trusted-proxy rule the adapter applies;
 *   <li><b>a bounded prefix of the body</b> ({@link #bodyPrefix}), read only when an algorithm asks for it
 *       ({@code balance url_param} on a {@code POST} whose query lacks the parameter).
 * </ul>
 *
 * <p>Implementations must not allocate in these methods if the caller is to stay allocation-free (an adapter
 * may allocate once per request when it first loads something, as reading a servlet request's headers
 * does), must not throw for any index below the corresponding count, and must return the same values for
 * the duration of one {@code Router.route} call. A view is used by one thread at a time.
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

  // ------------------------------------------------------------------------------------------- headers

  /**
   * Number of header fields of the request (every name, {@code Cookie} included), in received order, or 0
   * when the view does not list its fields (the default; such a view answers the by-name methods instead).
   */
  default int headerCount() {
    return 0;
  }

  /** The name of field {@code i} ({@code 0 <= i < headerCount()}), in any letter case. */
  default CharSequence headerName(int i) {
    throw new IndexOutOfBoundsException(i);
  }

  /** The value of field {@code i}, without the surrounding whitespace an HTTP parser strips. */
  default CharSequence headerValue(int i) {
    throw new IndexOutOfBoundsException(i);
  }

  /**
   * Number of fields named {@code name} (ASCII case-insensitive). The default scans {@link #headerName};
   * views indexed by name override it together with {@link #header(CharSequence, int)}.
   */
  default int headerCount(CharSequence name) {
    int n = 0;
    for (int i = 0, c = headerCount(); i < c; i++) {
      if (Ascii.equalsIgnoreCase(headerName(i), name)) {
        n++;
      }
    }
    return n;
  }

  /**
   * The value of occurrence {@code occurrence} (0-based, in received order) of the fields named {@code name}
   * (ASCII case-insensitive), or {@code null} when there are not that many.
   */
  default CharSequence header(CharSequence name, int occurrence) {
    int k = occurrence;
    for (int i = 0, c = headerCount(); i < c; i++) {
      if (Ascii.equalsIgnoreCase(headerName(i), name) && k-- == 0) {
        return headerValue(i);
      }
    }
    return null;
  }

  // ------------------------------------------------------------------------------------ client address

  /**
   * The family of the client's address: {@link IpAddress#V4}, {@link IpAddress#V6}, or {@link
   * IpAddress#NONE} when unknown (the default). An IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}) is
   * family {@code V6}, as HAProxy sees a client of a dual-stack listener.
   */
  default int clientAddressFamily() {
    return IpAddress.NONE;
  }

  /** IPv6: the address' first 8 bytes, big-endian. IPv4 and unknown: 0. */
  default long clientAddressHigh() {
    return 0;
  }

  /** IPv6: the address' last 8 bytes, big-endian. IPv4: the 4 bytes, big-endian, in the low 32 bits. */
  default long clientAddressLow() {
    return 0;
  }

  // --------------------------------------------------------------------------------------------- body

  /**
   * The beginning of the request body, one char per byte (0..255), at most as long as the adapter's bound
   * (the whole body when shorter), or an empty sequence when there is no body or the adapter does not buffer
   * it (the default). Adapters that read the body lazily do so on the first call, which may block; the
   * application still receives the whole body.
   */
  default CharSequence bodyPrefix() {
    return "";
  }

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
    BasicRequest.Builder b = BasicRequest.builder(method, target);
    for (CharSequence c : cookieHeaders) {
      b.header("Cookie", c);
    }
    return b.build();
  }
}
