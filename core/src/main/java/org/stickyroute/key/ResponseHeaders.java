package org.stickyroute.key;

import org.stickyroute.http.RequestView;
import org.stickyroute.http.ResponseView;

/**
 * A response's header list seen through {@link RequestView}, so that the header scans of the request fetches
 * serve {@code res.hdr} and {@code res.cook} too. Reusable (one per thread): {@link #of} points it at a
 * response; nothing is copied.
 */
final class ResponseHeaders implements RequestView {
  private ResponseView response;

  ResponseHeaders of(ResponseView r) {
    this.response = r;
    return this;
  }

  @Override
  public CharSequence method() {
    return "";
  }

  @Override
  public CharSequence target() {
    return "";
  }

  @Override
  public int cookieHeaderCount() {
    return 0;
  }

  @Override
  public CharSequence cookieHeader(int i) {
    throw new IndexOutOfBoundsException(i);
  }

  @Override
  public int headerCount() {
    return response.headerCount();
  }

  @Override
  public CharSequence headerName(int i) {
    return response.headerName(i);
  }

  @Override
  public CharSequence headerValue(int i) {
    CharSequence v = response.headerValue(i);
    return v == null ? "" : v;
  }
}
