package org.stickyroute.testsupport;

import java.lang.reflect.AnnotatedElement;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Applies {@link RequiresProgram}. When a required program is missing or has another version:
 *
 * <ul>
 *   <li>with {@code CI=true} (as CI services set it), the first class (or method) that needs it fails with a
 *       {@link MissingPrerequisite} whose one-line message names the program, the version and how to install it;
 *       later classes of the same test JVM that need the same program are skipped, naming the class that failed,
 *       so the build's report shows the reason once;
 *   <li>otherwise the class (or method) is skipped, and one line starting {@value #SKIP_MARK} is printed to the
 *       standard output, which Maven shows: a local run without the program stays loud, never silently green.
 * </ul>
 */
public final class PrerequisiteExtension implements ExecutionCondition, BeforeAllCallback, BeforeEachCallback {
  /** Starts the line printed for every skipped class; {@code .ci/run} and people grep for it. */
  public static final String SKIP_MARK = "SKIPPED !!!";

  /** Requirements already reported as a CI failure in this JVM, and by which test. */
  private static final Map<String, String> FAILED = new ConcurrentHashMap<>();

  /** The JUnit configuration parameter (or system property) that overrides the {@code CI} variable. */
  public static final String CI_PARAMETER = "stickyroute.ci";

  /** Whether this build runs under CI: the {@code CI} variable is {@code true} or {@code 1}. */
  public static boolean underCi() {
    return isTrue(System.getenv("CI"));
  }

  /** As {@link #underCi()}, unless the configuration parameter {@value #CI_PARAMETER} says otherwise. */
  static boolean underCi(ExtensionContext context) {
    return context.getConfigurationParameter(CI_PARAMETER).map(PrerequisiteExtension::isTrue).orElseGet(
        PrerequisiteExtension::underCi);
  }

  private static boolean isTrue(String v) {
    return v != null && (v.equalsIgnoreCase("true") || v.equals("1"));
  }

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    Optional<AnnotatedElement> element = context.getElement();
    if (element.isEmpty()) {
      return ConditionEvaluationResult.enabled("no element");
    }
    for (RequiresProgram r : own(element.get())) {
      String problem = problem(r);
      if (problem == null) {
        continue;
      }
      if (underCi(context)) {
        String failedBy = FAILED.get(key(r));
        if (failedBy != null && !failedBy.equals(context.getUniqueId())) {
          return ConditionEvaluationResult.disabled(
              r.value() + " is missing: reported as a failure by " + failedBy.replaceAll(".*\\[class:([^\\]]+)].*", "$1"));
        }
        continue; // enabled: the before-callback fails it with the one-line message
      }
      String line = SKIP_MARK + " " + name(context) + ": " + problem + " (with CI=true this fails the build)";
      System.out.println(line);
      System.out.flush();
      return ConditionEvaluationResult.disabled(line);
    }
    return ConditionEvaluationResult.enabled("every required program is installed");
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    context.getTestClass().ifPresent(c -> failUnderCi(context, own(c)));
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    context.getTestMethod().ifPresent(m -> failUnderCi(context, own(m)));
  }

  private static void failUnderCi(ExtensionContext context, List<RequiresProgram> required) {
    if (!underCi(context)) {
      return;
    }
    for (RequiresProgram r : required) {
      String problem = problem(r);
      if (problem != null) {
        FAILED.putIfAbsent(key(r), context.getUniqueId());
        throw new MissingPrerequisite("CI=true and a test prerequisite is missing: " + problem);
      }
    }
  }

  /** {@code SimpleClassName} or {@code SimpleClassName.method()}. */
  private static String name(ExtensionContext context) {
    String c = context.getTestClass().map(Class::getSimpleName).orElse(context.getDisplayName());
    return context.getTestMethod().map(m -> c + "." + m.getName() + "()").orElse(c);
  }

  /** The annotations directly on (or meta-present on) this class or method, not inherited from its class. */
  private static List<RequiresProgram> own(AnnotatedElement element) {
    return AnnotationSupport.findRepeatableAnnotations(element, RequiresProgram.class);
  }

  private static String key(RequiresProgram r) {
    return r.value() + " " + r.version();
  }

  /** Why the requirement is not met, in one line, or {@code null} when it is. */
  static String problem(RequiresProgram r) {
    String wanted = r.value() + (r.version().isEmpty() ? "" : " " + r.version() + ".x");
    String install = r.install().isEmpty() ? "" : "; install it: " + r.install();
    Optional<Program> found = Programs.find(r.value(), r.versionArgs());
    if (found.isEmpty()) {
      return wanted + " is needed but was not found (searched " + Programs.searched(r.value()) + ")" + install;
    }
    Program p = found.get();
    if (!p.versionMatches(r.version())) {
      return String.format(Locale.ROOT, "%s is needed but %s is version %s (\"%s\")%s", wanted, p.path(),
          p.version().isEmpty() ? "unknown" : p.version(), p.versionLine(), install);
    }
    return null;
  }
}
