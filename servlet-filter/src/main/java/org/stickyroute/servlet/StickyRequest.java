package org.stickyroute.servlet;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;

/**
 * The request as everything downstream of the filter sees it: without the persistence cookie under {@code
 * insert indirect} (and without the {@code id~} prefix under {@code prefix}) in {@code getHeader}, {@code
 * getHeaders}, {@code getHeaderNames} and {@code getCookies}; with the scheme and client address a trusted
 * proxy reported; without forwarded headers an untrusted sender supplied; and with async requests tied to
 * the filter's end-of-request handling. Every routed request is wrapped: the wrapper also answers the
 * attribute {@link StickyRouteFilter#DECISION_ATTRIBUTE} without storing it in the container's request.
 */
final class StickyRequest extends HttpServletRequestWrapper {
  private final Exchange ex;
  private final long generation;
  private final ServletResponse response;
  private String[] forwardedCookies;
  private Cookie[] cookies;
  private boolean cookiesComputed;
  private AsyncContext hooked;
  private AsyncContext hookedDelegate;
  private ServletInputStream replay;
  private BufferedReader reader;
  private FormParameters parameters;

  StickyRequest(HttpServletRequest request, ServletResponse response, Exchange ex) {
    super(request);
    this.ex = ex;
    this.generation = ex.generation;
    this.response = response;
  }

  Exchange exchange() {
    return ex;
  }

  /** The decision while this request's use of the exchange lasts, else {@code null}. */
  private Object decision() {
    return ex.current(generation) ? ex.decision : null;
  }

  /**
   * The decision, checked against this request's generation: once the request has ended and its pooled
   * exchange serves another request, a late reader (a callback that outlived the request) gets {@code null}
   * rather than another request's decision. (The container's request may still hold the attribute set when
   * the request went async; the wrapper does not trust it.)
   */
  @Override
  public Object getAttribute(String name) {
    if (StickyRouteFilter.DECISION_ATTRIBUTE.equals(name)) {
      return decision();
    }
    return super.getAttribute(name);
  }

  @Override
  public Enumeration<String> getAttributeNames() {
    Enumeration<String> names = super.getAttributeNames();
    boolean live = decision() != null;
    boolean stored = super.getAttribute(StickyRouteFilter.DECISION_ATTRIBUTE) != null;
    if (live == stored) {
      return names;
    }
    List<String> all = new ArrayList<>(Collections.list(names));
    if (live) {
      all.add(StickyRouteFilter.DECISION_ATTRIBUTE);
    } else {
      all.remove(StickyRouteFilter.DECISION_ATTRIBUTE);
    }
    return Collections.enumeration(all);
  }

  private static boolean isForwardedHeader(String name) {
    return HeaderValues.nameIs(name, "x-forwarded-for") || HeaderValues.nameIs(name, "x-forwarded-proto")
        || HeaderValues.nameIs(name, "x-forwarded-host") || HeaderValues.nameIs(name, "x-forwarded-port")
        || HeaderValues.nameIs(name, "forwarded");
  }

  private boolean rewritesCookies() {
    return ex.cookiesChanged();
  }

  /** The Cookie header values to show, dropped ones left out (copied once from the decision's views). */
  private String[] forwardedCookies() {
    if (forwardedCookies == null) {
      int n = ex.decision.cookieHeaderCount();
      List<String> kept = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        CharSequence v = ex.decision.forwardedCookie(i);
        if (v != null) {
          kept.add(v.toString());
        }
      }
      forwardedCookies = kept.toArray(new String[0]);
    }
    return forwardedCookies;
  }

  @Override
  public String getHeader(String name) {
    if (rewritesCookies() && HeaderValues.nameIs(name, "cookie")) {
      String[] c = forwardedCookies();
      return c.length == 0 ? null : c[0];
    }
    if (ex.hideForwarded && isForwardedHeader(name)) {
      return null;
    }
    return super.getHeader(name);
  }

  @Override
  public Enumeration<String> getHeaders(String name) {
    if (rewritesCookies() && HeaderValues.nameIs(name, "cookie")) {
      return Collections.enumeration(List.of(forwardedCookies()));
    }
    if (ex.hideForwarded && isForwardedHeader(name)) {
      return Collections.emptyEnumeration();
    }
    return super.getHeaders(name);
  }

  @Override
  public Enumeration<String> getHeaderNames() {
    boolean dropCookie = rewritesCookies() && forwardedCookies().length == 0;
    if (!dropCookie && !ex.hideForwarded) {
      return super.getHeaderNames();
    }
    List<String> names = new ArrayList<>();
    Enumeration<String> e = super.getHeaderNames();
    while (e.hasMoreElements()) {
      String n = e.nextElement();
      if (dropCookie && HeaderValues.nameIs(n, "cookie")) {
        continue;
      }
      if (ex.hideForwarded && isForwardedHeader(n)) {
        continue;
      }
      names.add(n);
    }
    return Collections.enumeration(names);
  }

  @Override
  public long getDateHeader(String name) {
    if (ex.hideForwarded && isForwardedHeader(name)) {
      return -1;
    }
    return super.getDateHeader(name);
  }

  @Override
  public int getIntHeader(String name) {
    if (ex.hideForwarded && isForwardedHeader(name)) {
      return -1;
    }
    return super.getIntHeader(name);
  }

  /**
   * The container's cookies, with the persistence cookie removed ({@code indirect}) or its {@code id~}
   * prefix stripped ({@code prefix}), as the decision says ({@link
   * org.stickyroute.Decision#forwardedCookieValue}): the container's parsing rules stay in force for every
   * other cookie.
   */
  @Override
  public Cookie[] getCookies() {
    if (!rewritesCookies()) {
      return super.getCookies();
    }
    if (!cookiesComputed) {
      cookiesComputed = true;
      Cookie[] all = super.getCookies();
      if (all != null) {
        List<Cookie> kept = new ArrayList<>(all.length);
        for (Cookie c : all) {
          String value = c.getValue() == null ? "" : c.getValue();
          String v = ex.decision.forwardedCookieValue(c.getName(), value);
          if (v == null) {
            continue; // the persistence cookie under insert indirect
          }
          kept.add(v.equals(value) ? c : new Cookie(c.getName(), v));
        }
        cookies = kept.isEmpty() ? null : kept.toArray(new Cookie[0]);
      }
    }
    return cookies == null ? null : cookies.clone();
  }

  @Override
  public boolean isSecure() {
    return ex.forwardedScheme != null ? ex.secure : super.isSecure();
  }

  @Override
  public String getScheme() {
    return ex.forwardedScheme != null ? ex.forwardedScheme : super.getScheme();
  }

  @Override
  public String getRemoteAddr() {
    return ex.forwardedFor != null ? ex.forwardedFor : super.getRemoteAddr();
  }

  @Override
  public String getRemoteHost() {
    return ex.forwardedFor != null ? ex.forwardedFor : super.getRemoteHost();
  }

  // -------------------------------------------------------------------------------------------- body

  /** Whether the filter read the body's beginning for this request (then the whole body is replayed here). */
  private boolean bodyRead() {
    return ex.current(generation) && ex.body.consumed() || replay != null;
  }

  @Override
  public ServletInputStream getInputStream() throws IOException {
    if (!bodyRead()) {
      return super.getInputStream();
    }
    if (reader != null) {
      throw new IllegalStateException("getReader() was already called");
    }
    if (replay == null) {
      replay = ex.body.replay(super.getInputStream());
    }
    return replay;
  }

  @Override
  public BufferedReader getReader() throws IOException {
    if (!bodyRead()) {
      return super.getReader();
    }
    if (reader == null) {
      String enc = getCharacterEncoding();
      Charset cs = enc == null ? StandardCharsets.UTF_8 : Charset.forName(enc);
      ServletInputStream in = getInputStream();
      reader = new BufferedReader(new InputStreamReader(in, cs));
    }
    return reader;
  }

  private FormParameters parameters() {
    if (parameters == null) {
      InputStream in;
      try {
        in = getInputStream();
      } catch (IOException | IllegalStateException e) {
        in = null;
      }
      parameters = FormParameters.parse(getQueryString(), in, getCharacterEncoding());
    }
    return parameters;
  }

  @Override
  public String getParameter(String name) {
    return bodyRead() ? parameters().get(name) : super.getParameter(name);
  }

  @Override
  public Map<String, String[]> getParameterMap() {
    return bodyRead() ? parameters().map() : super.getParameterMap();
  }

  @Override
  public Enumeration<String> getParameterNames() {
    return bodyRead() ? Collections.enumeration(parameters().map().keySet()) : super.getParameterNames();
  }

  @Override
  public String[] getParameterValues(String name) {
    return bodyRead() ? parameters().values(name) : super.getParameterValues(name);
  }

  // ------------------------------------------------------------------------------------------- async

  @Override
  public AsyncContext startAsync() {
    return listen(super.startAsync(this, response));
  }

  @Override
  public AsyncContext startAsync(ServletRequest request, ServletResponse response) {
    return listen(super.startAsync(request, response));
  }

  @Override
  public AsyncContext getAsyncContext() {
    AsyncContext c = super.getAsyncContext();
    if (c == null) {
      return null;
    }
    if (c != hookedDelegate) {
      hookedDelegate = c;
      hooked = new HookedAsyncContext(c);
    }
    return hooked;
  }

  private AsyncContext listen(AsyncContext c) {
    if (!ex.listening && ex.current(generation)) {
      c.addListener(ex.endListener());
      ex.listening = true;
      // ASYNC and ERROR dispatches may get the container's request rather than this wrapper
      super.setAttribute(StickyRouteFilter.DECISION_ATTRIBUTE, ex.decision);
    }
    hookedDelegate = c;
    hooked = new HookedAsyncContext(c);
    return hooked;
  }
}
