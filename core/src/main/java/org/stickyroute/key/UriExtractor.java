package org.stickyroute.key;

import org.stickyroute.hash.HashFunction;
import org.stickyroute.hash.HashType;
import org.stickyroute.http.RequestView;

/**
 * The key of {@code balance uri}: the {@link UriKey} part of the request-target, hashed with the backend's
 * function and modifier ({@code src/backend.c:get_server_uh}). Every request has one: the target may be
 * empty, never absent. Immutable, thread-safe, allocation-free.
 */
final class UriExtractor implements KeyExtractor {
  private final UriKey key;
  private final HashFunction function;
  private final boolean avalanche;

  UriExtractor(UriKey key, HashType type) {
    this.key = key;
    this.function = type.function();
    this.avalanche = type.avalanche();
  }

  @Override
  public long hash(RequestView request) {
    CharSequence target = request.target();
    return key.hash(target, 0, target.length(), function, avalanche) & 0xFFFFFFFFL;
  }

  @Override
  public String toString() {
    return key + " (" + function + (avalanche ? " avalanche" : "") + ")";
  }
}
