package org.stickyroute;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shape of stickyroute-core, as rules that fail the build (docs/architecture.md: packages, the Java module):
 *
 * <ul>
 *   <li>no package depends, directly or not, on itself: no cycle between any two packages of the module;
 *   <li>core uses no servlet, Jetty, Spring or third-party HTTP client type (adapters live in other modules;
 *       the JDK's own {@code java.net.http}, which the health checks use, is part of the platform);
 *   <li>what the module exports never shows what it hides: no public or protected member of a public class of
 *       an exported package (method, constructor, field, supertype) names a type of a package the module does
 *       not export to everyone. The exported packages are read from the compiled {@code module-info.class},
 *       so the rule follows the descriptor.
 * </ul>
 */
class ArchitectureTest {
  private static JavaClasses core;
  private static Set<String> exported;

  @BeforeAll
  static void importCore() throws IOException, URISyntaxException {
    core = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
        .importPackages("org.stickyroute");
    exported = new HashSet<>();
    // core's own descriptor, beside its classes (a class loader lookup could find any module's on the path)
    Path classes = Path.of(Router.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    try (InputStream in = Files.newInputStream(classes.resolve("module-info.class"))) {
      ModuleDescriptor descriptor = ModuleDescriptor.read(in);
      assertEquals("org.stickyroute", descriptor.name());
      for (ModuleDescriptor.Exports e : descriptor.exports()) {
        if (!e.isQualified()) {
          exported.add(e.source());
        }
      }
    }
  }

  /** Each package of org.stickyroute is one slice (the root package included). */
  private static final SliceAssignment PACKAGES = new SliceAssignment() {
    @Override
    public SliceIdentifier getIdentifierOf(JavaClass c) {
      String p = c.getPackageName();
      return p.equals("org.stickyroute") || p.startsWith("org.stickyroute.") ? SliceIdentifier.of(p)
          : SliceIdentifier.ignore();
    }

    @Override
    public String getDescription() {
      return "the packages of org.stickyroute";
    }
  };

  private static final ArchRule NO_CYCLES = slices().assignedFrom(PACKAGES).should().beFreeOfCycles();

  private static ArchRule noDependencyOn(String... packages) {
    return noClasses().that().resideInAPackage("org.stickyroute..")
        .should().dependOnClassesThat().resideInAnyPackage(packages)
        .because("adapters (servlet filter, proxy, Spring) are other modules; core stays container-neutral");
  }

  @Test
  void noPackageCycles() {
    assertTrue(core.size() > 50, "imported " + core.size() + " classes of core");
    NO_CYCLES.check(core);
  }

  @Test
  void coreUsesNoServletJettySpringOrHttpClientType() {
    noDependencyOn("jakarta.servlet..", "javax.servlet..", "org.eclipse.jetty..", "org.springframework..",
        "org.apache.http..", "org.apache.hc..", "okhttp3..", "com.squareup.okhttp..", "io.netty..",
        "reactor.netty..", "org.asynchttpclient..", "io.vertx..", "feign..", "retrofit2..")
        .check(core);
  }

  /** The rules are not vacuous: each fails on code that breaks it (test fixtures, or a package core uses). */
  @Test
  void theRulesFailOnViolations() {
    JavaClasses fixtures = new ClassFileImporter().importPackages("org.stickyroute.archfixture");
    assertEquals(2, fixtures.size());
    assertThrows(AssertionError.class, () -> NO_CYCLES.check(fixtures), "a cycle between two packages");
    assertThrows(AssertionError.class, () -> noDependencyOn("java.net.http..").check(core),
        "the health checker uses java.net.http, so a rule forbidding it must fail");
    Set<String> saved = exported;
    exported = Set.of("org.stickyroute.archfixture.api");
    try {
      AssertionError e = assertThrows(AssertionError.class,
          () -> classes().that(arePublicApi()).should(exposeOnlyExportedTypes()).check(fixtures));
      assertTrue(e.getMessage().contains("Exposing.hidden() returns"), e.getMessage());
    } finally {
      exported = saved;
    }
  }

  @Test
  void theModuleExportsOnlyApiPackages() {
    assertTrue(exported.contains("org.stickyroute"), "exports " + exported);
    for (String internal : List.of("org.stickyroute.balance", "org.stickyroute.key", "org.stickyroute.persist",
        "org.stickyroute.cli", "org.stickyroute.hash.internal")) {
      assertFalse(exported.contains(internal), internal + " is implementation, yet exported: " + exported);
    }
  }

  @Test
  void exportedApiExposesNoImplementationType() {
    ArchRule rule = classes().that(arePublicApi()).should(exposeOnlyExportedTypes());
    rule.check(core);
  }

  private static DescribedPredicate<JavaClass> arePublicApi() {
    return new DescribedPredicate<>("are public classes of exported packages") {
      @Override
      public boolean test(JavaClass c) {
        return exported.contains(c.getPackageName()) && accessible(c);
      }
    };
  }

  /** Public, and every enclosing class public too. */
  private static boolean accessible(JavaClass c) {
    for (JavaClass k = c; k != null; k = k.getEnclosingClass().orElse(null)) {
      if (!k.getModifiers().contains(JavaModifier.PUBLIC)) {
        return false;
      }
    }
    return true;
  }

  private static boolean visible(JavaMember m) {
    return m.getModifiers().contains(JavaModifier.PUBLIC) || m.getModifiers().contains(JavaModifier.PROTECTED);
  }

  private static ArchCondition<JavaClass> exposeOnlyExportedTypes() {
    return new ArchCondition<>("expose only types of exported packages (or outside org.stickyroute)") {
      @Override
      public void check(JavaClass c, ConditionEvents events) {
        List<String> where = new ArrayList<>();
        c.getSuperclass().ifPresent(t -> inspect(t, c.getName() + " extends", where));
        for (JavaType t : c.getInterfaces()) {
          inspect(t, c.getName() + " implements", where);
        }
        for (JavaField f : c.getFields()) {
          if (visible(f)) {
            inspect(f.getType(), f.getFullName(), where);
          }
        }
        for (JavaCodeUnit u : c.getCodeUnits()) {
          if (!visible(u) || u.getName().equals("<clinit>")) {
            continue;
          }
          inspect(u.getReturnType(), u.getFullName() + " returns", where);
          for (JavaType p : u.getParameterTypes()) {
            inspect(p, u.getFullName() + " takes", where);
          }
          for (JavaClass e : u.getThrowsClause().getTypes()) {
            inspect(e, u.getFullName() + " throws", where);
          }
        }
        for (String w : where) {
          events.add(SimpleConditionEvent.violated(c, w));
        }
      }
    };
  }

  private static void inspect(JavaType type, String what, List<String> where) {
    for (JavaClass raw : type.getAllInvolvedRawTypes()) {
      JavaClass base = raw.getBaseComponentType();
      String p = base.getPackageName();
      boolean ours = p.equals("org.stickyroute") || p.startsWith("org.stickyroute.");
      if (ours && !exported.contains(p)) {
        where.add(what + " " + base.getName() + ", of the non-exported package " + p);
      }
    }
  }
}
