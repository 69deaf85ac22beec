package org.stickyroute.config;

/**
 * Where a configuration element was declared: a file (or resource) name and a 1-based line number. Elements
 * built with the Java builders have {@link #BUILDER}.
 *
 * @param file the file name as given to the loader
 * @param line the 1-based line number, or 0 when unknown
 */
public record SourceLocation(String file, int line) {
  /** The location of elements created programmatically. */
  public static final SourceLocation BUILDER = new SourceLocation("<builder>", 0);

  /** {@code file:line}, as used in every message. */
  @Override
  public String toString() {
    return line > 0 ? file + ":" + line : file;
  }
}
