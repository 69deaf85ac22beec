package org.stickyroute.testsupport;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The test runs the real {@code haproxy} 2.6 ({@link HaproxyProcess}): under {@code CI=true} a missing binary or
 * another version fails the build with one line; elsewhere the class is skipped with one loud line. {@code
 * STICKYROUTE_HAPROXY=/path/to/haproxy} picks the binary, {@code STICKYROUTE_HAPROXY=none} hides it.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@RequiresProgram(value = "haproxy", version = "2.6", versionArgs = "-v", install = "apt-get install -y haproxy")
public @interface RequiresHaproxy {}
