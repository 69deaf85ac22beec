package org.stickyroute.stick;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.stickyroute.config.BackendConfig;
import org.stickyroute.config.StickRule;
import org.stickyroute.config.StickTableConfig;
import org.stickyroute.http.RequestView;
import org.stickyroute.http.ResponseView;
import org.stickyroute.key.StickKey;

/**
 * The {@code stick} rules of one backend, compiled against its tables: HAProxy 2.6's {@code
 * process_sticking_rules} (request) and {@code process_store_rules} (response). Rules apply in order; a match
 * whose entry names a server that accepts the request assigns it unless something (a persistence cookie, an
 * earlier match) already did, and touches the entry either way; only the first store rule of each table
 * stores, request and response sides each once; a store reserves its place at once and is written with the
 * server that answered. Immutable and thread-safe; the per-request state is a {@link StickPending}.
 */
public final class StickRules {
  private record Rule(StickRule.Kind kind, StickKey key, StickTable table) {}

  private final Rule[] request;
  private final Rule[] response;

  private StickRules(Rule[] request, Rule[] response) {
    this.request = request;
    this.response = response;
  }

  /** The rules of {@code backend} over {@code tables} (by name), or {@code null} when it has none. */
  public static StickRules of(BackendConfig backend, Map<String, StickTable> tables) {
    if (!backend.stick().hasRules()) {
      return null;
    }
    List<Rule> req = new ArrayList<>();
    List<Rule> res = new ArrayList<>();
    for (StickRule r : backend.stick().rules()) {
      StickTable t = tables.get(r.table());
      StickTableConfig tc = t.config();
      Rule c = new Rule(r.kind(), new StickKey(r.expression(), tc.type(), tc.keyLength()), t);
      (r.kind() == StickRule.Kind.STORE_RESPONSE ? res : req).add(c);
    }
    return new StickRules(req.toArray(new Rule[0]), res.toArray(new Rule[0]));
  }

  /** Whether rules read the response ({@code store-response}). */
  public boolean readsResponse() {
    return response.length > 0;
  }

  /**
   * The request's rules at {@code now} (ms): returns the server index a match assigns, or -1 (none, or {@code
   * assigned} already). Reservations for stores go to {@code pending} (emptied first).
   */
  public int onRequest(RequestView r, StickServers servers, boolean assigned, long now, StickPending pending) {
    pending.clear();
    int chosen = -1;
    for (Rule rule : request) {
      boolean store = rule.kind.storesRequest();
      if (store && pending.has(rule.table, 0)) {
        continue;
      }
      StickTable t = rule.table;
      long lk = -1;
      byte[] bk = null;
      if (t.longKeys()) {
        lk = rule.key.longKey(r, null);
        if (lk == StickKey.NO_KEY) {
          continue;
        }
      } else {
        bk = rule.key.bytesKey(r, null);
        if (bk == null) {
          continue;
        }
      }
      if (rule.kind.matches()) {
        StickEntry e = bk == null ? t.lookup(lk, now) : t.lookup(bk, now);
        if (e != null) {
          if (!assigned && chosen < 0) {
            chosen = target(e, servers);
          }
          t.touch(e, now);
        }
      }
      if (store && pending.count < StickPending.MAX && t.reserve(now)) {
        pending.add(t, lk, bk, now);
      }
    }
    pending.requestCount = pending.count;
    return chosen;
  }

  private static int target(StickEntry e, StickServers servers) {
    String name = e.serverName;
    int i = name == null ? -1 : servers.indexOfName(name);
    if (i < 0) {
      i = servers.indexOfId(e.serverId);
    }
    return i >= 0 && servers.accepts(i) ? i : -1;
  }

  /**
   * The response's {@code store-response} rules ({@code response} may be {@code null}: only the request's
   * stores are written), then every pending store, with the server that answered, at {@code now} (ms).
   */
  public void onResponse(RequestView r, ResponseView response, String serverName, int serverId, long now,
      StickPending pending) {
    if (response != null) {
      for (Rule rule : this.response) {
        StickTable t = rule.table;
        if (pending.has(t, pending.requestCount)) {
          continue;
        }
        long lk = -1;
        byte[] bk = null;
        if (t.longKeys()) {
          lk = rule.key.longKey(r, response);
          if (lk == StickKey.NO_KEY) {
            continue;
          }
        } else {
          bk = rule.key.bytesKey(r, response);
          if (bk == null) {
            continue;
          }
        }
        if (pending.count < StickPending.MAX && t.reserve(now)) {
          pending.add(t, lk, bk, now);
        }
      }
    }
    for (int i = 0; i < pending.count; i++) {
      pending.tables[i].commit(pending.longKeys[i], pending.bytesKeys[i], serverName, serverId,
          pending.reservedAt[i], now);
    }
    pending.clear();
  }
}
