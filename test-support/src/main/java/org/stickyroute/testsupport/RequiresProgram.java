package org.stickyroute.testsupport;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The annotated test class (or method) runs an external program: with {@code CI=true} the test fails with one
 * line naming the program and version when it is missing; elsewhere the class is skipped with one loud line in
 * the build's output. Found by {@link Programs} (the {@code STICKYROUTE_<NAME>} variable, {@code PATH}, the sbin
 * directories). May be used as a meta-annotation (e.g. {@code @RequiresHaproxy}) and repeated.
 *
 * <pre>{@code
 * @RequiresProgram(value = "haproxy", version = "2.6", install = "apt-get install -y haproxy")
 * class UriParityTest { ... }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Repeatable(RequiresPrograms.class)
@ExtendWith(PrerequisiteExtension.class)
public @interface RequiresProgram {
  /** The executable's name, e.g. {@code haproxy}, {@code redis-server}, {@code chromedriver}. */
  String value();

  /**
   * The required version as whole leading components ({@code "2.6"} accepts 2.6.x), or empty for any
   * version.
   */
  String version() default "";

  /** The arguments that make the program print its version and exit. */
  String[] versionArgs() default {"--version"};

  /** How to install it, for the message (e.g. {@code apt-get install -y haproxy}). */
  String install() default "";
}
