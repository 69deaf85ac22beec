package org.stickyroute.spring.cloud.gateway;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.util.MultiValueMap;

/**
 * The client's request as forwarded when the decision rewrote its {@code Cookie} headers (the persistence
 * cookie stripped under {@code insert indirect}, a prefix removed under {@code prefix}): every header as the
 * client sent it, in place, except {@code Cookie}, whose values are the decision's (no {@code Cookie} header at
 * all when nothing is left). Read-only headers whose fields are listed once from the received ones, instead of
 * {@code ServerHttpRequest.mutate()}, which copies every header into a new case-insensitive map and rebuilds
 * the request's URI and path for each request. Everything else — cookies as parsed by Spring included, as with
 * {@code mutate()} — is the received request's.
 */
final class CookieForwardedRequest extends ServerHttpRequestDecorator {
  private final HttpHeaders headers;

  /**
   * @param request the received request
   * @param cookies the forwarded {@code Cookie} header values, in order; empty to forward none
   */
  CookieForwardedRequest(ServerHttpRequest request, List<String> cookies) {
    this(request, nettyHeaders(request), cookies);
  }

  /**
   * @param nettyHeaders the received request's fields as Netty holds them (Reactor Netty), or {@code null} to
   *     read them through Spring's {@code HttpHeaders}
   */
  CookieForwardedRequest(ServerHttpRequest request, io.netty.handler.codec.http.HttpHeaders nettyHeaders,
      List<String> cookies) {
    super(request);
    this.headers = new HttpHeaders(new CookieReplaced(request.getHeaders(), nettyHeaders, cookies));
  }

  /** Netty's own header list of a request received by Reactor Netty, else {@code null}. */
  private static io.netty.handler.codec.http.HttpHeaders nettyHeaders(ServerHttpRequest request) {
    reactor.netty.http.server.HttpServerRequest r = ReactorNettyNatives.request(request);
    return r == null ? null : r.requestHeaders();
  }

  @Override
  public HttpHeaders getHeaders() {
    return headers;
  }

  /** The received headers with the {@code Cookie} values replaced. Read-only; case-insensitive as the received. */
  private static final class CookieReplaced extends AbstractMap<String, List<String>>
      implements MultiValueMap<String, String> {
    private final List<String> cookies;
    /**
     * The entries in order, the {@code Cookie} entry replaced in place or left out: read from the received
     * headers once (they are read-only), since each header filter of the Gateway walks them again.
     */
    private final List<Map.Entry<String, List<String>>> fields;
    private Set<Map.Entry<String, List<String>>> entries;

    CookieReplaced(HttpHeaders received, io.netty.handler.codec.http.HttpHeaders netty, List<String> cookies) {
      this.cookies = cookies.isEmpty() ? null : List.copyOf(cookies);
      this.fields = Collections.unmodifiableList(netty != null ? fromNetty(netty) : fromSpring(received));
    }

    /**
     * The fields through Spring's headers: over Netty's, that copies every name into a new set and every value
     * into a new list, walks the names again through a stream into a case-insensitive map (about 4 KB per
     * request, measured with {@code GatewayAllocationProbe}).
     */
    private List<Map.Entry<String, List<String>>> fromSpring(HttpHeaders received) {
      List<Map.Entry<String, List<String>>> f = new ArrayList<>(received.size() + 1);
      for (Map.Entry<String, List<String>> e : received.headerSet()) {
        if (!isCookie(e.getKey())) {
          f.add(new SimpleImmutableEntry<>(e.getKey(), e.getValue()));
        } else if (this.cookies != null) {
          f.add(new SimpleImmutableEntry<>(e.getKey(), this.cookies));
        }
      }
      return f;
    }

    /**
     * The same fields from Netty's own list in one pass: one entry per name (case-insensitive, as the first
     * occurrence spells it, in the order of first occurrences), its values in order — what Spring's view of
     * the same headers lists.
     */
    @SuppressWarnings("unchecked")
    private List<Map.Entry<String, List<String>>> fromNetty(io.netty.handler.codec.http.HttpHeaders netty) {
      int size = netty.size();
      String[] names = new String[size];
      Object[] values = new Object[size]; // a String, or an ArrayList of them for a repeated name
      int m = 0;
      Iterator<Map.Entry<String, String>> it = netty.iteratorAsString();
      while (it.hasNext()) {
        Map.Entry<String, String> e = it.next();
        String name = e.getKey();
        int j = 0;
        while (j < m && !names[j].equalsIgnoreCase(name)) {
          j++;
        }
        if (j == m) { // a new name: m <= the fields read so far <= size
          names[m] = name;
          values[m++] = e.getValue();
        } else if (values[j] instanceof String first) {
          List<String> l = new ArrayList<>(4);
          l.add(first);
          l.add(e.getValue());
          values[j] = l;
        } else {
          ((List<String>) values[j]).add(e.getValue());
        }
      }
      List<Map.Entry<String, List<String>>> f = new ArrayList<>(m + 1);
      for (int j = 0; j < m; j++) {
        if (!isCookie(names[j])) {
          List<String> v = values[j] instanceof String one ? List.of(one) : Collections.unmodifiableList(
              (List<String>) values[j]);
          f.add(new SimpleImmutableEntry<>(names[j], v));
        } else if (this.cookies != null) {
          f.add(new SimpleImmutableEntry<>(names[j], this.cookies));
        }
      }
      return f;
    }

    private static boolean isCookie(Object name) {
      return name instanceof String s && HttpHeaders.COOKIE.equalsIgnoreCase(s);
    }

    @Override
    public List<String> get(Object name) {
      if (isCookie(name)) {
        return cookies;
      }
      if (name instanceof String s) {
        for (int i = 0, n = fields.size(); i < n; i++) { // by index: no iterator per lookup
          Map.Entry<String, List<String>> e = fields.get(i);
          if (e.getKey().equalsIgnoreCase(s)) {
            return e.getValue();
          }
        }
      }
      return null;
    }

    @Override
    public boolean containsKey(Object name) {
      return get(name) != null;
    }

    @Override
    public int size() {
      return fields.size();
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
        return fields.iterator();
      }
    }
  }
}
