package org.stickyroute.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Loads the subset of HAProxy's configuration language that decides routing, producing the same immutable
 * {@link RoutingConfig} as the Java builders.
 *
 * <p>Understood: sections {@code global}, {@code defaults}, {@code frontend}, {@code backend}, {@code
 * listen}; {@code balance}, {@code hash-type}, {@code hash-balance-factor}, {@code cookie}, {@code
 * dynamic-cookie-key}, {@code server} and {@code default-server} (with {@code weight}, {@code id}, {@code
 * cookie}, {@code check}, {@code inter}, {@code fastinter}, {@code downinter}, {@code rise}, {@code fall},
 * {@code backup}, {@code disabled}, {@code enabled}, {@code maxconn}, {@code slowstart}), {@code option
 * httpchk|redispatch|persist|allbackups} (and {@code no option ...}), {@code retries}, {@code timeout
 * connect|server|check}, {@code acl NAME path_beg [-i] PREFIX...}, {@code use_backend NAME if|unless
 * [!]ACL [or ...]}, {@code default_backend}, {@code bind}, {@code mode}, {@code stats uri|auth}. Settings of
 * a {@code defaults} section are inherited by the sections after it, as in HAProxy.
 *
 * <p>Every other line is reported as a {@link ConfigWarning} ({@code file:line: 'word': reason}) and
 * skipped; in strict mode the first warning is thrown as a {@link ConfigException} instead. Invalid values
 * (a weight of 300, an unknown hash function, a {@code use_backend} naming no backend, an unknown server
 * keyword, a cookie value with a separator...) always throw a {@link ConfigException} with file, line and
 * the offending word. The file is read as ISO-8859-1, so every byte is kept as one char.
 *
 * <p>The parts: {@code Tokenizer} splits lines into words; {@code SectionParser} follows the sections
 * ({@code global}, {@code defaults} inheritance) and hands each proxy keyword, through one table, to its parser
 * ({@code BalanceParser}, {@code ServerParser}, {@code CookieParser}, {@code FrontendRuleParser},
 * {@code StatsParser}), which fill the model's own builders; {@code ConfigAssembler} builds the model. Values are
 * checked by the model (builders and records), once; the loader adds the file, line and word.
 */
public final class ConfigLoader {
  private ConfigLoader() {}

  /** Loads {@code file} leniently (unsupported lines are warnings). */
  public static RoutingConfig load(Path file) throws IOException {
    return load(file, false);
  }

  /** Loads {@code file}; in strict mode a warning is an error. */
  public static RoutingConfig load(Path file, boolean strict) throws IOException {
    return parse(Files.readString(file, StandardCharsets.ISO_8859_1), file.toString(), strict);
  }

  /**
   * Loads a classpath resource (for example from a servlet filter's init-param).
   *
   * @throws IOException if the resource does not exist or cannot be read
   */
  public static RoutingConfig loadResource(ClassLoader loader, String resource, boolean strict) throws IOException {
    String name = resource.startsWith("/") ? resource.substring(1) : resource;
    try (InputStream in = loader.getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("no classpath resource '" + resource + "'");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1), "classpath:" + name, strict);
    }
  }

  /**
   * Parses configuration text.
   *
   * @param text the configuration
   * @param fileName the name used in messages
   * @param strict whether warnings are errors
   * @return the validated configuration, with its warnings
   * @throws ConfigException on the first error
   */
  public static RoutingConfig parse(String text, String fileName, boolean strict) {
    Warnings warnings = new Warnings(strict);
    SectionParser sections = new SectionParser();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      SourceLocation at = new SourceLocation(fileName, i + 1);
      String line = lines[i];
      List<String> words;
      try {
        words = Tokenizer.split(line);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(at, line.trim(), e.getMessage());
      }
      if (words.isEmpty()) {
        continue;
      }
      Line l = new Line(words, at, warnings);
      try {
        sections.line(l);
      } catch (IllegalArgumentException e) {
        // A value the model refused: its message names the offending word ('word': reason).
        throw new ConfigException(at, l.wordOf(e), Line.reasonOf(e));
      }
    }
    return new ConfigAssembler(warnings).assemble(sections.sections());
  }
}
