package org.stickyroute.servlet;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.stickyroute.AdminState;
import org.stickyroute.Backend;
import org.stickyroute.Health;
import org.stickyroute.config.ServerConfig;

/**
 * The stats page's admin actions and their CSRF protection. Package-private; {@link StickyStatsServlet} calls
 * it.
 *
 * <p><b>CSRF.</b> A browser sends Basic credentials it has cached to any site's request, so a form on another
 * site could post to the stats page as the operator. Three checks stop that:
 *
 * <ul>
 *   <li>the form carries a <b>token</b>: {@code <issued epoch seconds>.<HMAC-SHA256 of "stickyroute-stats\n" +
 *       user + "\n" + issued>}, base64url, under a 256-bit key drawn from {@link SecureRandom} when the servlet
 *       starts (never stored, never logged). It is bound to the authenticated user, valid for {@link
 *       #TOKEN_SECONDS}, and checked in constant time. Another site cannot read the page, so it cannot learn one;
 *       a restart invalidates every token (reload the page);
 *   <li>an {@code Origin} header, when present, must name this host ({@code null} or another host is refused),
 *       and {@code Sec-Fetch-Site: cross-site} is refused;
 *   <li>the JSON endpoint needs {@code Content-Type: application/json}, which a cross-site form cannot send and
 *       a cross-site {@code fetch} can only send after a CORS preflight that this servlet never approves; so
 *       automation needs no token, only the credentials.
 * </ul>
 *
 * There is no cookie (Basic authentication), so {@code SameSite} has nothing to apply to.
 */
final class StatsAdmin {
  /** How long a form token stays valid: 12 hours, so a page left open keeps working through a shift. */
  static final long TOKEN_SECONDS = 12 * 3600;

  private final byte[] key = new byte[32];

  StatsAdmin() {
    new SecureRandom().nextBytes(key);
  }

  /** A fresh token for {@code user}, issued at {@code nowSeconds}. */
  String token(String user, long nowSeconds) {
    return nowSeconds + "." + mac(user, nowSeconds);
  }

  /** Whether {@code token} was issued to {@code user} by this servlet less than {@link #TOKEN_SECONDS} ago. */
  boolean validToken(String token, String user, long nowSeconds) {
    if (token == null || user == null) {
      return false;
    }
    int dot = token.indexOf('.');
    if (dot <= 0 || dot > 19) {
      return false;
    }
    long issued;
    try {
      issued = Long.parseLong(token.substring(0, dot));
    } catch (NumberFormatException e) {
      return false;
    }
    if (issued > nowSeconds + 60 || nowSeconds - issued > TOKEN_SECONDS) {
      return false;
    }
    byte[] expected = mac(user, issued).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, token.substring(dot + 1).getBytes(StandardCharsets.US_ASCII));
  }

  private String mac(String user, long issued) {
    try {
      Mac m = Mac.getInstance("HmacSHA256");
      m.init(new SecretKeySpec(key, "HmacSHA256"));
      byte[] d = m.doFinal(("stickyroute-stats\n" + user + "\n" + issued).getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
    }
  }

  /**
   * Whether the request's {@code Origin} and {@code Sec-Fetch-Site} allow a state change: no {@code Origin}
   * (a non-browser client), or one whose host and port are the request's {@code Host}; and not {@code
   * Sec-Fetch-Site: cross-site}.
   */
  static boolean sameOrigin(String origin, String host, String fetchSite) {
    if ("cross-site".equalsIgnoreCase(fetchSite)) {
      return false;
    }
    if (origin == null) {
      return true;
    }
    if (host == null || origin.equals("null")) {
      return false;
    }
    try {
      URI u = URI.create(origin.trim());
      String authority = u.getRawAuthority();
      if (authority == null) {
        return false;
      }
      String h = host.trim().toLowerCase(Locale.ROOT);
      String a = authority.toLowerCase(Locale.ROOT);
      if (a.equals(h)) {
        return true;
      }
      // Origin omits a default port that Host may carry, or the reverse.
      int defaultPort = "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
      return (a + ":" + defaultPort).equals(h) || a.equals(h + ":" + defaultPort);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** An operator's action on one server: HAProxy's form actions, plus a weight. */
  enum Action {
    /** Set state to READY. */
    READY,
    /** Set state to DRAIN. */
    DRAIN,
    /** Set state to MAINT. */
    MAINT,
    /** Health: force UP ({@code hrunn}). */
    HEALTH_UP,
    /** Health: force DOWN ({@code hdown}). */
    HEALTH_DOWN,
    /** Set the runtime weight (0..256). */
    WEIGHT;

    /** The action of a form's {@code action} value (HAProxy's names), or {@code null}. */
    static Action ofForm(String value) {
      if (value == null) {
        return null;
      }
      return switch (value) {
        case "ready" -> READY;
        case "drain" -> DRAIN;
        case "maint" -> MAINT;
        case "hrunn" -> HEALTH_UP;
        case "hdown" -> HEALTH_DOWN;
        case "weight" -> WEIGHT;
        default -> null;
      };
    }
  }

  /**
   * Applies {@code action} to {@code server} of {@code backend} through its control plane ({@link
   * Backend#setAdmin}, {@link Backend#setHealth}, {@link Backend#setWeight}).
   *
   * @throws IllegalArgumentException for an unknown server or a weight outside 0..256
   */
  static void apply(Backend backend, String server, Action action, int weight) {
    backend.indexOf(server); // throws for an unknown server
    switch (action) {
      case READY -> backend.setAdmin(server, AdminState.READY);
      case DRAIN -> backend.setAdmin(server, AdminState.DRAIN);
      case MAINT -> backend.setAdmin(server, AdminState.MAINT);
      case HEALTH_UP -> backend.setHealth(server, Health.UP);
      case HEALTH_DOWN -> backend.setHealth(server, Health.DOWN);
      case WEIGHT -> {
        if (weight < 0 || weight > ServerConfig.MAX_WEIGHT) {
          throw new IllegalArgumentException("weight must be 0.." + ServerConfig.MAX_WEIGHT + ": " + weight);
        }
        backend.setWeight(server, weight);
      }
    }
  }
}
