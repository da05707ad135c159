package io.ispcache.store;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Eviction order for one drive: a segmented LRU (SLRU). New chunks enter a probationary segment;
 * a chunk read again is promoted to the protected segment, which holds at most
 * {@code protectedShare} of the bytes. Victims come from the probationary end first, so one pass
 * over a huge cold object cannot flush the popular ones (scan resistance), which plain LRU does.
 * Not thread-safe: the drive guards it.
 */
final class SegmentedLru<K> {
  private final LinkedHashMap<K, Long> probation = new LinkedHashMap<>(16, 0.75f, true);
  private final LinkedHashMap<K, Long> protectedSegment = new LinkedHashMap<>(16, 0.75f, true);
  private final long protectedLimit;
  private long protectedBytes;

  SegmentedLru(long capacityBytes, double protectedShare) {
    this.protectedLimit = (long) (capacityBytes * protectedShare);
  }

  void add(K key, long bytes) {
    if (!protectedSegment.containsKey(key)) {
      probation.put(key, bytes);
    }
  }

  /**
   * A read: promotes from probation, refreshes recency in protected. Returns whether the key was
   * protected already, that is whether it had been read before.
   */
  boolean touch(K key) {
    Long bytes = probation.remove(key);
    if (bytes != null) {
      protectedSegment.put(key, bytes);
      protectedBytes += bytes;
      while (protectedBytes > protectedLimit && !protectedSegment.isEmpty()) {
        Iterator<Map.Entry<K, Long>> oldest = protectedSegment.entrySet().iterator();
        Map.Entry<K, Long> e = oldest.next();
        oldest.remove();
        protectedBytes -= e.getValue();
        probation.put(e.getKey(), e.getValue());
      }
      return false;
    }
    return protectedSegment.get(key) != null;
  }

  void remove(K key) {
    if (probation.remove(key) == null) {
      Long bytes = protectedSegment.remove(key);
      if (bytes != null) {
        protectedBytes -= bytes;
      }
    }
  }

  /** Takes out and returns the least valuable key, or null when empty. */
  K evict() {
    LinkedHashMap<K, Long> from = probation.isEmpty() ? protectedSegment : probation;
    Iterator<Map.Entry<K, Long>> oldest = from.entrySet().iterator();
    if (!oldest.hasNext()) {
      return null;
    }
    Map.Entry<K, Long> e = oldest.next();
    oldest.remove();
    if (from == protectedSegment) {
      protectedBytes -= e.getValue();
    }
    return e.getKey();
  }

  int size() {
    return probation.size() + protectedSegment.size();
  }
}
