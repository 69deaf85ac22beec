package org.stickyroute.key;

import java.util.Objects;
import org.stickyroute.hash.internal.Avalanche;
import org.stickyroute.hash.HashType;
import org.stickyroute.http.IpAddress;
import org.stickyroute.http.RequestView;

/**
 * The key of {@code balance source} ({@code src/backend.c:get_server_sh}): the client address's 32-bit
 * big-endian words XORed together — one word for IPv4, four for IPv6 (so {@code ::ffff:a.b.c.d} hashes as
 * {@code a.b.c.d ^ 0xffff}, not as {@code a.b.c.d}). The {@code hash-type} function is <em>not</em> applied
 * (HAProxy hashes the address itself); only the {@code avalanche} modifier is.
 *
 * <p>A view without a client address has no key (HAProxy answers 500 to a client without an IP address,
 * such as one on a UNIX socket; here the algorithm falls back to round robin).
 */
public final class SourceKey implements KeyExtractor {
  private final boolean avalanche;

  /** The key for a backend with this {@code hash-type}. */
  public SourceKey(HashType type) {
    this.avalanche = Objects.requireNonNull(type, "type").avalanche();
  }

  @Override
  public long hash(RequestView request) {
    int h;
    switch (request.clientAddressFamily()) {
      case IpAddress.V4:
        h = (int) request.clientAddressLow();
        break;
      case IpAddress.V6:
        {
          long hi = request.clientAddressHigh();
          long lo = request.clientAddressLow();
          long x = hi ^ lo;
          h = (int) (x >>> 32) ^ (int) x;
          break;
        }
      default:
        return NO_KEY;
    }
    return (avalanche ? Avalanche.fullHash(h) : h) & 0xFFFFFFFFL;
  }

  @Override
  public String toString() {
    return "source";
  }
}
