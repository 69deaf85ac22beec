package org.stickyroute.persist;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

/**
 * The hot-path half of {@link CookieSigning}: computes and checks MACs with one {@link Mac} per thread and
 * key (initialised once) and per-thread scratch buffers, so validating a cookie allocates nothing of its own.
 * Thread-safe.
 */
final class CookieSigner {
  /** Characters of the encoded MAC: 16 bytes in unpadded base64url. */
  static final int MAC_CHARS = 22;
  private static final int MAC_BYTES = 16;
  private static final char[] B64URL =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".toCharArray();
  private static final byte[] VERSION = {'s', 'r', '1', 0};

  /** Validation results. */
  static final int BAD = 0;
  static final int CURRENT = 1;
  static final int PREVIOUS = 2;

  private final CookieSigning signing;
  private final byte[] name;
  private final ThreadLocal<State> state;

  private static final class State {
    final Mac current;
    final Mac previous;
    byte[] message = new byte[256];
    final byte[] digest = new byte[32];
    final char[] encoded = new char[MAC_CHARS];

    State(CookieSigning s) {
      this.current = mac(s.secret());
      this.previous = s.previousSecret() == null ? null : mac(s.previousSecret());
    }
  }

  CookieSigner(CookieSigning signing, String cookieName) {
    this.signing = signing;
    this.name = cookieName.getBytes(StandardCharsets.ISO_8859_1);
    mac(signing.secret()); // fail at configuration time if HmacSHA256 is unavailable
    this.state = ThreadLocal.withInitial(() -> new State(signing));
  }

  CookieSigning signing() {
    return signing;
  }

  private static Mac mac(byte[] key) {
    try {
      Mac m = Mac.getInstance("HmacSHA256");
      m.init(new SecretKeySpec(key, "HmacSHA256"));
      return m;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  /**
   * Checks the MAC {@code v[macFrom, macFrom+22)} of {@code ID = v[idFrom,idTo)} and {@code EXPIRY =
   * v[expFrom,expTo)} in constant time (for a given key). Returns {@link #CURRENT}, {@link #PREVIOUS} (only
   * while the previous secret is accepted at {@code now}) or {@link #BAD}. Never throws.
   */
  int verify(char[] v, int idFrom, int idTo, int expFrom, int expTo, int macFrom, long now) {
    State st = state.get();
    int len = message(st, v, idFrom, idTo, expFrom, expTo);
    if (len < 0) {
      return BAD;
    }
    if (same(st, st.current, len, v, macFrom)) {
      return CURRENT;
    }
    if (st.previous != null && now < signing.previousUntilEpochSeconds() && same(st, st.previous, len, v, macFrom)) {
      return PREVIOUS;
    }
    return BAD;
  }

  /** The signed value {@code ID|EXPIRY|MAC} for a server cookie value and an expiry. */
  String sign(String id, long expiry) {
    String exp = Long.toString(expiry);
    char[] v = (id + '|' + exp + '|').toCharArray();
    State st = state.get();
    int len = message(st, v, 0, id.length(), id.length() + 1, id.length() + 1 + exp.length());
    compute(st, st.current, len);
    return new String(v) + new String(st.encoded);
  }

  private int message(State st, char[] v, int idFrom, int idTo, int expFrom, int expTo) {
    int need = VERSION.length + name.length + 1 + (idTo - idFrom) + 1 + (expTo - expFrom);
    if (st.message.length < need) {
      if (need > 16384) {
        return -1;
      }
      st.message = new byte[Math.max(need, st.message.length * 2)];
    }
    byte[] m = st.message;
    int p = 0;
    for (byte b : VERSION) {
      m[p++] = b;
    }
    for (byte b : name) {
      m[p++] = b;
    }
    m[p++] = 0;
    for (int i = idFrom; i < idTo; i++) {
      char c = v[i];
      if (c > 0xFF) {
        return -1;
      }
      m[p++] = (byte) c;
    }
    m[p++] = 0;
    for (int i = expFrom; i < expTo; i++) {
      m[p++] = (byte) v[i];
    }
    return p;
  }

  private static void compute(State st, Mac mac, int len) {
    mac.update(st.message, 0, len);
    try {
      mac.doFinal(st.digest, 0);
    } catch (ShortBufferException e) {
      throw new IllegalStateException(e);
    }
    byte[] d = st.digest;
    char[] out = st.encoded;
    int o = 0;
    int i = 0;
    while (i + 3 <= MAC_BYTES) {
      int x = ((d[i] & 0xFF) << 16) | ((d[i + 1] & 0xFF) << 8) | (d[i + 2] & 0xFF);
      out[o++] = B64URL[(x >>> 18) & 63];
      out[o++] = B64URL[(x >>> 12) & 63];
      out[o++] = B64URL[(x >>> 6) & 63];
      out[o++] = B64URL[x & 63];
      i += 3;
    }
    int x = (d[i] & 0xFF) << 16; // one byte left (16 = 5 * 3 + 1)
    out[o++] = B64URL[(x >>> 18) & 63];
    out[o] = B64URL[(x >>> 12) & 63];
  }

  private static boolean same(State st, Mac mac, int len, char[] v, int macFrom) {
    compute(st, mac, len);
    int diff = 0;
    for (int i = 0; i < MAC_CHARS; i++) {
      diff |= st.encoded[i] ^ v[macFrom + i];
    }
    return diff == 0;
  }
}
