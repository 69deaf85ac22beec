package org.stickyroute.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Every {@code ```java} block of README.md and docs/**&#47;*.md compiles against the published modules
 * (the convention is in docs/writing-docs.md). The self-tests below show that the check fails on a snippet
 * that does not compile, and points at the right Markdown line.
 */
class JavaSnippetsTest {
  static final Path ROOT = Path.of(System.getProperty("docs.root", "..")).toAbsolutePath().normalize();
  static final Path OUTPUT = Path.of(System.getProperty("snippets.output", "target/snippet-classes"));
  static final String CLASS_PATH = System.getProperty("java.class.path");

  @Test
  void everyJavaSnippetInTheDocumentationCompiles() throws IOException {
    List<Snippet> snippets = new ArrayList<>();
    long fences = 0;
    for (Path file : MarkdownSnippets.documentationFiles(ROOT)) {
      String name = ROOT.relativize(file).toString();
      String text = Files.readString(file, StandardCharsets.UTF_8);
      List<Snippet> found = MarkdownSnippets.extract(text, name);
      assertEquals(MarkdownSnippets.countJavaFences(text), found.size(), name + ": java fences vs extracted blocks");
      fences += found.size();
      snippets.addAll(found);
    }
    // the README alone has several; far fewer than this means the files were not found
    assertTrue(fences >= 10, "only " + fences + " ```java blocks found under " + ROOT);
    List<SnippetCompiler.Problem> problems = SnippetCompiler.compile(snippets, CLASS_PATH, OUTPUT.resolve("docs"));
    System.out.println("doc snippets: " + snippets.size() + " ```java blocks compiled from "
        + MarkdownSnippets.documentationFiles(ROOT).size() + " files, " + problems.size() + " errors");
    assertTrue(problems.isEmpty(), () -> problems.size() + " documentation snippet(s) do not compile"
        + " (convention: docs/writing-docs.md):\n" + problems.stream().map(Object::toString)
            .collect(Collectors.joining("\n")));
  }

  @Test
  void aSnippetThatDoesNotCompileFailsAtItsMarkdownLine() throws IOException {
    String md = String.join("\n",
        "# A page",                                                   // 1
        "",                                                           // 2
        "```java",                                                    // 3
        "Router router = Router.create(RoutingConfig.builder().build());", // 4: fine
        "router.noSuchMethod();",                                     // 5: error
        "```",                                                        // 6
        "");
    List<SnippetCompiler.Problem> problems =
        SnippetCompiler.compile(MarkdownSnippets.extract(md, "page.md"), CLASS_PATH, OUTPUT.resolve("self-test-1"));
    assertEquals(1, problems.size(), problems::toString);
    assertEquals("page.md", problems.get(0).file());
    assertEquals(5, problems.get(0).line(), problems::toString);
    assertTrue(problems.get(0).message().contains("noSuchMethod"), problems::toString);
  }

  @Test
  void hiddenHeadersAndCompilationUnitsCompileAndMistakesInThemAreCaught() throws IOException {
    String md = String.join("\n",
        "<!-- java-snippet",                                          // 1
        "import java.util.function.IntSupplier;",                     // 2
        "IntSupplier next;",                                          // 3
        "-->",                                                        // 4
        "```java",                                                    // 5
        "int n = next.getAsInt();",                                   // 6
        "```",                                                        // 7
        "",                                                           // 8
        "  ```java",                                                  // 9: indented, in a list item
        "  @FunctionalInterface",                                     // 10
        "  interface Pick { int server(CharSequence target); }",      // 11
        "  ```",                                                      // 12
        "",                                                           // 13
        "```java",                                                    // 14
        "public record Named(String name) {",                         // 15
        "  public Named { Objects.requireNonNull(nam); }",            // 16: error (java.util is a default import)
        "}",                                                          // 17
        "```",                                                        // 18
        "");
    List<Snippet> snippets = MarkdownSnippets.extract(md, "page.md");
    assertEquals(3, snippets.size());
    assertFalse(snippets.get(0).isCompilationUnit());
    assertEquals(List.of("IntSupplier next;"), snippets.get(0).headerMembers());
    assertTrue(snippets.get(1).isCompilationUnit());
    assertTrue(snippets.get(2).isCompilationUnit());
    List<SnippetCompiler.Problem> problems = SnippetCompiler.compile(snippets, CLASS_PATH, OUTPUT.resolve("self-test-2"));
    assertEquals(1, problems.size(), problems::toString);
    assertEquals(16, problems.get(0).line(), problems::toString);
  }

  @Test
  void aHeaderNotFollowedByAJavaBlockIsAnError() {
    String md = "<!-- java-snippet\nint x;\n-->\nSome text.\n```java\nint y = x;\n```\n";
    assertThrows(IllegalArgumentException.class, () -> MarkdownSnippets.extract(md, "page.md"));
  }
}
