package org.stickyroute.demo;

import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.stickyroute.servlet.StickyProxyServlet;

/**
 * The demo's proxy servlet, recording at the proxy every attempt it makes for requests that carry {@value
 * #ID_HEADER}: to which server, when it began and ended, the server's status and why it failed. The reliability
 * run classifies each non-2xx answer by these facts instead of by when the request was sent. The header is only
 * read, never interpreted otherwise; requests without it are not recorded. Thread-safe.
 */
final class AttemptLog extends StickyProxyServlet {
  private static final long serialVersionUID = 1L;

  /** The request header that names a request in the log (a decimal number chosen by the client). */
  static final String ID_HEADER = "X-Reliability-Id";

  /**
   * One attempt. {@code end} is {@link Long#MAX_VALUE} while it runs.
   *
   * @param server the server it went to
   * @param begin when it began, {@link System#nanoTime()}
   * @param end when it ended
   * @param status the server's status, 0 if it never answered
   * @param failure how it failed ({@code Throwable.toString()} of the cause), or null if the answer was relayed
   * @param thrown what the proxy reported the failure with (its stack trace goes into the report of an unexplained
   *     failure), or null
   */
  record Attempt(String server, long begin, long end, int status, String failure, Throwable thrown) {
    /** An attempt without the thrown failure. */
    Attempt(String server, long begin, long end, int status, String failure) {
      this(server, begin, end, status, failure, null);
    }

    /** The connection was refused (or could not be made): nothing reached the server. */
    boolean refused() {
      return failure != null && (failure.startsWith("java.net.ConnectException")
          || failure.contains("Caused by: java.net.ConnectException"));
    }

    @Override
    public String toString() {
      return server + (end == Long.MAX_VALUE ? " (running)" : failure != null ? " failed: " + failure
          : " answered " + status);
    }

    /** The failure's full stack trace, causes included, or an empty string. */
    String trace() {
      if (thrown == null) {
        return "";
      }
      java.io.StringWriter w = new java.io.StringWriter();
      thrown.printStackTrace(new java.io.PrintWriter(w, true));
      return w.toString();
    }
  }

  private final transient Map<Long, List<Attempt>> attempts = new ConcurrentHashMap<>();

  @Override
  protected void onAttemptBegin(HttpServletRequest request, int attempt, String server) {
    Long id = id(request);
    if (id != null) {
      attempts.computeIfAbsent(id, k -> new ArrayList<>());
      List<Attempt> list = attempts.get(id);
      synchronized (list) {
        list.add(new Attempt(server, System.nanoTime(), Long.MAX_VALUE, 0, null, null));
      }
    }
  }

  @Override
  protected void onAttemptEnd(HttpServletRequest request, int attempt, String server, int status, Throwable failure) {
    Long id = id(request);
    List<Attempt> list = id == null ? null : attempts.get(id);
    if (list == null) {
      return;
    }
    synchronized (list) {
      int last = list.size() - 1;
      if (last >= 0 && list.get(last).end() == Long.MAX_VALUE) {
        Attempt a = list.get(last);
        list.set(last, new Attempt(a.server(), a.begin(), System.nanoTime(), status, describe(failure), failure));
      }
    }
  }

  private static String describe(Throwable failure) {
    if (failure == null) {
      return null;
    }
    StringBuilder b = new StringBuilder(failure.toString());
    for (Throwable t = failure.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
      b.append(" Caused by: ").append(t);
    }
    return b.length() > 300 ? b.substring(0, 300) : b.toString();
  }

  private static Long id(HttpServletRequest request) {
    String v = request.getHeader(ID_HEADER);
    if (v == null) {
      return null;
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** The attempts made for a request, in order (a copy; empty if none). */
  List<Attempt> of(long id) {
    List<Attempt> list = attempts.get(id);
    if (list == null) {
      return List.of();
    }
    synchronized (list) {
      return List.copyOf(list);
    }
  }

  /** Drops a request's attempts (its answer was a 2xx: nothing to explain), so the log stays small. */
  void forget(long id) {
    attempts.remove(id);
  }

  /**
   * The requests with an attempt on {@code server} running at some instant of {@code [from, to]}: in flight there
   * while it died, if the instance was killed between {@code from} and {@code to}.
   */
  List<Long> runningOn(String server, long from, long to) {
    List<Long> ids = new ArrayList<>();
    attempts.forEach((id, list) -> {
      synchronized (list) {
        for (Attempt a : list) {
          if (a.server() != null && a.server().equals(server) && a.begin() <= to && a.end() >= from) {
            ids.add(id);
            break;
          }
        }
      }
    });
    return ids;
  }
}
