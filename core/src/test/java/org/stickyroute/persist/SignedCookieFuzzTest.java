package org.stickyroute.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.stickyroute.Decision;
import org.stickyroute.http.RequestView;
import org.stickyroute.http.ResponseView;
import org.stickyroute.Router;
import org.stickyroute.config.CookieSigning;
import org.stickyroute.config.BackendConfig;
import org.stickyroute.config.Balance;
import org.stickyroute.config.CookieConfig;
import org.stickyroute.config.RoutingConfig;
import org.stickyroute.config.ServerConfig;
import org.stickyroute.config.StickyOptions;
import org.stickyroute.fuzz.FuzzInput;

/**
 * Signed-cookie validation under hostile values: it never throws, and it validates a value <em>exactly</em>
 * when an independent reference (HMAC-SHA256 from {@code javax.crypto.Mac}, the documented format and
 * expiry rules) says it is authentic: {@code ID|EXPIRY|MAC} with a known server id, 1..12 ASCII digits, the
 * MAC of the current secret (or of the previous one before its end instant), {@code now < expiry <= now +
 * lifetime + 86400}. The fuzzer cannot forge MACs, so a mode builds genuine values from fuzzer-chosen parts
 * (server, expiry, secret, clock) and then applies a fuzzer-chosen mutation; the reference decides whether
 * the mutated value is still authentic.
 *
 * <p>Input: byte 0 = mode (bit 0: raw value vs. genuine-then-mutated; bits 1-2: secret current / previous /
 * other / current; bit 3: expiry with leading zeros); byte 1 = server (bit 0), byte 2..5 = expiry offset
 * from the clock (signed 32-bit, seconds); byte 6..7 = clock offset around the previous secret's end instant
 * (signed 16-bit); byte 8 = mutation (0 none, 1 flip bits, 2 truncate, 3 insert, 4 replace, 5 append, 6
 * prepend, 7 wrap in another cookie), byte 9..10 = position, byte 11 = operand; the rest = a raw value (mode
 * raw) or the bytes to insert.
 */
class SignedCookieFuzzTest {
  static final String NAME = "SRV";
  static final String SECRET = "0123456789abcdef0123";
  static final String PREVIOUS = "the previous secret 0123";
  static final String OTHER = "an attacker's secret 01234";
  static final long LIFE = 3600;
  static final long UNTIL = 1_790_000_000L;
  static final String[] IDS = {"app-a", "app-b"};
  static final java.util.regex.Pattern COOKIE = java.util.regex.Pattern.compile("[ \t]*" + NAME + "[ \t]*=[ \t]*(.*?)[ \t]*");

  static Router router(long now) {
    BackendConfig be = BackendConfig.builder("be")
        .balance(Balance.uri())
        .cookie(new CookieConfig(NAME, CookieConfig.Mode.INSERT, true, false, false, false, false, false,
            List.of(), 0, 0, false, List.of()))
        .server(ServerConfig.builder("s1", "10.0.0.1", 80).cookie(IDS[0]).build())
        .server(ServerConfig.builder("s2", "10.0.0.2", 80).cookie(IDS[1]).build())
        .sticky(StickyOptions.HAPROXY.withSigning(CookieSigning.of(SECRET, Duration.ofSeconds(LIFE))
            .withPrevious(PREVIOUS, Instant.ofEpochSecond(UNTIL))))
        .build();
    return Router.create(RoutingConfig.builder().backend(be).build(),
        Clock.fixed(Instant.ofEpochSecond(now), ZoneOffset.UTC));
  }

  static String mac(String secret, String id, String expiry) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      byte[] tag = mac.doFinal(("sr1\0" + NAME + "\0" + id + "\0" + expiry).getBytes(StandardCharsets.ISO_8859_1));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(tag, 16));
    } catch (java.security.GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  /** The reference verdict for a value exactly as the persistence code sees it (no separators inside). */
  static boolean authentic(String v, long now) {
    String[] parts = v.split("\\|", -1);
    if (parts.length != 3 || !List.of(IDS).contains(parts[0]) || !parts[1].matches("[0-9]{1,12}")) {
      return false;
    }
    long exp = Long.parseLong(parts[1]);
    if (exp <= now || exp - now > LIFE + 86_400) {
      return false;
    }
    return parts[2].equals(mac(SECRET, parts[0], parts[1]))
        || (now < UNTIL && parts[2].equals(mac(PREVIOUS, parts[0], parts[1])));
  }

  private static int i32(byte[] b, int at) {
    return (FuzzInput.u8(b, at, 0) << 24) | (FuzzInput.u8(b, at + 1, 0) << 16) | (FuzzInput.u8(b, at + 2, 0) << 8)
        | FuzzInput.u8(b, at + 3, 0);
  }

  @FuzzTest(maxDuration = "5m")
  void validation(byte[] data) {
    int mode = FuzzInput.u8(data, 0, 0);
    long now = UNTIL + (short) ((FuzzInput.u8(data, 6, 0) << 8) | FuzzInput.u8(data, 7, 0));
    String tail = FuzzInput.chars(data, Math.min(12, data.length), data.length);
    String value;
    if ((mode & 1) == 0) {
      value = tail;
    } else {
      String id = IDS[FuzzInput.u8(data, 1, 0) & 1];
      long exp = Math.max(0, now + i32(data, 2));
      String expiry = ((mode & 8) != 0 ? "00" : "") + exp;
      String secret = switch ((mode >>> 1) & 3) {
        case 1 -> PREVIOUS;
        case 2 -> OTHER;
        default -> SECRET;
      };
      value = mutate(id + "|" + expiry + "|" + mac(secret, id, expiry), data, tail);
    }
    String header = "a=1; " + NAME + "=" + value + "; b=2";
    Router r = router(now);
    try (Decision d = new Decision()) {
      r.route(r.backend("be"), RequestView.of("GET", "/", header), d);
      r.respond(d, ResponseView.of(200), now);
      boolean simple = value.chars().noneMatch(c -> c == ';' || c == ',' || c == ' ' || c == '\t' || c == '"');
      boolean valid = d.cookieFlag() == 'V';
      if (simple) {
        assertEquals(authentic(value, now), valid, () -> "[" + value + "] at " + now);
      } else if (valid) {
        // separators cut the header into cookies: one of the SRV cookies must be authentic
        boolean any = false;
        for (String part : header.split("[;,]")) {
          java.util.regex.Matcher m = COOKIE.matcher(part);
          any |= m.matches() && authentic(m.group(1), now);
        }
        assertEquals(true, any, () -> "[" + value + "] at " + now);
      }
      if (d.setCookie() != null) {
        String sc = d.setCookie();
        String v = sc.substring(NAME.length() + 1, sc.indexOf(';'));
        assertEquals(true, authentic(v, now), () -> "issued [" + sc + "] must validate");
      }
    }
  }

  private static String mutate(String v, byte[] data, String operand) {
    int kind = FuzzInput.u8(data, 8, 0) & 7;
    int pos = ((FuzzInput.u8(data, 9, 0) << 8) | FuzzInput.u8(data, 10, 0)) % (v.length() + 1);
    int arg = FuzzInput.u8(data, 11, 0);
    switch (kind) {
      case 1: {
        if (pos == v.length()) {
          return v;
        }
        char[] c = v.toCharArray();
        c[pos] ^= (char) (arg == 0 ? 1 : arg);
        return new String(c);
      }
      case 2:
        return v.substring(0, pos);
      case 3:
        return v.substring(0, pos) + operand + v.substring(pos);
      case 4: {
        int end = Math.min(v.length(), pos + Math.max(1, operand.length()));
        return v.substring(0, pos) + operand + v.substring(end);
      }
      case 5:
        return v + operand;
      case 6:
        return operand + v;
      case 7:
        return operand + "; " + NAME + "=" + v;
      default:
        return v;
    }
  }
}
