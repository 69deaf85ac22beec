package org.stickyroute.docs;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README stays short, and every relative link of the documentation reaches a file and heading that exist. */
class DocLinksTest {
  private static final Path ROOT = JavaSnippetsTest.ROOT;
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");

  @Test
  void readmeStaysWithinThreeHundredLines() throws IOException {
    long lines = Files.readAllLines(ROOT.resolve("README.md"), StandardCharsets.UTF_8).size();
    assertTrue(lines <= 300, "README.md has " + lines + " lines; reference material goes to docs/, history to CHANGELOG.md");
  }

  @Test
  void everyRelativeLinkResolves() throws IOException {
    List<Path> files = new ArrayList<>(MarkdownSnippets.documentationFiles(ROOT));
    files.add(ROOT.resolve("CHANGELOG.md"));
    List<String> broken = new ArrayList<>();
    int checked = 0;
    for (Path file : files) {
      String text = withoutCodeBlocks(Files.readString(file, StandardCharsets.UTF_8));
      Matcher m = LINK.matcher(text);
      while (m.find()) {
        String target = m.group(1);
        if (target.matches("^[a-z]+:.*")) {
          continue; // https:, mailto: ...
        }
        checked++;
        int hash = target.indexOf('#');
        String path = hash < 0 ? target : target.substring(0, hash);
        Path resolved = path.isEmpty() ? file : file.getParent().resolve(path).normalize();
        if (!Files.exists(resolved)) {
          broken.add(ROOT.relativize(file) + ": " + target + " (no such file)");
        } else if (hash >= 0 && !anchors(resolved).contains(target.substring(hash + 1))) {
          broken.add(ROOT.relativize(file) + ": " + target + " (no such heading)");
        }
      }
    }
    assertTrue(checked > 20, "only " + checked + " relative links found");
    assertTrue(broken.isEmpty(), "broken links:\n" + String.join("\n", broken));
  }

  /** GitHub's heading anchors: lower case, punctuation dropped, spaces become hyphens. */
  static Set<String> anchors(Path markdown) throws IOException {
    Set<String> out = new HashSet<>();
    for (String line : withoutCodeBlocks(Files.readString(markdown, StandardCharsets.UTF_8)).split("\n")) {
      if (line.startsWith("#")) {
        String heading = line.replaceFirst("^#+\\s*", "").strip().toLowerCase(Locale.ROOT);
        out.add(heading.replaceAll("[^\\p{L}\\p{N}_\\- ]", "").replace(' ', '-'));
      }
    }
    return out;
  }

  private static String withoutCodeBlocks(String markdown) {
    StringBuilder out = new StringBuilder();
    int open = 0; // the length of the fence that opened the current block, 0 outside blocks
    for (String line : markdown.split("\r?\n", -1)) {
      String s = line.strip();
      int fence = MarkdownSnippets.fenceLength(s);
      if (open == 0 && fence > 0) {
        open = fence;
      } else if (open > 0 && fence >= open && s.length() == fence) {
        open = 0;
      } else if (open == 0) {
        out.append(line).append('\n');
      }
    }
    return out.toString();
  }
}
