package org.stickyroute.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** {@code stats admin} (only TRUE/FALSE conditions, anything else refuses to load) and {@code stats refresh}. */
class StatsConfigTest {
  private static StatsConfig stats(String lines) {
    return ConfigLoader.parse("listen admin\n    bind 127.0.0.1:4999\n    stats uri /\n" + lines, "t.cfg", false)
        .frontend("admin").stats();
  }

  @ParameterizedTest
  @CsvSource({"if TRUE,true", "unless FALSE,true", "if FALSE,false", "unless TRUE,false", "if !FALSE,true",
      "unless !FALSE,false", "if !!TRUE,true"})
  void adminConditions(String condition, boolean admin) {
    assertEquals(admin, stats("    stats admin " + condition + "\n").admin());
  }

  @Test
  void noAdminLineMeansNoAdmin() {
    StatsConfig s = stats("    stats auth u:p\n");
    assertFalse(s.admin());
    assertEquals(0, s.refreshSeconds());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "stats admin if LOCALHOST|t.cfg:4: 'LOCALHOST': unsupported 'stats admin' condition",
      "stats admin if is_local|t.cfg:4: 'is_local': unsupported 'stats admin' condition",
      "stats admin if TRUE or FALSE|t.cfg:4: 'or': stickyroute supports only a single TRUE or FALSE",
      "stats admin|t.cfg:4: 'admin': 'stats admin' requires either 'if' or 'unless'",
      "stats admin when TRUE|t.cfg:4: 'when': 'stats admin' requires either 'if' or 'unless'",
      "stats admin if|t.cfg:4: 'if': 'stats admin' requires either 'if' or 'unless'",
      "stats admin if { src 10.0.0.0/8 }|t.cfg:4: 'src': stickyroute supports only a single TRUE or FALSE",
      "stats refresh 5x|t.cfg:4: '5x': "})
  void unsupportedIsALoadErrorNamingFileLineAndWord(String line, String prefix) {
    ConfigException e = assertThrows(ConfigException.class, () -> stats("    " + line + "\n"));
    assertTrue(e.getMessage().startsWith(prefix), "'" + e.getMessage() + "' should start with '" + prefix + "'");
  }

  @Test
  void adminInDefaultsIsAnErrorAsInHaproxy() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.parse("defaults\n    stats admin if TRUE\n", "t.cfg", false));
    assertTrue(e.getMessage().startsWith("t.cfg:2: 'admin': "), e.getMessage());
  }

  @ParameterizedTest
  @CsvSource({"10,10", "10s,10", "2m,120", "1500ms,2"})
  void refreshIsInSecondsByDefault(String value, int seconds) {
    assertEquals(seconds, stats("    stats refresh " + value + "\n").refreshSeconds());
  }
}
