package org.stickyroute.key;

import java.util.Objects;
import org.stickyroute.hash.internal.Avalanche;
import org.stickyroute.hash.HashFunction;
import org.stickyroute.hash.HashType;
import org.stickyroute.http.RequestView;

/**
 * The key of {@code balance hdr(<name>) [use_domain_only]} ({@code src/backend.c:get_server_hh}): the first
 * comma-separated value of the first field named {@code name} (see {@link HeaderScan}); no such field, or an
 * empty first value, is no key.
 *
 * <p>With {@code use_domain_only} only the label before the last dot is hashed ({@code www.example.com} and
 * {@code example.com:8080} hash {@code example}; a value without a dot is hashed whole; {@code example.com.}
 * hashes {@code com}), by HAProxy's backwards scan.
 */
public final class HeaderKey implements KeyExtractor {
  private final String name;
  private final String lower;
  private final boolean domainOnly;
  private final HashFunction function;
  private final boolean avalanche;

  /**
   * The key for a backend with this {@code hash-type}.
   *
   * @param name the header name (any case)
   * @param domainOnly the {@code use_domain_only} option
   * @param type the backend's hash type
   */
  public HeaderKey(String name, boolean domainOnly, HashType type) {
    this.name = Objects.requireNonNull(name, "name");
    this.lower = HeaderScan.lower(name);
    this.domainOnly = domainOnly;
    this.function = type.function();
    this.avalanche = type.avalanche();
  }

  @Override
  public long hash(RequestView request) {
    long v = HeaderScan.first(request, lower);
    if (v == HeaderScan.NONE) {
      return NO_KEY;
    }
    int s = HeaderScan.start(v);
    int e = HeaderScan.end(v);
    if (s == e) {
      return NO_KEY;
    }
    CharSequence t = HeaderScan.text(request, lower, v);
    int h;
    if (!domainOnly) {
      h = function.hash(t, s, e);
    } else {
      // HAProxy walks back from one past the value: the first '.' met (the byte after the value is read too,
      // which is a ',' or a blank when the value does not end its field) ends the domain, the next one
      // before it starts it.
      int p = e;
      int end = e;
      boolean inDomain = false;
      int len = e - s;
      while (len > 0) {
        if (inDomain) {
          if (t.charAt(p - 1) == '.') {
            break;
          }
        } else if (p < t.length() && t.charAt(p) == '.') {
          end = p;
          inDomain = true;
        }
        p--;
        len--;
      }
      h = function.hash(t, p, end);
    }
    return (avalanche ? Avalanche.fullHash(h) : h) & 0xFFFFFFFFL;
  }

  @Override
  public String toString() {
    return "hdr(" + name + ")" + (domainOnly ? " use_domain_only" : "");
  }
}
