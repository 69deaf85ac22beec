package org.stickyroute.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** An independent statement of the byte-view rule, for tests: chars up to 0xFF are one byte, others UTF-8. */
public final class ByteViews {
  private ByteViews() {}

  /** The bytes HAProxy would see for {@code s} under stickyroute's byte-view rule. */
  public static byte[] of(String s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c <= 0xFF) {
        out.write(c);
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        out.writeBytes(s.substring(i, i + 2).getBytes(StandardCharsets.UTF_8));
        i++;
      } else if (Character.isSurrogate(c)) {
        out.write('?');
      } else {
        out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
      }
    }
    return out.toByteArray();
  }
}
