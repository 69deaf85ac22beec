package org.stickyroute.persist;

/**
 * What to do with each header of one kind ({@code Cookie} on a request, {@code Set-Cookie} on a response):
 * keep it, remove it, or forward a rewritten value held in one growing buffer. Reused from message to
 * message; after warm-up it allocates nothing. Rewritten values are views into the buffer, valid until the
 * next {@link #reset(int)}. Not thread-safe.
 */
final class HeaderEdits {
  private int[] action;
  private CharRange[] views;
  private char[] out;
  private int outUsed;

  HeaderEdits(int headers, int chars) {
    action = new int[headers];
    views = new CharRange[headers];
    out = new char[chars];
  }

  /** Every one of {@code headerCount} headers kept; the buffer emptied. */
  void reset(int headerCount) {
    outUsed = 0;
    if (action.length < headerCount) {
      int n = Math.max(headerCount, action.length * 2);
      action = new int[n];
      views = new CharRange[n];
    }
    for (int i = 0; i < headerCount; i++) {
      action[i] = CookieMatch.KEEP;
    }
  }

  void remove(int header) {
    action[header] = CookieMatch.REMOVE;
  }

  /** Header {@code header} rewritten to the first {@code len} chars of {@code b} (copied). */
  void rewrite(int header, char[] b, int len) {
    if (out.length < outUsed + len) {
      char[] n = new char[Math.max(outUsed + len, out.length * 2)];
      System.arraycopy(out, 0, n, 0, outUsed);
      out = n;
      for (int i = 0; i < header; i++) {
        if (views[i] != null) {
          views[i].buf = n;
        }
      }
    }
    System.arraycopy(b, 0, out, outUsed, len);
    action[header] = CookieMatch.REWRITE;
    if (views[header] == null) {
      views[header] = new CharRange();
    }
    views[header].set(out, outUsed, len);
    outUsed += len;
  }

  int action(int header) {
    return action[header];
  }

  /** The rewritten value of {@code header}, or {@code null} unless its action is {@code REWRITE}. */
  CharSequence rewritten(int header) {
    return action[header] == CookieMatch.REWRITE ? views[header] : null;
  }

  /** Whether any of the first {@code headerCount} headers is removed or rewritten. */
  boolean anyChanged(int headerCount) {
    for (int i = 0; i < headerCount; i++) {
      if (action[i] != CookieMatch.KEEP) {
        return true;
      }
    }
    return false;
  }
}
