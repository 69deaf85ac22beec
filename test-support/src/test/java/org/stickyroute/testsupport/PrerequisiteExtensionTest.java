package org.stickyroute.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * What {@link RequiresProgram} does to a class whose program is missing, with and without CI, and to one whose
 * program is there: fixture classes run through a real JUnit launcher.
 */
class PrerequisiteExtensionTest {
  static final String MISSING = "stickyroute-no-such-program";
  static final List<String> RAN = new ArrayList<>();

  @RequiresProgram(value = MISSING, version = "2.6", install = "apt-get install -y nothing")
  static class NeedsMissing {
    @Test
    void runs() {
      RAN.add("NeedsMissing");
    }
  }

  @RequiresProgram(value = MISSING, version = "2.6", install = "apt-get install -y nothing")
  static class AlsoNeedsMissing {
    @Test
    void runs() {
      RAN.add("AlsoNeedsMissing");
    }
  }

  @RequiresProgram(value = "java", version = "1")
  static class NeedsAnotherJava {
    @Test
    void runs() {
      RAN.add("NeedsAnotherJava");
    }
  }

  @RequiresProgram(value = "java")
  static class NeedsJava {
    @Test
    void runs() {
      RAN.add("NeedsJava");
    }
  }

  static class MethodNeedsMissing {
    @Test
    @RequiresProgram(MISSING)
    void needs() {
      RAN.add("needs");
    }

    @Test
    void doesNot() {
      RAN.add("doesNot");
    }
  }

  /** One event: the test or class, and its outcome (SUCCESSFUL, FAILED, ABORTED, or "skipped: reason"). */
  record Event(String name, String outcome, Throwable failure) {}

  record Run(List<Event> events, String out) {
    Event of(String name) {
      return events.stream().filter(e -> e.name().equals(name) || e.name().endsWith("$" + name)).findFirst().orElseThrow(() -> new AssertionError(
          name + " not in " + events));
    }
  }

  static Run run(boolean ci, Class<?>... classes) {
    RAN.clear();
    List<Event> events = new ArrayList<>();
    LauncherDiscoveryRequestBuilder b = LauncherDiscoveryRequestBuilder.request()
        .configurationParameter(PrerequisiteExtension.CI_PARAMETER, Boolean.toString(ci));
    for (Class<?> c : classes) {
      b.selectors(selectClass(c));
    }
    LauncherDiscoveryRequest request = b.build();
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    PrintStream out = System.out;
    System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    try {
      LauncherFactory.create().execute(request, new TestExecutionListener() {
        @Override
        public void executionSkipped(TestIdentifier id, String reason) {
          events.add(new Event(id.getDisplayName(), "skipped: " + reason, null));
        }

        @Override
        public void executionFinished(TestIdentifier id, TestExecutionResult result) {
          if (id.getSource().isPresent()) {
            events.add(new Event(id.getDisplayName(), result.getStatus().name(), result.getThrowable().orElse(null)));
          }
        }
      });
    } finally {
      System.setOut(out);
    }
    return new Run(events, buffer.toString(StandardCharsets.UTF_8));
  }

  @Test
  void locallyAMissingProgramSkipsTheClassWithOneLoudLine() {
    Run r = run(false, NeedsMissing.class, AlsoNeedsMissing.class);
    assertEquals(List.of(), RAN);
    assertTrue(r.of("NeedsMissing").outcome().startsWith("skipped: SKIPPED !!! NeedsMissing: " + MISSING
        + " 2.6.x is needed but was not found"), r.events().toString());
    List<String> lines = r.out().lines().filter(l -> l.startsWith(PrerequisiteExtension.SKIP_MARK)).toList();
    assertEquals(2, lines.size(), r.out());
    assertTrue(lines.get(0).contains("NeedsMissing: " + MISSING + " 2.6.x is needed but was not found (searched "),
        lines.get(0));
    assertTrue(lines.get(0).endsWith("; install it: apt-get install -y nothing (with CI=true this fails the build)"),
        lines.get(0));
    assertTrue(lines.get(1).startsWith("SKIPPED !!! AlsoNeedsMissing: "), lines.get(1));
  }

  @Test
  void underCiTheFirstClassFailsWithOneLineAndTheOthersPointToIt() {
    Run r = run(true, NeedsMissing.class, AlsoNeedsMissing.class);
    assertEquals(List.of(), RAN);
    Event failed = r.of("NeedsMissing");
    assertEquals("FAILED", failed.outcome());
    MissingPrerequisite e = assertInstanceOf(MissingPrerequisite.class, failed.failure());
    assertEquals("CI=true and a test prerequisite is missing: " + MISSING + " 2.6.x is needed but was not found"
        + " (searched PATH, /usr/sbin, /usr/local/sbin, /sbin); install it: apt-get install -y nothing", e.getMessage());
    assertEquals(0, e.getStackTrace().length, "one line, no stack trace");
    assertEquals("skipped: " + MISSING + " is missing: reported as a failure by "
        + NeedsMissing.class.getName(), r.of("AlsoNeedsMissing").outcome());
    assertFalse(r.out().contains(PrerequisiteExtension.SKIP_MARK), "no skip line under CI: " + r.out());
  }

  @Test
  void aWrongVersionIsMissingToo() {
    Run local = run(false, NeedsAnotherJava.class);
    assertTrue(local.of("NeedsAnotherJava").outcome().matches(
        "skipped: SKIPPED !!! NeedsAnotherJava: java 1\\.x is needed but \\S+/java is version \\d+[^ ]* \\(\".*\"\\).*"),
        local.events().toString());
    Run ci = run(true, NeedsAnotherJava.class);
    assertEquals("FAILED", ci.of("NeedsAnotherJava").outcome());
    assertTrue(ci.of("NeedsAnotherJava").failure().getMessage().contains("java 1.x is needed but "));
  }

  @Test
  void anInstalledProgramRunsTheClass() {
    Run r = run(true, NeedsJava.class);
    assertEquals(List.of("NeedsJava"), RAN);
    assertEquals("SUCCESSFUL", r.of("NeedsJava").outcome());
  }

  @Test
  void onAMethodOnlyThatMethodIsConcerned() {
    Run local = run(false, MethodNeedsMissing.class);
    assertEquals(List.of("doesNot"), RAN);
    assertTrue(local.of("needs()").outcome().startsWith("skipped: SKIPPED !!! MethodNeedsMissing.needs(): "), local.events().toString());
    Run ci = run(true, MethodNeedsMissing.class);
    assertEquals(List.of("doesNot"), RAN);
    assertEquals("FAILED", ci.of("needs()").outcome());
    assertNotNull(ci.of("needs()").failure());
  }
}
