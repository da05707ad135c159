package io.ispcache.object;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Objects whose entity did not answer an ask in time, for a while after: their chunks are then
 * fetched from the origin at once rather than after another ask timeout each. When an entity's
 * node crashes, its shards stay unreachable until the node is downed and they move (tens of
 * seconds), and a reader whose next chunks each waited out an ask stalled again and again.
 */
final class SilentEntities {
  /** Beyond this many silent objects at once (a mass crash) the oldest knowledge is dropped. */
  static final int MAX = 10_000;

  private final long windowNanos;
  private final ConcurrentHashMap<String, Long> until = new ConcurrentHashMap<>();

  SilentEntities(java.time.Duration window) {
    this.windowNanos = window.toNanos();
  }

  /** The entity of {@code key} did not answer an ask that ended at {@code nowNanos}. */
  void timedOut(String key, long nowNanos) {
    if (until.size() >= MAX) {
      until.clear();
    }
    until.put(key, nowNanos + windowNanos);
  }

  /** The entity of {@code key} answered: ask it again from now on. */
  void answered(String key) {
    until.remove(key);
  }

  /** Whether an ask to the entity of {@code key} at {@code nowNanos} is not worth waiting for. */
  boolean silent(String key, long nowNanos) {
    Long end = until.get(key);
    if (end == null) {
      return false;
    }
    if (end - nowNanos <= 0) {
      until.remove(key, end);
      return false;
    }
    return true;
  }
}
