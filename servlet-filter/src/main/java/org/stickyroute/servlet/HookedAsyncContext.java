package org.stickyroute.servlet;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.ServletResponseWrapper;

/**
 * An {@link AsyncContext} whose {@link #complete()} first adds the persistence headers to a response that
 * nothing has committed yet (an async response without a body: a 204, a redirect, an empty proxied reply).
 * Everything else is delegated.
 */
final class HookedAsyncContext implements AsyncContext {
  private final AsyncContext delegate;

  HookedAsyncContext(AsyncContext delegate) {
    this.delegate = delegate;
  }

  @Override
  public void complete() {
    ServletResponse r = delegate.getResponse();
    while (r != null) {
      if (r instanceof StickyResponse s) {
        s.beforeCommit(0);
        break;
      }
      r = r instanceof ServletResponseWrapper w ? w.getResponse() : null;
    }
    delegate.complete();
  }

  @Override
  public ServletRequest getRequest() {
    return delegate.getRequest();
  }

  @Override
  public ServletResponse getResponse() {
    return delegate.getResponse();
  }

  @Override
  public boolean hasOriginalRequestAndResponse() {
    return delegate.hasOriginalRequestAndResponse();
  }

  @Override
  public void dispatch() {
    delegate.dispatch();
  }

  @Override
  public void dispatch(String path) {
    delegate.dispatch(path);
  }

  @Override
  public void dispatch(ServletContext context, String path) {
    delegate.dispatch(context, path);
  }

  @Override
  public void start(Runnable run) {
    delegate.start(run);
  }

  @Override
  public void addListener(AsyncListener listener) {
    delegate.addListener(listener);
  }

  @Override
  public void addListener(AsyncListener listener, ServletRequest request, ServletResponse response) {
    delegate.addListener(listener, request, response);
  }

  @Override
  public <T extends AsyncListener> T createListener(Class<T> clazz) throws ServletException {
    return delegate.createListener(clazz);
  }

  @Override
  public void setTimeout(long timeout) {
    delegate.setTimeout(timeout);
  }

  @Override
  public long getTimeout() {
    return delegate.getTimeout();
  }
}
