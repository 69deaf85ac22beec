package org.stickyroute.config;

import java.util.List;

/**
 * One configuration line being parsed: its words, where it is, and the value parsers every section parser
 * uses, which name the line and the offending word in their errors ({@code file:line: 'word': reason}).
 */
final class Line {
  private final List<String> words;
  private final SourceLocation at;
  private final Warnings warnings;

  Line(List<String> words, SourceLocation at, Warnings warnings) {
    this.words = words;
    this.at = at;
    this.warnings = warnings;
  }

  /** The first word. */
  String keyword() {
    return words.get(0);
  }

  /** Word {@code i} (0 = the keyword). */
  String word(int i) {
    return words.get(i);
  }

  /** The number of words. */
  int size() {
    return words.size();
  }

  /** The words from {@code from} on. */
  List<String> wordsFrom(int from) {
    return words.subList(from, words.size());
  }

  /** Where the line is. */
  SourceLocation location() {
    return at;
  }

  /** An error caused by {@code word} of this line. */
  ConfigException error(String word, String message) {
    return new ConfigException(at, word, message);
  }

  /** A warning about {@code word} of this line (an error in strict mode). */
  void warn(String word, String message) {
    warnings.warn(at, word, message);
  }

  /** Warns about a first unexpected word at {@code from}. */
  void noExtra(int from) {
    if (words.size() > from) {
      warn(words.get(from), "unexpected argument; ignored");
    }
  }

  /**
   * Applies a setting the model validates, blaming word {@code i} when the model refuses the value (the
   * model's reason, this line's location): each rule is checked once, in the model, and the error still names
   * the word as written.
   */
  void apply(int i, Runnable setting) {
    try {
      setting.run();
    } catch (IllegalArgumentException e) {
      throw error(words.get(i), reasonOf(e));
    }
  }

  /** The reason of a model error: its message without a leading {@code 'word': }. */
  static String reasonOf(IllegalArgumentException e) {
    String msg = e.getMessage() == null ? e.toString() : e.getMessage();
    if (msg.startsWith("'")) {
      int end = msg.indexOf("': ", 1);
      if (end > 0) {
        return msg.substring(end + 3);
      }
    }
    return msg;
  }

  /** The word a model error names ({@code 'word': reason}), else this line's keyword. */
  String wordOf(IllegalArgumentException e) {
    String msg = e.getMessage() == null ? e.toString() : e.getMessage();
    if (msg.startsWith("'")) {
      int end = msg.indexOf("'", 1);
      if (end > 0) {
        return msg.substring(1, end);
      }
    }
    return words.get(0);
  }

  // ------------------------------------------------------------------------------------------- values

  /** Word {@code i} as an integer in {@code [min, max]}; the word before it is blamed when it is missing. */
  int integer(int i, int min, int max) {
    if (i >= words.size()) {
      throw error(words.get(i - 1), "expects an integer");
    }
    return number(words.get(i), min, max);
  }

  /** Word {@code i} as a positive integer (option {@code what}). */
  int positive(int i, String what) {
    if (i >= words.size()) {
      throw error(what, "expects a positive integer");
    }
    int v = number(words.get(i), 0, Integer.MAX_VALUE);
    if (v <= 0) {
      throw error(words.get(i), what + " must be a positive integer");
    }
    return v;
  }

  /** {@code s} as a decimal integer (an optional {@code -}, at most 10 characters) in {@code [min, max]}. */
  int number(String s, int min, int max) {
    if (s.isEmpty() || s.length() > 10) {
      throw error(s, "expects an integer between " + min + " and " + max);
    }
    long v = 0;
    int start = 0;
    boolean neg = false;
    if (s.charAt(0) == '-') {
      neg = true;
      start = 1;
    }
    if (start == s.length()) {
      throw error(s, "expects an integer");
    }
    for (int i = start; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        throw error(s, "expects an integer");
      }
      v = v * 10 + (c - '0');
    }
    if (neg) {
      v = -v;
    }
    if (v < min || v > max) {
      throw error(s, "must be between " + min + " and " + max);
    }
    return (int) v;
  }

  /** Word {@code i} as an HAProxy time in milliseconds ({@link TimeUnits#parseMillis}). */
  long time(int i) {
    if (i >= words.size()) {
      throw error(words.get(i - 1), "expects a time");
    }
    return TimeUnits.parseMillis(words.get(i));
  }

  /** Word {@code i} as a positive time in milliseconds. */
  long positiveTime(int i) {
    long ms = time(i);
    if (ms <= 0) {
      throw error(words.get(i), "must be a positive time");
    }
    return ms;
  }

  /** Checks a section or server name: letters, digits, {@code - _ . :} only. */
  void checkName(String name) {
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '-' || c == '_' || c == '.' || c == ':';
      if (!ok) {
        throw error(name, "invalid character '" + c + "' in a section name");
      }
    }
  }
}
