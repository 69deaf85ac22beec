package org.stickyroute.config;

import java.util.Objects;

/**
 * stickyroute's own persistence settings of a backend, beyond what an HAProxy configuration can say: the
 * sticky-failure policy, the status of a strict failure, signed cookies, and when the inserted cookie is
 * {@code Secure}. Immutable.
 *
 * <p>They are deliberately not part of the HAProxy-syntax file (which must stay valid for {@code haproxy -c},
 * and where a comment must not change behaviour): set them with {@link BackendConfig.Builder#sticky} or
 * overlay them on a loaded configuration with {@link StickyProperties} (a separate properties file, system
 * properties or an adapter's init-params).
 *
 * @param failure the policy, or {@code null} to follow {@code option persist} (see {@link StickyFailure})
 * @param strictStatus the status of a {@link StickyFailure#STRICT} failure, 400..599 (default 503)
 * @param signing signed cookies, or {@code null} for HAProxy's plain values
 * @param secureCookie when the inserted cookie carries {@code Secure} ({@link SecureCookie#CONFIG}, the
 *     default, keeps the {@code cookie} line's {@code secure})
 */
public record StickyOptions(StickyFailure failure, int strictStatus, CookieSigning signing, SecureCookie secureCookie) {
  /** HAProxy's behaviour: policy from {@code option persist}, plain cookie values, {@code Secure} as configured. */
  public static final StickyOptions HAPROXY = new StickyOptions(null, 503, null, SecureCookie.CONFIG);

  /** Validates ({@code secureCookie} {@code null} means {@link SecureCookie#CONFIG}). */
  public StickyOptions {
    if (strictStatus < 400 || strictStatus > 599) {
      throw new IllegalArgumentException("'" + strictStatus + "': strict status must be 400..599");
    }
    secureCookie = secureCookie == null ? SecureCookie.CONFIG : secureCookie;
  }

  /** Options with {@code Secure} as the {@code cookie} line says. */
  public StickyOptions(StickyFailure failure, int strictStatus, CookieSigning signing) {
    this(failure, strictStatus, signing, SecureCookie.CONFIG);
  }

  /** These options with another policy ({@code null} = follow the HAProxy options). */
  public StickyOptions withFailure(StickyFailure f) {
    return new StickyOptions(f, strictStatus, signing, secureCookie);
  }

  /** These options with {@link StickyFailure#STRICT} answering {@code status}. */
  public StickyOptions strict(int status) {
    return new StickyOptions(StickyFailure.STRICT, status, signing, secureCookie);
  }

  /** These options with signed cookies ({@code null} to turn them off). */
  public StickyOptions withSigning(CookieSigning s) {
    return new StickyOptions(failure, strictStatus, s, secureCookie);
  }

  /** These options with another {@code Secure} policy. */
  public StickyOptions withSecureCookie(SecureCookie policy) {
    return new StickyOptions(failure, strictStatus, signing, policy);
  }

  /** The policy in force for a backend whose {@code option persist} is {@code persist}. */
  public StickyFailure effectiveFailure(boolean persist) {
    return failure != null ? failure : persist ? StickyFailure.PERSIST : StickyFailure.REDISPATCH;
  }
}
