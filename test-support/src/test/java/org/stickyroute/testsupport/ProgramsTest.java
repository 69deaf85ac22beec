package org.stickyroute.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ProgramsTest {
  static Program version(String v) {
    return new Program("p", Path.of("/bin/p"), "p " + v, v);
  }

  @Test
  void versionsMatchByWholeComponents() {
    assertTrue(version("2.6.12-1+deb12u4").versionMatches("2.6"));
    assertTrue(version("2.6").versionMatches("2.6"));
    assertTrue(version("2.6.0").versionMatches("2.6.0"));
    assertTrue(version("7.0.15").versionMatches(""));
    assertFalse(version("2.60.1").versionMatches("2.6"));
    assertFalse(version("2.8.1").versionMatches("2.6"));
    assertFalse(version("12.6.1").versionMatches("2.6"));
    assertFalse(version("").versionMatches("2.6"));
  }

  @Test
  void findsAnInstalledProgramAndItsVersion() {
    Program java = Programs.find("java", "--version").orElseThrow();
    assertTrue(java.path().endsWith("java"), java.toString());
    assertTrue(java.version().matches("\\d+(\\.\\d+)+.*"), java.toString());
    assertEquals(Runtime.version().feature(), Integer.parseInt(java.version().split("[.-]")[0]),
        "the java on PATH is the one running the tests: " + java);
  }

  @Test
  void aProgramThatIsNotInstalledIsEmpty() {
    assertTrue(Programs.find("stickyroute-no-such-program", "--version").isEmpty());
    assertEquals("STICKYROUTE_REDIS_SERVER", Programs.overrideVariable("redis-server"));
    assertEquals("STICKYROUTE_HAPROXY", Programs.overrideVariable("haproxy"));
  }
}
