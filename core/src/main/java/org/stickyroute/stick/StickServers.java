package org.stickyroute.stick;

/**
 * The servers of one backend snapshot, as stick rules read them (the table never sees the root package): by
 * name, by id, and whether a server accepts persistent traffic.
 */
public interface StickServers {
  /** The index of the server with this name, or a negative number. */
  int indexOfName(String name);

  /** The index of the server with this id ({@code puid}), or a negative number. */
  int indexOfId(int id);

  /**
   * Whether an entry may send a request to server {@code i}: it is not stopped (HAProxy's {@code cur_state !=
   * SRV_ST_STOPPED}: up, or draining), or the backend has {@code option persist}.
   */
  boolean accepts(int i);
}
