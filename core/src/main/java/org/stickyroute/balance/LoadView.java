package org.stickyroute.balance;

/**
 * In-flight request counts, as bounded-load hashing ({@code hash-balance-factor}) and {@code maxconn} read
 * them: HAProxy's per-server {@code served} and the backend's total. Implementations must be
 * allocation-free and must not block; they may be read while other threads change them.
 */
public interface LoadView {
  /** Requests in flight on the server with this index (declaration order). */
  int served(int server);

  /** Requests in flight on the whole backend. */
  int totalServed();

  /** A view over a caller-owned array (index = server index); the total is summed per call. */
  static LoadView of(int[] served) {
    return new LoadView() {
      @Override
      public int served(int server) {
        return served[server];
      }

      @Override
      public int totalServed() {
        int t = 0;
        for (int s : served) {
          t += s;
        }
        return t;
      }
    };
  }
}
