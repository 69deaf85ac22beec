package org.stickyroute.balance;

/**
 * HAProxy's bounded-load eligibility for consistent hashing with {@code hash-balance-factor} ({@code
 * src/lb_chash.c:chash_server_is_eligible}): a server may take one more request if its in-flight count is
 * below its share of {@code ceil((total + 1) * factor / 100)} slots. Immutable, thread-safe,
 * allocation-free.
 */
final class BoundedLoad implements ServerFilter {
  private final int factor;
  private final int[] eweight;
  private final int[] cumulative;
  private final int totalWeight;
  private final long reciprocal; // ceil(2^64 / totalWeight)

  BoundedLoad(int factor, ServerGroup group) {
    this.factor = factor;
    this.eweight = group.eweight();
    this.cumulative = group.cumulative();
    this.totalWeight = group.totalWeight();
    this.reciprocal = reciprocal(totalWeight);
  }

  @Override
  public boolean accept(int s, LoadView load) {
    long slots = slots(load.totalServed(), factor, eweight[s], cumulative[s], totalWeight, reciprocal);
    return load.served(s) < slots;
  }

  /**
   * {@code chash_server_is_eligible}'s slot count of a server, at least 1:
   *
   * <pre>
   * tot_slots = ((served + 1) * factor + 99) / 100
   * slots = eweight * (tot_slots / tot_weight)
   *       + ((cumulative + eweight) * (tot_slots % tot_weight)) / tot_weight
   *       - (cumulative * (tot_slots % tot_weight)) / tot_weight
   * </pre>
   *
   * The three divisions by {@code tot_weight} are the costly part of a bounded-load pick, so while the
   * dividends fit in 32 bits (they do unless millions of requests are in flight or the total weight is in
   * the tens of thousands) they are exact multiplications by {@code reciprocal = ceil(2^64 / tot_weight)}
   * instead (Lemire, Kaser and Kurz 2019: {@code floor(x / d)} is the high 64 bits of {@code reciprocal * x}
   * for every 32-bit {@code x} and {@code d}).
   */
  static long slots(int served, int factor, int eweight, int cumulative, int totalWeight, long reciprocal) {
    long totSlots = ((long) (served + 1) * factor + 99) / 100;
    long perWeight = divide(totSlots, totalWeight, reciprocal);
    long remainder = totSlots - perWeight * totalWeight;
    long slots = eweight * perWeight
        + divide((cumulative + (long) eweight) * remainder, totalWeight, reciprocal)
        - divide(cumulative * remainder, totalWeight, reciprocal);
    return slots == 0 ? 1 : slots;
  }

  /** {@code x / d} for {@code 0 <= x} and {@code 1 <= d < 2^31}, with {@code reciprocal = ceil(2^64 / d)}. */
  static long divide(long x, int d, long reciprocal) {
    if (x >>> 32 != 0 || d == 1) {
      return x / d;
    }
    // Unsigned high half of reciprocal * x (x < 2^32 is positive; correct for reciprocal's sign bit).
    return Math.multiplyHigh(reciprocal, x) + ((reciprocal >> 63) & x);
  }

  /** {@code ceil(2^64 / d)} as an unsigned 64-bit value, for {@code d >= 2} (unused for 0 and 1). */
  static long reciprocal(int d) {
    return d < 2 ? 0 : Long.divideUnsigned(-1L, d) + 1;
  }
}
