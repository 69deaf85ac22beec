package org.stickyroute.key;

import java.util.SplittableRandom;

/**
 * Seeded generator of varied request-targets: Overleaf-style paths, query strings, trailing and doubled
 * slashes, percent-escapes, upper case, absolute-form, and (optionally) characters above 0xFF.
 */
public final class RandomTargets {
  private static final String[] WORDS = {
    "project", "PROJECT", "Project", "projects", "project-x", "compile", "output", "file", "login", "blog",
    "templates", "learn", "static", "socket.io", "status", "%70roject", "a%2Fb", "%7E", "x", ""
  };

  private RandomTargets() {}

  /** A target made of ASCII only (what a compliant client sends). */
  public static String ascii(SplittableRandom r) {
    StringBuilder sb = new StringBuilder();
    int form = r.nextInt(20);
    if (form == 0) {
      sb.append("http://127.0.0.1:").append(r.nextInt(1, 65536));
    } else if (form == 1) {
      sb.append("http://example.com");
    }
    int segments = r.nextInt(0, 6);
    if (segments == 0) {
      sb.append('/');
    }
    for (int i = 0; i < segments; i++) {
      sb.append('/');
      if (r.nextInt(12) == 0) {
        sb.append('/'); // doubled slash
      }
      switch (r.nextInt(4)) {
        case 0:
          {
            String hex = Long.toHexString(r.nextLong());
            sb.append(hex, 0, Math.min(hex.length(), r.nextInt(1, 17)));
          }
          break;
        case 1:
          sb.append(r.nextInt(1000));
          break;
        default:
          sb.append(WORDS[r.nextInt(WORDS.length)]);
      }
    }
    if (r.nextInt(8) == 0) {
      sb.append('/');
    }
    if (r.nextInt(3) == 0) {
      sb.append('?');
      int params = r.nextInt(0, 4);
      for (int i = 0; i < params; i++) {
        if (i > 0) {
          sb.append(r.nextBoolean() ? '&' : '/');
        }
        sb.append(WORDS[r.nextInt(WORDS.length)]).append('=').append(r.nextInt(100));
        if (r.nextInt(5) == 0) {
          sb.append("/a/b?c");
        }
      }
    }
    return sb.toString();
  }

  /** A target that is usually ASCII and sometimes has Latin-1, BMP or supplementary characters. */
  public static String next(SplittableRandom r) {
    String s = ascii(r);
    if (r.nextInt(4) != 0 || s.isEmpty()) {
      return s;
    }
    StringBuilder sb = new StringBuilder(s);
    int inserts = r.nextInt(1, 4);
    for (int i = 0; i < inserts; i++) {
      int at = r.nextInt(sb.length() + 1);
      switch (r.nextInt(4)) {
        case 0:
          sb.insert(at, (char) r.nextInt(0x80, 0x100));
          break;
        case 1:
          sb.insert(at, (char) r.nextInt(0x100, 0xD800));
          break;
        case 2:
          sb.insert(at, "\uD83D\uDE00");
          break;
        default:
          sb.insert(at, (char) r.nextInt(0xD800, 0xE000)); // lone surrogate
      }
    }
    return sb.toString();
  }
}
