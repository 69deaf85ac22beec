package org.stickyroute.docs;

import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Wraps documentation snippets into compilation units and compiles them all in one {@link JavaCompiler}
 * task against a class path; errors are reported at the Markdown file and line they come from.
 */
final class SnippetCompiler {
  /**
   * Imported into every snippet that has no {@code package} line: the JDK packages snippets use most, and
   * every API package of the published modules. Documented in docs/writing-docs.md; keep the two in step.
   */
  static final List<String> DEFAULT_IMPORTS = List.of(
      "java.io.*",
      "java.net.*",
      "java.nio.file.*",
      "java.time.*",
      "java.util.*",
      "java.util.concurrent.*",
      "org.stickyroute.*",
      "org.stickyroute.config.*",
      "org.stickyroute.hash.*",
      "org.stickyroute.health.*",
      "org.stickyroute.http.*",
      "org.stickyroute.servlet.*");

  private static final Pattern PUBLIC_TYPE = Pattern.compile(
      "(?m)^public\\s+(?:(?:final|abstract|sealed|non-sealed|strictfp)\\s+)*(?:class|interface|enum|record)\\s+([A-Za-z_$][\\w$]*)");

  /** One compile error, at its place in the documentation. */
  record Problem(String file, long line, String message) {
    @Override
    public String toString() {
      return file + ":" + line + ": " + message;
    }
  }

  private SnippetCompiler() {}

  /**
   * Compiles the snippets with {@code --release 17} against {@code classPath} into {@code output}, each in its
   * own task, and returns every error (none when all compile).
   */
  static List<Problem> compile(List<Snippet> snippets, String classPath, Path output) throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    if (javac == null) {
      throw new IllegalStateException("no system Java compiler: run the tests on a JDK, not a JRE");
    }
    Files.createDirectories(output);
    List<Unit> units = new ArrayList<>();
    for (int i = 0; i < snippets.size(); i++) {
      units.add(wrap(snippets.get(i), i));
    }
    // one task per snippet: javac stops before type-checking every unit of a task once one has a syntax error
    List<Problem> problems = new ArrayList<>();
    List<String> options = List.of(
        "--release", "17", "-proc:none", "-Xlint:none", "-nowarn", "-classpath", classPath, "-d", output.toString());
    try (StandardJavaFileManager files = javac.getStandardFileManager(null, Locale.ROOT, null)) {
      for (Unit u : units) {
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        javac.getTask(new StringWriter(), files, diagnostics, options, null, List.of(u)).call();
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
          if (d.getKind() == Diagnostic.Kind.ERROR) {
            problems.add(problem(u, d));
          }
        }
      }
    }
    return problems;
  }

  private static Problem problem(Unit u, Diagnostic<? extends JavaFileObject> d) {
    String message = d.getMessage(Locale.ROOT);
    if (d.getLineNumber() <= u.prefixLines) {
      return new Problem(u.snippet.file(), u.snippet.firstLine() - 1,
          "in the hidden header or the default imports: " + message);
    }
    return new Problem(u.snippet.file(), d.getLineNumber() - u.prefixLines + u.snippet.firstLine() - 1, message);
  }

  /**
   * The Java source a snippet becomes: its own package {@code snippets.sN}; the default imports and the
   * header's imports; then either the compilation unit as written, or the statements inside
   * {@code void snippet() throws Exception} of a class that also holds the header's members.
   */
  static Unit wrap(Snippet s, int index) {
    StringBuilder src = new StringBuilder();
    String pkg = "snippets.s" + index;
    String file = publicType(s.code()) + ".java";
    if (s.isCompilationUnit() && s.declaresPackage()) {
      // written as a full file: taken as it is (its own imports; no defaults, no header)
      return new Unit(s, pkg + "/" + file, s.code(), 0);
    }
    src.append("package ").append(pkg).append(";\n");
    for (String i : DEFAULT_IMPORTS) {
      src.append("import ").append(i).append(";\n");
    }
    for (String i : s.headerImports()) {
      src.append(i.endsWith(";") ? i : i + ";").append('\n');
    }
    if (s.isCompilationUnit()) {
      if (!s.headerMembers().isEmpty()) {
        throw new IllegalArgumentException(s.where() + ": a compilation unit's header may only hold imports");
      }
      int prefix = lines(src);
      return new Unit(s, pkg + "/" + file, src + s.code(), prefix);
    }
    src.append("@SuppressWarnings(\"all\")\nclass Snippet {\n");
    for (String m : s.headerMembers()) {
      src.append("  ").append(m).append('\n');
    }
    src.append("  void snippet() throws Exception {\n");
    int prefix = lines(src);
    src.append(s.code()).append("  }\n}\n");
    return new Unit(s, pkg + "/Snippet.java", src.toString(), prefix);
  }

  /** The name of the unit's top-level public type, or {@code Snippet} when it has none. */
  private static String publicType(String code) {
    Matcher m = PUBLIC_TYPE.matcher(code);
    return m.find() ? m.group(1) : "Snippet";
  }

  private static int lines(CharSequence text) {
    int n = 0;
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == '\n') {
        n++;
      }
    }
    return n;
  }

  /** A wrapped snippet as an in-memory source file. */
  static final class Unit extends SimpleJavaFileObject {
    final Snippet snippet;
    final String source;
    /** Lines before the snippet's first line in {@link #source}. */
    final int prefixLines;

    Unit(Snippet snippet, String path, String source, int prefixLines) {
      super(URI.create("string:///" + path), Kind.SOURCE);
      this.snippet = snippet;
      this.source = source;
      this.prefixLines = prefixLines;
    }

    @Override
    public CharSequence getCharContent(boolean ignoreEncodingErrors) {
      return source;
    }
  }
}
