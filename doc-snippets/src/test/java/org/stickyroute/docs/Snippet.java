package org.stickyroute.docs;

import java.util.List;
import java.util.regex.Pattern;

/**
 * One {@code ```java} block of a Markdown file, with its optional hidden header (an HTML comment
 * {@code <!-- java-snippet ... -->} right before the fence; see docs/writing-docs.md).
 *
 * @param file the Markdown file, as shown in messages (relative to the repository root)
 * @param firstLine the 1-based line of the block's first code line in that file
 * @param code the block's code, with the fence's indentation removed
 * @param headerImports the header's {@code import} lines
 * @param headerMembers the header's other lines: members (fields, methods) of the class that wraps a statement
 *     block
 */
record Snippet(String file, int firstLine, String code, List<String> headerImports, List<String> headerMembers) {

  /** A type declaration at the start of a line, after optional modifiers: the snippet is a compilation unit. */
  private static final Pattern TYPE_DECLARATION = Pattern.compile(
      "^(?:(?:public|protected|private|abstract|final|static|sealed|non-sealed|strictfp)\\s+)*"
          + "(?:class|interface|enum|record|@interface)\\s+[A-Za-z_$][\\w$]*.*");

  /**
   * Whether the block is a whole compilation unit (a {@code package} or {@code import} line, or a type
   * declaration, before any other code) rather than a block of statements.
   */
  boolean isCompilationUnit() {
    for (String raw : code.split("\n", -1)) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("//") || line.startsWith("/*") || line.startsWith("*")) {
        continue;
      }
      if (line.startsWith("package ") || line.startsWith("import ")) {
        return true;
      }
      if (line.startsWith("@") && !line.contains("(") && !line.contains(" ")) {
        continue; // an annotation on its own line, e.g. @Configuration before a class
      }
      if (line.startsWith("@") && line.endsWith(")") && !line.contains(" = ")) {
        continue; // an annotation with arguments on its own line
      }
      return TYPE_DECLARATION.matcher(line).matches();
    }
    return false;
  }

  /** Whether the compilation unit declares its own package. */
  boolean declaresPackage() {
    for (String raw : code.split("\n", -1)) {
      String line = raw.strip();
      if (line.startsWith("package ")) {
        return true;
      }
    }
    return false;
  }

  /** {@code file:line} for messages. */
  String where() {
    return file + ":" + firstLine;
  }
}
