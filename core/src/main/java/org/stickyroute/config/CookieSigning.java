package org.stickyroute.config;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * Signed persistence cookies, a stickyroute extension beyond HAProxy (opt-in, {@code insert} mode only).
 *
 * <p>The cookie value becomes {@code ID|EXPIRY|MAC}: the server's cookie value, the expiry as UNIX seconds
 * (wall clock, so every instance agrees — unlike a monotonic clock), and the first 128 bits of
 * HMAC-SHA256({@code secret}, {@code "sr1" 0 NAME 0 ID 0 EXPIRY}) in unpadded base64url (22 characters).
 * A forged, altered or expired cookie is ignored: the request is load-balanced and gets a new cookie; so is an
 * authentic one whose expiry lies more than the lifetime plus 86400 s (HAProxy's tolerance for cookie dates in
 * the future) ahead of the clock — issued by an instance whose clock is far ahead, or under a lifetime since
 * shortened. Every
 * instance configured with the same secret accepts every other instance's cookies. The value carries only
 * the opaque server cookie value, never an address.
 *
 * <p>Renewal is sliding: a valid cookie with less than half of its lifetime left is re-issued (with a new
 * expiry) on the response. Rotation: while {@code previousSecret} is set and the clock is before {@code
 * previousUntil}, cookies signed with the previous secret are accepted too, and re-issued under the current
 * one.
 *
 * <p>These are the <em>settings</em> ({@link StickyOptions#signing()}); the signing itself is done on the request
 * path by the persistence implementation. Immutable, thread-safe; the secrets are copied in and out, and never
 * shown by {@link #toString()}.
 */
public final class CookieSigning {
  /** Shortest accepted secret, in bytes. */
  public static final int MIN_SECRET_BYTES = 16;

  private final byte[] secret;
  private final long lifetimeSeconds;
  private final byte[] previousSecret;
  private final long previousUntilEpochSeconds;

  private CookieSigning(byte[] secret, long lifetimeSeconds, byte[] previousSecret, long previousUntil) {
    if (secret.length < MIN_SECRET_BYTES) {
      throw new IllegalArgumentException("signing secret must have at least " + MIN_SECRET_BYTES + " bytes");
    }
    if (previousSecret != null && previousSecret.length < MIN_SECRET_BYTES) {
      throw new IllegalArgumentException(
          "previous signing secret must have at least " + MIN_SECRET_BYTES + " bytes");
    }
    if (lifetimeSeconds < 2 || lifetimeSeconds > 400L * 86400) {
      throw new IllegalArgumentException("'" + lifetimeSeconds + "': signed cookie lifetime must be 2 s .. 400 days");
    }
    this.secret = secret.clone();
    this.lifetimeSeconds = lifetimeSeconds;
    this.previousSecret = previousSecret == null ? null : previousSecret.clone();
    this.previousUntilEpochSeconds = previousSecret == null ? 0 : previousUntil;
  }

  /**
   * Signing with one secret.
   *
   * @param secret at least 16 bytes, shared by every instance that must accept the cookies
   * @param lifetime how long an issued cookie stays valid (2 s .. 400 days); renewed when half has passed
   */
  public static CookieSigning of(byte[] secret, Duration lifetime) {
    return new CookieSigning(Objects.requireNonNull(secret, "secret"), lifetime.getSeconds(), null, 0);
  }

  /** As {@link #of(byte[], Duration)} with the UTF-8 bytes of {@code secret}. */
  public static CookieSigning of(String secret, Duration lifetime) {
    return of(secret.getBytes(StandardCharsets.UTF_8), lifetime);
  }

  /**
   * This signing with a previous secret still accepted until {@code until} (secret rotation: deploy the new
   * secret as current and the old one as previous on every instance, then drop the previous one).
   */
  public CookieSigning withPrevious(byte[] previous, Instant until) {
    return new CookieSigning(secret, lifetimeSeconds, Objects.requireNonNull(previous, "previous"), until.getEpochSecond());
  }

  /** As {@link #withPrevious(byte[], Instant)} with the UTF-8 bytes of {@code previous}. */
  public CookieSigning withPrevious(String previous, Instant until) {
    return withPrevious(previous.getBytes(StandardCharsets.UTF_8), until);
  }

  /** The lifetime of an issued cookie, in seconds. */
  public long lifetimeSeconds() {
    return lifetimeSeconds;
  }

  /** Whether a previous secret is configured. */
  public boolean hasPrevious() {
    return previousSecret != null;
  }

  /** Until when (UNIX seconds, exclusive) the previous secret is accepted; 0 when none. */
  public long previousUntilEpochSeconds() {
    return previousUntilEpochSeconds;
  }

  /**
   * A copy of the current secret, for the signing implementation (which derives its keys from it once). Never
   * log it.
   */
  public byte[] secret() {
    return secret.clone();
  }

  /** A copy of the previous secret, or {@code null} when none; see {@link #secret()}. */
  public byte[] previousSecret() {
    return previousSecret == null ? null : previousSecret.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CookieSigning c
        && Arrays.equals(secret, c.secret)
        && lifetimeSeconds == c.lifetimeSeconds
        && Arrays.equals(previousSecret, c.previousSecret)
        && previousUntilEpochSeconds == c.previousUntilEpochSeconds;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(lifetimeSeconds) * 31 + Arrays.hashCode(secret);
  }

  /** Never shows the secrets. */
  @Override
  public String toString() {
    return "CookieSigning[lifetime=" + lifetimeSeconds + "s, previous=" + (previousSecret != null) + "]";
  }
}
