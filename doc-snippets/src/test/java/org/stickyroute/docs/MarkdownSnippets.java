package org.stickyroute.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Finds the documentation files and extracts their {@code ```java} blocks. */
final class MarkdownSnippets {
  /** The comment that opens a hidden header. */
  static final String HEADER_OPEN = "<!-- java-snippet";

  private MarkdownSnippets() {}

  /** README.md and every Markdown file under docs/, in a stable order. */
  static List<Path> documentationFiles(Path root) {
    List<Path> files = new ArrayList<>();
    files.add(root.resolve("README.md"));
    Path docs = root.resolve("docs");
    if (Files.isDirectory(docs)) {
      try (Stream<Path> walk = Files.walk(docs)) {
        walk.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return files;
  }

  /** The {@code ```java} blocks of one file; {@code name} is how messages name the file. */
  static List<Snippet> extract(Path file, String name) throws IOException {
    return extract(Files.readString(file, StandardCharsets.UTF_8), name);
  }

  /** The {@code ```java} blocks of Markdown text. */
  static List<Snippet> extract(String markdown, String name) {
    String[] lines = markdown.split("\r?\n", -1);
    List<Snippet> out = new ArrayList<>();
    List<String> pendingHeader = null; // the last hidden header, until a non-blank line other than a fence
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      String stripped = line.strip();
      if (stripped.startsWith(HEADER_OPEN)) {
        List<String> header = new ArrayList<>();
        String rest = stripped.substring(HEADER_OPEN.length());
        int j = i;
        while (!rest.contains("-->")) {
          if (!rest.isBlank()) {
            header.add(rest.strip());
          }
          j++;
          if (j == lines.length) {
            throw new IllegalArgumentException(name + ":" + (i + 1) + ": unterminated " + HEADER_OPEN);
          }
          rest = lines[j];
        }
        String last = rest.substring(0, rest.indexOf("-->"));
        if (!last.isBlank()) {
          header.add(last.strip());
        }
        pendingHeader = header;
        i = j;
        continue;
      }
      int fence = fenceLength(stripped);
      if (fence > 0) {
        int indent = line.indexOf('`');
        String info = stripped.substring(fence).strip();
        int close = closingFence(lines, i + 1, fence);
        if (close < 0) {
          throw new IllegalArgumentException(name + ":" + (i + 1) + ": unterminated code block");
        }
        if (info.equals("java")) {
          StringBuilder code = new StringBuilder();
          for (int k = i + 1; k < close; k++) {
            code.append(dedent(lines[k], indent)).append('\n');
          }
          List<String> imports = new ArrayList<>();
          List<String> members = new ArrayList<>();
          if (pendingHeader != null) {
            for (String h : pendingHeader) {
              (h.startsWith("import ") ? imports : members).add(h);
            }
          }
          out.add(new Snippet(name, i + 2, code.toString(), imports, members));
        } else if (pendingHeader != null) {
          throw new IllegalArgumentException(
              name + ":" + (i + 1) + ": a " + HEADER_OPEN + " header must come right before a ```java block");
        }
        pendingHeader = null;
        i = close;
        continue;
      }
      if (!stripped.isEmpty() && pendingHeader != null) {
        throw new IllegalArgumentException(
            name + ":" + (i + 1) + ": a " + HEADER_OPEN + " header must come right before a ```java block");
      }
    }
    return out;
  }

  /** How many fences open a {@code java} block, counted independently of {@link #extract}. */
  static long countJavaFences(String markdown) {
    long n = 0;
    int open = 0; // the length of the fence that opened the current block, 0 outside blocks
    for (String line : markdown.split("\r?\n", -1)) {
      String s = line.strip();
      int fence = fenceLength(s);
      if (open == 0 && fence > 0) {
        open = fence;
        if (s.substring(fence).strip().equals("java")) {
          n++;
        }
      } else if (open > 0 && fence >= open && s.length() == fence) {
        open = 0;
      }
    }
    return n;
  }

  /** The length of the backtick fence a (stripped) line starts with, 0 if it is not a fence (CommonMark). */
  static int fenceLength(String stripped) {
    int n = 0;
    while (n < stripped.length() && stripped.charAt(n) == '`') {
      n++;
    }
    return n >= 3 ? n : 0;
  }

  /** The line closing a block opened by a fence of {@code length} backticks: only backticks, at least as many. */
  private static int closingFence(String[] lines, int from, int length) {
    for (int k = from; k < lines.length; k++) {
      String s = lines[k].strip();
      int fence = fenceLength(s);
      if (fence >= length && s.length() == fence) {
        return k;
      }
    }
    return -1;
  }

  private static String dedent(String line, int indent) {
    int n = 0;
    while (n < indent && n < line.length() && line.charAt(n) == ' ') {
      n++;
    }
    return line.substring(n);
  }
}
