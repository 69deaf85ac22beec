package org.stickyroute.persist;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.stickyroute.config.CookieSigning;

/**
 * The hot-path half of {@link CookieSigning}: HMAC-SHA256 (RFC 2104) computed with one JDK {@code SHA-256}
 * {@link MessageDigest} per thread and per-thread scratch buffers, over key pads prepared once, so validating
 * a cookie allocates nothing ({@link Mac#doFinal(byte[], int)} allocates a temporary digest on every call).
 * The construction is checked against {@code javax.crypto.Mac} ("HmacSHA256") when the signer is built and
 * in the tests. Thread-safe.
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
  private final long lifetimeSeconds;
  private final byte[] name;
  private final Key current;
  private final Key previous;
  private final ThreadLocal<State> state = ThreadLocal.withInitial(State::new);

  /** The two pads of one key ({@code K xor 0x36}, {@code K xor 0x5c}), 64 bytes each. */
  private static final class Key {
    final byte[] ipad = new byte[64];
    final byte[] opad = new byte[64];

    Key(byte[] secret) {
      byte[] k = secret.length > 64 ? sha256().digest(secret) : secret;
      for (int i = 0; i < 64; i++) {
        byte b = i < k.length ? k[i] : 0;
        ipad[i] = (byte) (b ^ 0x36);
        opad[i] = (byte) (b ^ 0x5c);
      }
    }
  }

  private static final class State {
    final MessageDigest sha = sha256();
    byte[] message = new byte[256];
    final byte[] inner = new byte[32];
    final byte[] digest = new byte[32];
    final char[] encoded = new char[MAC_CHARS];
  }

  CookieSigner(CookieSigning signing, String cookieName) {
    this.signing = signing;
    this.lifetimeSeconds = signing.lifetimeSeconds();
    this.name = cookieName.getBytes(StandardCharsets.ISO_8859_1);
    byte[] secret = signing.secret();
    byte[] old = signing.previousSecret();
    this.current = new Key(secret);
    this.previous = old == null ? null : new Key(old);
    selfCheck(secret);
    Arrays.fill(secret, (byte) 0); // the copies are not kept: only the pads derived from them
    if (old != null) {
      Arrays.fill(old, (byte) 0);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  /** HMAC-SHA256 of {@code m[0, len)} under {@code key} into {@code out[0, 32)}; allocation-free. */
  static void hmac(MessageDigest sha, Key key, byte[] m, int len, byte[] inner, byte[] out) {
    try {
      sha.update(key.ipad, 0, 64);
      sha.update(m, 0, len);
      sha.digest(inner, 0, 32);
      sha.update(key.opad, 0, 64);
      sha.update(inner, 0, 32);
      sha.digest(out, 0, 32);
    } catch (java.security.DigestException e) {
      throw new IllegalStateException(e);
    }
  }

  /** For the tests: HMAC-SHA256 by this class' construction. */
  static byte[] hmacForTest(byte[] key, byte[] message) {
    byte[] out = new byte[32];
    hmac(sha256(), new Key(key), message, message.length, new byte[32], out);
    return out;
  }

  /** Refuses to run if the construction disagrees with the JDK's javax.crypto HmacSHA256. */
  private static void selfCheck(byte[] key) {
    byte[] msg = "stickyroute self-check".getBytes(StandardCharsets.ISO_8859_1);
    try {
      Mac m = Mac.getInstance("HmacSHA256");
      m.init(new SecretKeySpec(key, "HmacSHA256"));
      if (!Arrays.equals(m.doFinal(msg), hmacForTest(key, msg))) {
        throw new IllegalStateException("HMAC-SHA256 construction disagrees with javax.crypto.Mac");
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  /** How long an issued cookie stays valid, in seconds. */
  long lifetimeSeconds() {
    return lifetimeSeconds;
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
    if (same(st, current, len, v, macFrom)) {
      return CURRENT;
    }
    if (previous != null && now < signing.previousUntilEpochSeconds() && same(st, previous, len, v, macFrom)) {
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
    compute(st, current, len);
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

  private static void compute(State st, Key key, int len) {
    hmac(st.sha, key, st.message, len, st.inner, st.digest);
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

  private static boolean same(State st, Key key, int len, char[] v, int macFrom) {
    compute(st, key, len);
    int diff = 0;
    for (int i = 0; i < MAC_CHARS; i++) {
      diff |= st.encoded[i] ^ v[macFrom + i];
    }
    return diff == 0;
  }
}
