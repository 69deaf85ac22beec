package org.stickyroute.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The warnings of one load: lines the loader understood but does not apply. In strict mode the first warning
 * is thrown as a {@link ConfigException} instead.
 */
final class Warnings {
  private final boolean strict;
  private final List<ConfigWarning> list = new ArrayList<>();

  Warnings(boolean strict) {
    this.strict = strict;
  }

  /** Reports {@code word} at {@code at}; throws in strict mode. */
  void warn(SourceLocation at, String word, String message) {
    if (strict) {
      throw new ConfigException(at, word, message + " (strict mode)");
    }
    list.add(new ConfigWarning(at, word, message));
  }

  /** Every warning, in line order (warnings about a backend are found once the section is complete). */
  List<ConfigWarning> sorted() {
    List<ConfigWarning> sorted = new ArrayList<>(list);
    sorted.sort(Comparator.comparingInt(w -> w.location().line()));
    return sorted;
  }
}
