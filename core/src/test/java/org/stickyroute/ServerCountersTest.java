package org.stickyroute;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.stickyroute.config.BackendConfig;
import org.stickyroute.config.ServerConfig;

/** The in-flight count as tests read it: an over-release must show, not hide behind the 24-bit field. */
class ServerCountersTest {

  @Test
  void aReleaseWithoutATakeShowsAsANegativeCount() {
    Backend be = new Backend(BackendConfig.builder("be")
        .server(ServerConfig.builder("s1", "127.0.0.1", 1).build()).build());
    ServerCounters c = be.snapshot().counters(0);
    c.take();
    c.take();
    assertEquals(2, c.served());
    c.release();
    c.release();
    assertEquals(0, c.served());
    assertEquals(2, c.totalSelections());
    c.release(); // the bug the tests look for: a lease released twice
    assertEquals(-1, c.served(), "sign-extended, not 16,777,215");
    c.take();
    assertEquals(0, c.served());
    assertEquals(3, c.totalSelections(), "the over-release borrowed from the selection bits, the take repaid it");
  }

  @Test
  void theLargestCountStillReadsPositive() {
    Backend be = new Backend(BackendConfig.builder("be")
        .server(ServerConfig.builder("s1", "127.0.0.1", 1).build()).build());
    ServerCounters c = be.snapshot().counters(0);
    for (int i = 0; i < 1000; i++) {
      c.take();
    }
    assertEquals(1000, c.served());
    assertEquals(1000, c.maxServed());
  }
}
