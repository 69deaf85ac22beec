package org.stickyroute.persist;

import java.nio.charset.StandardCharsets;
import org.stickyroute.config.BackendConfig;
import org.stickyroute.config.ServerConfig;

/**
 * HAProxy's dynamic server cookies ({@code cookie ... dynamic} with {@code dynamic-cookie-key}, {@code
 * src/server.c:srv_set_dyncookie}): the value is the 16 lower-case hex digits of XXH64, seed 0, over the key's
 * bytes, then the server's IPv4 address (4 bytes, network order) or IPv6 address (16 bytes), then its port as
 * a 4-byte big-endian number.
 *
 * <p>Which servers get one is the model's rule, {@link BackendConfig#dynamicCookie(ServerConfig)}: only IP
 * literals produce a value (HAProxy resolves a host name at start-up and hashes the address it got;
 * stickyroute never resolves names), so a server written with a host name is never matched by a cookie and,
 * in insert mode, its responses carry HAProxy's deletion cookie. The loader warns about such servers.
 *
 * <p>Thread-safe; called at configuration time only.
 */
public final class DynamicCookie {
  private DynamicCookie() {}

  /**
   * The dynamic cookie value of {@code server} in {@code backend}, or {@code null} when it gets none ({@link
   * BackendConfig#dynamicCookie(ServerConfig)} is false).
   */
  public static String of(BackendConfig backend, ServerConfig server) {
    return backend.dynamicCookie(server) ? value(backend.dynamicCookieKey(), server) : null;
  }

  /**
   * The dynamic cookie value a server would get from {@code key}.
   *
   * @param key the backend's {@code dynamic-cookie-key}, taken as ISO-8859-1 bytes (the configuration is read
   *     one byte per char)
   * @param server the server (its address must be an IP literal, its port 0..65535)
   * @return 16 lower-case hex digits, or {@code null} when the server's address is not an IP literal
   */
  public static String value(String key, ServerConfig server) {
    byte[] addr = server.ipAddress();
    if (addr == null) {
      return null;
    }
    int port = server.port();
    byte[] k = key.getBytes(StandardCharsets.ISO_8859_1);
    byte[] buf = new byte[k.length + addr.length + 4];
    System.arraycopy(k, 0, buf, 0, k.length);
    System.arraycopy(addr, 0, buf, k.length, addr.length);
    int p = k.length + addr.length;
    buf[p] = (byte) (port >>> 24);
    buf[p + 1] = (byte) (port >>> 16);
    buf[p + 2] = (byte) (port >>> 8);
    buf[p + 3] = (byte) port;
    String hex = Long.toHexString(XXH64.hash(buf, 0));
    return "0000000000000000".substring(hex.length()) + hex;
  }
}
