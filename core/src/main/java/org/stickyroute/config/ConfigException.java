package org.stickyroute.config;

/**
 * A configuration that cannot be used: thrown at load time, never on the request path. The message always
 * has the form {@code file:line: 'word': reason}.
 */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final SourceLocation location;
  private final String word;

  /** An error at {@code location} caused by {@code word}. */
  public ConfigException(SourceLocation location, String word, String reason) {
    super(location + ": '" + word + "': " + reason);
    this.location = location;
    this.word = word;
  }

  /** Where the error is. */
  public SourceLocation location() {
    return location;
  }

  /** The offending word. */
  public String word() {
    return word;
  }
}
