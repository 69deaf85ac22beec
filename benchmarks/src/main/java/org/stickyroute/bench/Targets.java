package org.stickyroute.bench;

import java.util.SplittableRandom;
import org.stickyroute.key.UriKey;

/**
 * Overleaf-style request-targets, the workload of every {@code balance uri depth 2} measurement here.
 *
 * <p>A target is {@code /project/<24 hex digits>/compile?auto_compile=true} (59 bytes, the shape of
 * Overleaf's compile requests); its {@code uri depth 2} key is {@code /project/<24 hex digits>} (33 bytes).
 * Project ids are drawn from a {@link SplittableRandom} with a fixed seed, so every run and every
 * algorithm sees the same keys. Not thread-safe to share arrays you then modify; the methods themselves
 * are pure.
 */
public final class Targets {
  /** The key HAProxy hashes for {@code balance uri depth 2}. */
  public static final UriKey DEPTH_2 = UriKey.depth(2);

  /** How many distinct targets a JMH benchmark cycles through (a power of two). */
  public static final int BENCH_COUNT = 1024;

  /** The seed of the JMH workload. */
  public static final long BENCH_SEED = 7;

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private Targets() {}

  /** {@code count} seeded 24-hex-digit project ids (96 random bits each, as Mongo ObjectIds look). */
  public static String[] projectIds(long seed, int count) {
    SplittableRandom r = new SplittableRandom(seed);
    String[] ids = new String[count];
    char[] buf = new char[24];
    for (int i = 0; i < count; i++) {
      long hi = r.nextLong();
      int lo = r.nextInt();
      for (int k = 0; k < 16; k++) {
        buf[k] = HEX[(int) (hi >>> (60 - 4 * k)) & 15];
      }
      for (int k = 0; k < 8; k++) {
        buf[16 + k] = HEX[(lo >>> (28 - 4 * k)) & 15];
      }
      ids[i] = new String(buf);
    }
    return ids;
  }

  /** The request-target of a project's compile request. */
  public static String target(String projectId) {
    return "/project/" + projectId + "/compile?auto_compile=true";
  }

  /** The {@code uri depth 2} key of that target, as a peer library would be handed it. */
  public static String key(String projectId) {
    return "/project/" + projectId;
  }

  /** The targets of {@code count} seeded projects. */
  public static String[] targets(long seed, int count) {
    String[] ids = projectIds(seed, count);
    for (int i = 0; i < count; i++) {
      ids[i] = target(ids[i]);
    }
    return ids;
  }

  /** The keys of the same {@code count} seeded projects as {@link #targets(long, int)}. */
  public static String[] keys(long seed, int count) {
    String[] ids = projectIds(seed, count);
    for (int i = 0; i < count; i++) {
      ids[i] = key(ids[i]);
    }
    return ids;
  }
}
