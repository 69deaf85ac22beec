package org.stickyroute.balance;

/**
 * HAProxy's map-based table ({@code src/lb_map.c}): {@code total_weight} slots filled with server indices
 * by the weighted slot-filling rule, looked up with {@code hash mod total_weight}. Used by {@code hash-type
 * map-based} hashing ({@link MapHashPicker}) and, with a rotating cursor, by {@link RoundRobinPicker}.
 * Immutable and thread-safe.
 */
public final class MapTable {
  private final int[] slots;
  // Lemire's fastmod: ceil(2^64 / n), so that h mod n is two multiplications instead of a 64-bit division.
  private final long reciprocal;

  private MapTable(int[] slots) {
    this.slots = slots;
    this.reciprocal = slots.length == 0 ? 0 : Long.divideUnsigned(-1L, slots.length) + 1;
  }

  /**
   * Builds the table as {@code recalc_server_map} does.
   *
   * <p>For each of {@code totalWeight} slots, every member (in declaration order) adds its effective
   * weight to its score; the member with the largest {@code (score + total) / total} (integer division, the
   * earliest declared on ties) takes the slot and has {@code total} subtracted from its score. When the
   * total is 1 the first member takes it.
   *
   * @param members indices of the servers of the group in use, in declaration order (for backups without
   *     {@code allbackups} this is every usable backup, while {@code totalWeight} is the first one's weight,
   *     exactly as HAProxy does)
   * @param eweight effective weights indexed by server index (map-based: user weight divided by the GCD)
   * @param totalWeight the number of slots (HAProxy's {@code tot_weight}); 0 gives an empty table
   * @return the table
   */
  public static MapTable build(int[] members, int[] eweight, int totalWeight) {
    int[] slots = new int[totalWeight];
    long[] score = new long[eweight.length];
    for (int o = 0; o < totalWeight; o++) {
      int best = -1;
      long max = 0;
      for (int m : members) {
        if (totalWeight == 1) {
          best = m;
          break;
        }
        score[m] += eweight[m];
        long v = (score[m] + totalWeight) / totalWeight;
        if (best < 0 || v > max) {
          max = v;
          best = m;
        }
      }
      slots[o] = best;
      if (best >= 0) {
        score[best] -= totalWeight;
      }
    }
    return new MapTable(slots);
  }

  /** Number of slots ({@code tot_weight}). */
  public int size() {
    return slots.length;
  }

  /** The server index in slot {@code i}. */
  public int slot(int i) {
    return slots[i];
  }

  /**
   * {@code map[hash mod size]} with {@code hash} taken as unsigned, or {@link Picker#NO_SERVER} for an empty
   * table. Allocation-free.
   */
  public int lookup(int hash) {
    int n = slots.length;
    if (n == 0) {
      return Picker.NO_SERVER;
    }
    return slots[mod(hash, reciprocal, n)];
  }

  /**
   * {@code h mod n} for an unsigned 32-bit {@code h} and {@code 1 <= n < 2^31}, with {@code m = ceil(2^64 /
   * n)} (Lemire, Kaser and Kurz, "Faster remainder by direct computation", 2019): the high 64 bits of the
   * unsigned product {@code (m * h mod 2^64) * n}.
   */
  static int mod(int h, long m, int n) {
    long low = m * (h & 0xFFFFFFFFL);
    return (int) (Math.multiplyHigh(low, n) + ((low >> 63) & n));
  }
}
