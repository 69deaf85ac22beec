package org.stickyroute.key;

import java.util.Objects;
import org.stickyroute.hash.internal.Avalanche;
import org.stickyroute.hash.HashFunction;
import org.stickyroute.hash.HashType;
import org.stickyroute.http.RequestView;

/**
 * The key of {@code balance url_param <param> [check_post]} ({@code src/backend.c:get_server_ph} and {@code
 * get_server_ph_post}).
 *
 * <ol>
 *   <li>The query: from the first {@code ?} of the raw request-target, parameters are separated by {@code &}
 *       only (not {@code ;}); the first one named exactly {@code param} (case-sensitive) followed by {@code =}
 *       gives the value, up to the next {@code &} or the end (it may be empty, and keeps {@code #}, {@code ;}
 *       and percent-escapes as they are).
 *   <li>Otherwise, for a {@code POST} (method exactly {@code POST}), the same search in the body prefix of
 *       {@link RequestView#bodyPrefix()} &mdash; HAProxy 2.6 does this whether or not {@code check_post} is
 *       given. There, as HAProxy's loop tests the value's <em>first</em> character on every step, a value
 *       starting with a token character runs to the next {@code &}, one starting with a space, tab, CR or LF
 *       is empty, and any other first character means no key.
 *   <li>Otherwise there is no key.
 * </ol>
 *
 * <p>Unlike the other keys, HAProxy looks for the parameter even when one server is usable.
 */
public final class UrlParamKey implements KeyExtractor {
  private final String param;
  private final HashFunction function;
  private final boolean avalanche;

  /**
   * The key for a backend with this {@code hash-type}.
   *
   * @param param the parameter name (case-sensitive, not empty)
   * @param type the backend's hash type
   */
  public UrlParamKey(String param, HashType type) {
    this.param = Objects.requireNonNull(param, "param");
    if (param.isEmpty()) {
      throw new IllegalArgumentException("url_param needs a parameter name");
    }
    this.function = type.function();
    this.avalanche = type.avalanche();
  }

  @Override
  public boolean lookedUpWithOneServer() {
    return true;
  }

  @Override
  public long hash(RequestView request) {
    CharSequence u = request.target();
    int n = u.length();
    int q = -1;
    for (int i = 0; i < n; i++) {
      if (u.charAt(i) == '?') {
        q = i;
        break;
      }
    }
    if (q >= 0) {
      long r = find(u, q + 1, n, false);
      if (r >= 0) {
        return r;
      }
    }
    if (isPost(request.method())) {
      CharSequence body = request.bodyPrefix();
      if (body != null && body.length() > 0) {
        long r = find(body, 0, body.length(), true);
        if (r >= 0) {
          return r;
        }
      }
    }
    return NO_KEY;
  }

  private static boolean isPost(CharSequence m) {
    return m != null && m.length() == 4 && m.charAt(0) == 'P' && m.charAt(1) == 'O' && m.charAt(2) == 'S'
        && m.charAt(3) == 'T';
  }

  /** The hash of the parameter's value in {@code s[from, to)}, or -1 when it is not there. */
  private long find(CharSequence s, int from, int to, boolean body) {
    int plen = param.length();
    int params = from;
    while (to - params > plen) {
      if (s.charAt(params + plen) == '=' && nameAt(s, params)) {
        int start = params + plen + 1;
        int end = start;
        if (body) {
          char first = start < to ? s.charAt(start) : 0;
          while (end < to && s.charAt(end) != '&') {
            if (!isToken(first)) {
              if (isLws(first)) {
                break;
              }
              return -1;
            }
            end++;
          }
        } else {
          while (end < to && s.charAt(end) != '&') {
            end++;
          }
        }
        int h = function.hash(s, start, end);
        return (avalanche ? Avalanche.fullHash(h) : h) & 0xFFFFFFFFL;
      }
      int amp = -1;
      for (int i = params; i < to; i++) {
        if (s.charAt(i) == '&') {
          amp = i;
          break;
        }
      }
      if (amp < 0) {
        return -1;
      }
      params = amp + 1;
    }
    return -1;
  }

  private boolean nameAt(CharSequence s, int at) {
    for (int i = 0; i < param.length(); i++) {
      if (s.charAt(at + i) != param.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isLws(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
  }

  /** HAProxy's {@code HTTP_IS_TOKEN}: an RFC 7230 {@code tchar}. */
  static boolean isToken(char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
      return true;
    }
    switch (c) {
      case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+': case '-': case '.':
      case '^': case '_': case '`': case '|': case '~':
        return true;
      default:
        return false;
    }
  }

  @Override
  public String toString() {
    return "url_param " + param;
  }
}
