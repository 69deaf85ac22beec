package org.stickyroute.bench;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.TreeMap;

/**
 * A ketama ring built exactly as Apache Dubbo 3.3's {@code ConsistentHashLoadBalance.ConsistentHashSelector}
 * builds it, without Dubbo's invocation plumbing: for every server address and every {@code r < replicas /
 * 4}, {@code MD5(address + r)} gives four 32-bit points (little-endian words of the digest) in a {@code
 * TreeMap<Long, Integer>}; a key's point is word 0 of {@code MD5(key)}, and it goes to the first point at
 * or after it, wrapping to the first. A later server overwrites an earlier one on a point collision, as in
 * Dubbo. MD5 runs through a per-thread {@link MessageDigest}, as Dubbo's {@code Bytes.getMD5} does.
 *
 * <p>{@code SpreadReport} checks that this ring picks the same server as Dubbo's own load balancer. Built
 * once, then read-only; lookups are thread-safe (the digest is per thread) but allocate (a byte array for
 * the key, the digest, a boxed {@code Long}), as Dubbo's do.
 */
public final class KetamaRing {
  private static final ThreadLocal<MessageDigest> MD5 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  });

  private final TreeMap<Long, Integer> ring = new TreeMap<>();

  /**
   * Builds the ring.
   *
   * @param addresses {@code host:port} of each server, as Dubbo's {@code URL.getAddress()}; the server's
   *     index in this array is what lookups return
   * @param replicas virtual nodes per server (Dubbo's {@code hash.nodes}, default 160)
   */
  public KetamaRing(String[] addresses, int replicas) {
    for (int s = 0; s < addresses.length; s++) {
      for (int r = 0; r < replicas / 4; r++) {
        byte[] digest = md5(addresses[s] + r);
        for (int h = 0; h < 4; h++) {
          ring.put(point(digest, h), s);
        }
      }
    }
  }

  /** {@code n} distinct server addresses {@code 10.0.x.y:20880}, the ones every ketama and Dubbo ring here uses. */
  public static String[] addresses(int n) {
    String[] a = new String[n];
    for (int i = 0; i < n; i++) {
      a[i] = "10.0." + (i / 250) + "." + (i % 250 + 1) + ":20880";
    }
    return a;
  }

  /** MD5 of the UTF-8 bytes of {@code s}. */
  public static byte[] md5(String s) {
    return MD5.get().digest(s.getBytes(StandardCharsets.UTF_8));
  }

  /** Word {@code number} (0..3) of a digest as an unsigned 32-bit value, Dubbo's {@code hash(byte[], int)}. */
  public static long point(byte[] digest, int number) {
    return (((long) (digest[3 + number * 4] & 0xFF) << 24)
            | ((long) (digest[2 + number * 4] & 0xFF) << 16)
            | ((long) (digest[1 + number * 4] & 0xFF) << 8)
            | (digest[number * 4] & 0xFF))
        & 0xFFFFFFFFL;
  }

  /** The key's point: word 0 of its MD5. */
  public static long keyPoint(String key) {
    return point(md5(key), 0);
  }

  /** Hashes the key and looks it up: the whole per-request work of Dubbo's selector. */
  public int select(String key) {
    return lookup(keyPoint(key));
  }

  /** The server of a point, boxing it as Dubbo does. */
  public int lookup(long point) {
    return lookup(Long.valueOf(point));
  }

  /** The server of an already boxed point. */
  public int lookup(Long point) {
    Map.Entry<Long, Integer> e = ring.ceilingEntry(point);
    if (e == null) {
      e = ring.firstEntry();
    }
    return e.getValue();
  }

  /** Number of distinct points. */
  public int size() {
    return ring.size();
  }

  /** The points in ring order (for array-based references). */
  public long[] points() {
    long[] p = new long[ring.size()];
    int i = 0;
    for (Long k : ring.keySet()) {
      p[i++] = k;
    }
    return p;
  }

  /** The owner of each point, in ring order. */
  public int[] owners() {
    int[] o = new int[ring.size()];
    int i = 0;
    for (Integer v : ring.values()) {
      o[i++] = v;
    }
    return o;
  }
}
