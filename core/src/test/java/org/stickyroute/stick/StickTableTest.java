package org.stickyroute.stick;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.stickyroute.config.StickTableConfig;

/** The table's HAProxy semantics: purge order with stale expiry keys, nopurge, expiry and refresh. */
class StickTableTest {
  private static StickTable table(int size, long expire, boolean nopurge) {
    return new StickTable(new StickTableConfig("t", StickTableConfig.KeyType.IP, 4, size, expire, nopurge, null,
        org.stickyroute.config.SourceLocation.BUILDER));
  }

  private static void store(StickTable t, long key, String server, long now) {
    assertTrue(t.reserve(now));
    t.commit(key, null, server, 1, now, now);
  }

  @Test
  void fullTableDropsTheOldestUnlessTouchedSince() {
    StickTable t = table(2, 1000, false);
    store(t, 1, "a", 0);
    StickEntry a = t.lookup(1, 10);
    t.touch(a, 10);
    store(t, 1, "a", 10);
    store(t, 2, "b", 20);
    // a match of b, then its store on a full table: a (touched at 10, sorted at 1000) is re-sorted at 1010,
    // still before b (1020), and dropped
    t.touch(t.lookup(2, 30), 30);
    assertTrue(t.reserve(30));
    t.commit(2, null, "b", 1, 30, 30);
    assertNull(t.lookup(1, 31));
    assertNotNull(t.lookup(2, 31));
  }

  @Test
  void nopurgeRefusesAndExpiryFrees() {
    StickTable t = table(1, 1000, true);
    store(t, 1, "a", 0);
    assertFalse(t.reserve(10));
    assertNull(t.lookup(1, 1000));
    assertTrue(t.reserve(1001));
  }

  @Test
  void touchRefreshesExpiry() {
    StickTable t = table(4, 1000, false);
    store(t, 7, "a", 0);
    t.touch(t.lookup(7, 900), 900);
    assertNotNull(t.lookup(7, 1800));
    assertNull(t.lookup(7, 1900));
  }
}
