package org.stickyroute.spring.cloud;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import org.springframework.cloud.client.ServiceInstance;

/**
 * The rule that turns a discovered {@link ServiceInstance} into a server of a stickyroute backend, so that a
 * key keeps its server as instances come and go, as it does in HAProxy with explicit server {@code id}s.
 *
 * <ul>
 *   <li><b>Name</b>: the instance's {@link ServiceInstance#getInstanceId() instance id} when it has one,
 *       otherwise {@code host:port}.
 *   <li><b>Declared servers</b>: when the backend section of the configuration has a {@code server} line with
 *       that name, the instance is that server — its {@code id} (explicit, or the number HAProxy gives it by
 *       its place in the section), {@code weight}, {@code cookie} value, {@code maxconn}, {@code backup},
 *       {@code check}... — at the address discovery gives. A declared server that discovery does not list is
 *       kept in maintenance (as HAProxy keeps a {@code server-template} slot that DNS does not resolve).
 *   <li><b>Other instances</b> get the id {@link #derivedId(String)} ({@code 1 + CRC-32(UTF-8 name) mod
 *       (2^20 - 1)}; on a collision with an id already taken, the next free one, instances taken in the order
 *       of their names), the weight of their {@code weight} metadata (0..256, else 1) and, under a {@code
 *       cookie} line, their name as cookie value when it is a valid cookie value (no value otherwise). They
 *       follow the declared servers, in the order of their ids.
 * </ul>
 *
 * <p>Ids stay below 2^20 because HAProxy places consistent-hashing ring points at {@code id * 4096 + j} mod
 * 2^32: two ids 2^20 apart would share their points. Such a backend decides as HAProxy would with a
 * configuration listing the same servers, in the same order, with these ids: under {@code hash-type
 * consistent} adding or removing an instance moves only the keys that go to or come from it.
 */
public final class InstanceServers {
  /** The ids derived from names lie in 1..{@code ID_SPACE}. */
  public static final int ID_SPACE = (1 << 20) - 1;

  private InstanceServers() {}

  /** The server name of an instance: its instance id, else {@code host:port}. */
  public static String serverName(ServiceInstance instance) {
    String id = instance.getInstanceId();
    if (id != null && !id.isEmpty()) {
      return id;
    }
    String host = instance.getHost();
    return (host != null && host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + instance.getPort();
  }

  /** The id of a server name absent from the configuration, before collisions: {@code 1 + CRC-32 mod (2^20 - 1)}. */
  public static int derivedId(String name) {
    CRC32 crc = new CRC32();
    crc.update(name.getBytes(StandardCharsets.UTF_8));
    return 1 + (int) (crc.getValue() % ID_SPACE);
  }
}
