package org.stickyroute.config;

/**
 * A configuration that cannot be used: thrown at load time, never on the request path. The message always
 * has the form {@code file:line: 'word': reason}.
 */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final SourceLocation location;
  private final String word;

  /**
   * An error at {@code location} caused by {@code word}. Control characters in the word and in the reason
   * (which may quote parts of the offending line) are escaped, so the message is always one printable line.
   */
  public ConfigException(SourceLocation location, String word, String reason) {
    super(location + ": '" + printable(word) + "': " + printable(reason));
    this.location = location;
    this.word = word;
  }

  /** The text with control characters escaped, so a message never spans lines or carries terminal escapes. */
  static String printable(String word) {
    StringBuilder sb = new StringBuilder(word.length());
    for (int i = 0; i < word.length(); i++) {
      char c = word.charAt(i);
      if (c == '\r') {
        sb.append("\\r");
      } else if (c == '\n') {
        sb.append("\\n");
      } else if (c == '\t') {
        sb.append("\\t");
      } else if (c < 0x20 || c == 0x7F) {
        sb.append(String.format("\\x%02x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
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
