package org.stickyroute.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.stickyroute.BackendStats;
import org.stickyroute.RouterStats;
import org.stickyroute.ServerStatsRow;
import org.stickyroute.servlet.testing.Containers;
import org.stickyroute.servlet.testing.ScriptedLoad;

/**
 * The counters after {@link ScriptedLoad}'s requests through the real proxy — known requests, a refused
 * connection, a redispatch, a 5xx from a server — equal the expected numbers in the model ({@link
 * org.stickyroute.Router#stats()}), in Jetty and in Tomcat.
 */
class CountersThroughProxyTest {
  static java.util.stream.Stream<Containers> containers() {
    return Containers.both();
  }

  @ParameterizedTest
  @MethodSource("containers")
  void scriptedLoadGivesTheExpectedCounters(Containers kind) throws Exception {
    try (ScriptedLoad load = ScriptedLoad.start(kind)) {
      load.run();
      RouterStats stats = load.router().stats();
      List<String> wrong = new ArrayList<>();
      for (Map.Entry<String, Long> e : load.expected().entrySet()) {
        long got = ScriptedLoad.actual(stats, e.getKey());
        if (got != e.getValue()) {
          wrong.add(e.getKey() + " = " + got + ", expected " + e.getValue());
        }
      }
      assertEquals(List.of(), wrong);
      // what depends on timing: within bounds
      BackendStats sticky = stats.proxy("sticky").backend();
      assertTrue(sticky.traffic().ctimeMax() >= 100, "the 100 ms pause before retry 1 is connect time: "
          + sticky.traffic().ctimeMax());
      assertTrue(sticky.traffic().ttimeMax() >= sticky.traffic().ctimeMax());
      ServerStatsRow r1 = sticky.servers().get(1);
      assertTrue(r1.traffic().lastsess() >= 0 && r1.traffic().lastsess() < 60);
      int rateMax = stats.proxy("fe").frontend().traffic().rateMax();
      assertTrue(rateMax >= 1 && rateMax <= 8, "rate_max " + rateMax);
      assertEquals("no check", r1.statusText());
      assertTrue(stats.proxy("admin").statsOnly());
      assertFalse(stats.proxy("fe").statsOnly());
      assertEquals(0, stats.proxy("refused").backend().traffic().ttime(), "no response, no times");
    }
  }
}
