package org.stickyroute.servlet;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import org.stickyroute.config.StatsConfig;

/**
 * HTTP Basic credentials check for the stats endpoint ({@code stats auth user:pass}). Comparison is constant
 * time in the credentials' content: every configured credential is compared in full, whatever matches, so
 * the response time does not reveal how much of a guess was right. Immutable, thread-safe.
 */
public final class BasicAuth {
  private final byte[][] expected;

  /** Accepts any of these credentials; an empty list accepts nobody. */
  public BasicAuth(List<StatsConfig.Credential> credentials) {
    expected = new byte[credentials.size()][];
    for (int i = 0; i < expected.length; i++) {
      StatsConfig.Credential c = credentials.get(i);
      expected[i] = (c.user() + ":" + c.password()).getBytes(StandardCharsets.UTF_8);
    }
  }

  /** Whether no credential is configured (then every request is refused). */
  public boolean isEmpty() {
    return expected.length == 0;
  }

  /**
   * Whether an {@code Authorization} header value carries one of the credentials. A missing, malformed or
   * wrong header is simply {@code false}; this method never throws.
   */
  public boolean accepts(String authorization) {
    if (authorization == null || expected.length == 0) {
      return false;
    }
    String h = authorization.trim();
    if (h.length() < 6 || !h.regionMatches(true, 0, "Basic ", 0, 6)) {
      return false;
    }
    byte[] given;
    try {
      given = Base64.getDecoder().decode(h.substring(6).trim());
    } catch (IllegalArgumentException e) {
      return false;
    }
    boolean ok = false;
    for (byte[] e : expected) {
      // MessageDigest.isEqual is constant-time for equal lengths; evaluate all without short-circuit.
      ok |= MessageDigest.isEqual(e, given);
    }
    return ok;
  }
}
