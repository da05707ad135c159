package io.ispcache.store;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Which drive a chunk goes to: weighted rendezvous hashing. Every chunk ranks the drives by a
 * score from its own hash and each drive's size, so shares follow sizes, a chunk's preferred drive
 * is stable across restarts, and adding or resizing one drive moves only the chunks it gains or
 * loses. The next drives in the ranking take a chunk when the preferred one has no room.
 */
final class DrivePlacement {
  private DrivePlacement() {}

  /** Drive numbers (indexes into {@code sizes}), most preferred first. */
  static int[] ranked(ChunkId id, long[] sizes) {
    // String.hashCode is specified, so the ranking survives restarts and JVM versions.
    long h = id.key().hashCode() * 0x9E3779B97F4A7C15L + id.index() * 0xC2B2AE3D27D4EB4FL;
    double[] scores = new double[sizes.length];
    Integer[] order = new Integer[sizes.length];
    for (int d = 0; d < sizes.length; d++) {
      long x = h ^ (d + 1) * 0xFF51AFD7ED558CCDL;
      x = (x ^ (x >>> 33)) * 0xC4CEB9FE1A85EC53L;
      x ^= x >>> 33;
      double u = ((x >>> 11) + 0.5) / (double) (1L << 53); // uniform in (0, 1)
      scores[d] = sizes[d] / -Math.log(u);
      order[d] = d;
    }
    Arrays.sort(order, Comparator.comparingDouble((Integer d) -> scores[d]).reversed());
    return Arrays.stream(order).mapToInt(Integer::intValue).toArray();
  }
}
