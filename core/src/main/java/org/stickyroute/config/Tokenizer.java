package org.stickyroute.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits one configuration line into words the way HAProxy does: blanks separate words; {@code #} outside
 * quotes starts a comment; double and single quotes group (no escapes inside single quotes); a backslash
 * escapes the next character ({@code \ }, {@code \#}, {@code \\}, {@code \"}, {@code \'}), and {@code \t},
 * {@code \r}, {@code \n}, {@code \xHH} give those bytes; before any other character it is kept, as HAProxy's
 * {@code parse_line} keeps it ({@code field(1,\,)} reaches the sample expression parser as written).
 */
final class Tokenizer {
  private Tokenizer() {}

  /** The words of {@code line}; throws {@link IllegalArgumentException} naming an unterminated quote. */
  static List<String> split(String line) {
    List<String> words = new ArrayList<>();
    StringBuilder cur = null;
    char quote = 0;
    int n = line.length();
    for (int i = 0; i < n; i++) {
      char c = line.charAt(i);
      if (quote == '\'') {
        if (c == '\'') {
          quote = 0;
        } else {
          cur.append(c);
        }
        continue;
      }
      if (c == '\\' && i + 1 < n) {
        char d = line.charAt(++i);
        if (cur == null) {
          cur = new StringBuilder();
        }
        switch (d) {
          case 't':
            cur.append('\t');
            break;
          case 'r':
            cur.append('\r');
            break;
          case 'n':
            cur.append('\n');
            break;
          case 'x':
            if (i + 2 < n && isHex(line.charAt(i + 1)) && isHex(line.charAt(i + 2))) {
              cur.append((char) Integer.parseInt(line.substring(i + 1, i + 3), 16));
              i += 2;
            } else {
              throw new IllegalArgumentException("\\x must be followed by two hexadecimal digits");
            }
            break;
          case ' ':
          case '\\':
          case '#':
          case '"':
          case '\'':
            cur.append(d);
            break;
          default:
            // HAProxy keeps other pairs as they are ("\," stays "\,", as sample expressions need it)
            cur.append('\\');
            i--;
        }
        continue;
      }
      if (quote == '"') {
        if (c == '"') {
          quote = 0;
        } else {
          cur.append(c);
        }
        continue;
      }
      if (c == '"' || c == '\'') {
        quote = c;
        if (cur == null) {
          cur = new StringBuilder();
        }
        continue;
      }
      if (c == '#') {
        break;
      }
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
        if (cur != null) {
          words.add(cur.toString());
          cur = null;
        }
        continue;
      }
      if (cur == null) {
        cur = new StringBuilder();
      }
      cur.append(c);
    }
    if (quote != 0) {
      throw new IllegalArgumentException("unterminated " + (quote == '"' ? "double" : "single") + " quote");
    }
    if (cur != null) {
      words.add(cur.toString());
    }
    return words;
  }

  private static boolean isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
}
