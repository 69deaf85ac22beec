package org.stickyroute.servlet;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Enumeration;

/**
 * The container request's headers by name, for {@link Exchange}'s {@link org.stickyroute.http.RequestView}:
 * occurrence 0 of a name straight from {@code getHeader} (no allocation), the others and the count from
 * {@code getHeaders}, whose values are kept for the last name asked (an algorithm asks for one name,
 * several times). Pooled with its exchange; reused after {@link #clear}.
 */
final class RequestHeaders {
  private String name;
  private String[] values = new String[2];
  private int count = -1;

  void clear() {
    for (int i = 0; i < Math.max(count, 0); i++) {
      values[i] = null;
    }
    name = null;
    count = -1;
  }

  /** Number of fields named {@code name} in {@code request}. */
  int count(HttpServletRequest request, CharSequence name) {
    load(request, name);
    return count;
  }

  /** Field {@code i} named {@code name}, or {@code null}. */
  String value(HttpServletRequest request, CharSequence name, int i) {
    if (i == 0 && !cached(name)) {
      return request.getHeader(name.toString());
    }
    load(request, name);
    return i < count ? values[i] : null;
  }

  private boolean cached(CharSequence n) {
    return count >= 0 && name != null && name.contentEquals(n);
  }

  private void load(HttpServletRequest request, CharSequence n) {
    if (cached(n)) {
      return;
    }
    clear();
    String key = n.toString();
    name = key;
    count = 0;
    if (request.getHeader(key) == null) {
      return;
    }
    Enumeration<String> e = request.getHeaders(key);
    while (e.hasMoreElements()) {
      if (count == values.length) {
        String[] grown = new String[count * 2];
        System.arraycopy(values, 0, grown, 0, count);
        values = grown;
      }
      values[count++] = e.nextElement();
    }
  }
}
