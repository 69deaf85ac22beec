package org.stickyroute.config;

/**
 * A line the loader understood but does not apply (or applies differently from HAProxy), with where it is
 * and the word that caused it. In {@code --strict} mode every warning is an error.
 *
 * @param location file and line
 * @param word the offending word (the keyword, usually)
 * @param message what was done and why
 */
public record ConfigWarning(SourceLocation location, String word, String message) {
  /** {@code file:line: 'word': message}, the format of every loader message. */
  @Override
  public String toString() {
    return location + ": '" + ConfigException.printable(word) + "': " + ConfigException.printable(message);
  }
}
