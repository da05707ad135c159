package io.ispcache.object;

import java.nio.charset.StandardCharsets;
import java.util.Collection;

/**
 * Which of a chunk's holders a node pulls it from: rendezvous (highest random weight) hashing of
 * holder, chunk and asker. Every asker of a popular chunk is not sent to its first holder: askers
 * spread evenly over the holders (and one asker's chunks over them too), with no state to keep
 * and the same answer for the same question, and a holder that leaves moves only its own askers.
 */
final class HolderChoice {
  private HolderChoice() {}

  /** The holder {@code asker} pulls {@code chunk} from; {@code holders} is not empty. */
  static String of(Collection<String> holders, long chunk, String asker) {
    String best = null;
    long bestWeight = 0;
    for (String holder : holders) {
      long w = weight(holder, chunk, asker);
      // Ties (all but impossible) go to the smaller name, so the answer never depends on order.
      if (best == null || Long.compareUnsigned(w, bestWeight) > 0 || (w == bestWeight && holder.compareTo(best) < 0)) {
        best = holder;
        bestWeight = w;
      }
    }
    return best;
  }

  /** FNV-1a over the three, then the SplitMix64 finalizer so that near-equal names spread. */
  static long weight(String holder, long chunk, String asker) {
    long h = 0xcbf29ce484222325L;
    h = fnv(h, holder.getBytes(StandardCharsets.UTF_8));
    h = fnv(h, new byte[] {'\n'});
    for (int i = 0; i < 8; i++) {
      h = (h ^ ((chunk >>> (8 * i)) & 0xff)) * 0x100000001b3L;
    }
    h = fnv(h, asker.getBytes(StandardCharsets.UTF_8));
    h ^= h >>> 30;
    h *= 0xbf58476d1ce4e5b9L;
    h ^= h >>> 27;
    h *= 0x94d049bb133111ebL;
    h ^= h >>> 31;
    return h;
  }

  private static long fnv(long h, byte[] bytes) {
    for (byte b : bytes) {
      h = (h ^ (b & 0xff)) * 0x100000001b3L;
    }
    return h;
  }
}
