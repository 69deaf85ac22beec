package org.stickyroute.spring.cloud.gateway;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.util.MultiValueMap;

/**
 * The client's request as forwarded when the decision rewrote its {@code Cookie} headers (the persistence
 * cookie stripped under {@code insert indirect}, a prefix removed under {@code prefix}): every header as the
 * client sent it, in place, except {@code Cookie}, whose values are the decision's (no {@code Cookie} header at
 * all when nothing is left). A read-only view over the received headers instead of {@code
 * ServerHttpRequest.mutate()}, which copies every header into a new map and rebuilds the request's URI and
 * path for each request. Everything else — cookies as parsed by Spring included, as with {@code mutate()} — is
 * the received request's.
 */
final class CookieForwardedRequest extends ServerHttpRequestDecorator {
  private final HttpHeaders headers;

  /**
   * @param request the received request
   * @param cookies the forwarded {@code Cookie} header values, in order; empty to forward none
   */
  CookieForwardedRequest(ServerHttpRequest request, List<String> cookies) {
    super(request);
    this.headers = new HttpHeaders(new CookieReplaced(request.getHeaders(), cookies));
  }

  @Override
  public HttpHeaders getHeaders() {
    return headers;
  }

  /** The received headers with the {@code Cookie} values replaced. Read-only; case-insensitive as the received. */
  private static final class CookieReplaced extends AbstractMap<String, List<String>>
      implements MultiValueMap<String, String> {
    private final HttpHeaders received;
    private final List<String> cookies;
    private final boolean hadCookie;
    private Set<Map.Entry<String, List<String>>> entries;

    CookieReplaced(HttpHeaders received, List<String> cookies) {
      this.received = received;
      this.cookies = cookies.isEmpty() ? null : List.copyOf(cookies);
      this.hadCookie = received.containsHeader(HttpHeaders.COOKIE);
    }

    private static boolean isCookie(Object name) {
      return name instanceof String s && HttpHeaders.COOKIE.equalsIgnoreCase(s);
    }

    @Override
    public List<String> get(Object name) {
      if (isCookie(name)) {
        return cookies;
      }
      return name instanceof String s ? received.get(s) : null;
    }

    @Override
    public boolean containsKey(Object name) {
      if (isCookie(name)) {
        return cookies != null;
      }
      return name instanceof String s && received.containsHeader(s);
    }

    @Override
    public int size() {
      return received.size() - (hadCookie ? 1 : 0) + (cookies != null ? 1 : 0);
    }

    @Override
    public boolean isEmpty() {
      return size() == 0;
    }

    @Override
    public String getFirst(String name) {
      List<String> v = get(name);
      return v == null || v.isEmpty() ? null : v.get(0);
    }

    @Override
    public Set<Map.Entry<String, List<String>>> entrySet() {
      Set<Map.Entry<String, List<String>>> e = entries;
      if (e == null) {
        entries = e = new Entries();
      }
      return e;
    }

    @Override
    public Map<String, String> toSingleValueMap() {
      Map<String, String> m = new LinkedHashMap<>();
      forEach((name, values) -> m.put(name, values.isEmpty() ? null : values.get(0)));
      return m;
    }

    @Override
    public void add(String key, String value) {
      throw readOnly();
    }

    @Override
    public void addAll(String key, List<? extends String> values) {
      throw readOnly();
    }

    @Override
    public void addAll(MultiValueMap<String, String> values) {
      throw readOnly();
    }

    @Override
    public void set(String key, String value) {
      throw readOnly();
    }

    @Override
    public void setAll(Map<String, String> values) {
      throw readOnly();
    }

    @Override
    public List<String> put(String key, List<String> value) {
      throw readOnly();
    }

    @Override
    public List<String> remove(Object key) {
      throw readOnly();
    }

    @Override
    public void clear() {
      throw readOnly();
    }

    private static UnsupportedOperationException readOnly() {
      return new UnsupportedOperationException("the forwarded request's headers are read-only");
    }

    /** The received entries in order, the {@code Cookie} entry replaced in place or left out. */
    private final class Entries extends AbstractSet<Map.Entry<String, List<String>>> {
      @Override
      public int size() {
        return CookieReplaced.this.size();
      }

      @Override
      public Iterator<Map.Entry<String, List<String>>> iterator() {
        Iterator<Map.Entry<String, List<String>>> it = received.headerSet().iterator();
        return new Iterator<>() {
          private Map.Entry<String, List<String>> next = advance();

          private Map.Entry<String, List<String>> advance() {
            while (it.hasNext()) {
              Map.Entry<String, List<String>> e = it.next();
              if (!isCookie(e.getKey())) {
                return e;
              }
              if (cookies != null) {
                return new SimpleImmutableEntry<>(e.getKey(), cookies);
              }
            }
            return null;
          }

          @Override
          public boolean hasNext() {
            return next != null;
          }

          @Override
          public Map.Entry<String, List<String>> next() {
            Map.Entry<String, List<String>> e = next;
            if (e == null) {
              throw new NoSuchElementException();
            }
            next = advance();
            return e;
          }
        };
      }
    }
  }
}
