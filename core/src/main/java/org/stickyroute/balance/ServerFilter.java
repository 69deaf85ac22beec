package org.stickyroute.balance;


/**
 * Decides whether a server may take one more request during a table walk (bounded loads, {@code maxconn}).
 * Implementations must be allocation-free and must not block.
 */
@FunctionalInterface
public interface ServerFilter {
  /** Whether the server with this index is acceptable now, given the current in-flight counts. */
  boolean accept(int server, LoadView load);
}
