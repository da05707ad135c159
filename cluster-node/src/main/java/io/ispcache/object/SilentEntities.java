package io.ispcache.object;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Shards whose entity did not answer an ask in time, for a while after: the chunks of every object
 * of such a shard are then fetched without asking, rather than after another ask timeout each.
 * When an entity's node crashes, all its shards stay unreachable until the node is downed and they
 * move; one silent answer stands for every object of its shard (they live on the same node), so a
 * node with many objects of the lost node waits once per shard, not once per object or chunk.
 */
final class SilentEntities {
  private final long windowNanos;
  private final int shards;
  private final ConcurrentHashMap<Integer, Long> until = new ConcurrentHashMap<>();
  /** When each shard's entities last answered (System.nanoTime()): at most one entry per shard. */
  private final ConcurrentHashMap<Integer, Long> answeredAt = new ConcurrentHashMap<>();

  /** @param shards the number of shards entities are spread over ({@code akka.cluster.sharding.number-of-shards}) */
  SilentEntities(java.time.Duration window, int shards) {
    this.windowNanos = window.toNanos();
    this.shards = shards;
  }

  /** The shard of the entity of {@code key}, as Cluster Sharding's default message extractor computes it. */
  int shard(String key) {
    return Math.abs(key.hashCode() % shards);
  }

  /** The entity of {@code key} did not answer an ask that ended at {@code nowNanos}. */
  void timedOut(String key, long nowNanos) {
    until.put(shard(key), nowNanos + windowNanos);
  }

  /** The entity of {@code key} answered at {@code nowNanos}: its shard is asked again from now on. True if it had been silent. */
  boolean answered(String key, long nowNanos) {
    int shard = shard(key);
    answeredAt.put(shard, nowNanos);
    return !until.isEmpty() && until.remove(shard) != null;
  }

  /**
   * Whether the shard of {@code key} answered within {@code window} before {@code nowNanos}: its
   * entities run on a node that was alive then, and answer at once unless that node is lost.
   */
  boolean answeredWithin(String key, java.time.Duration window, long nowNanos) {
    Long at = answeredAt.get(shard(key));
    return at != null && nowNanos - at < window.toNanos();
  }

  /** Whether an ask to the entity of {@code key} at {@code nowNanos} is not worth waiting for. */
  boolean silent(String key, long nowNanos) {
    Long end = until.get(shard(key));
    if (end == null) {
      return false;
    }
    if (end - nowNanos <= 0) {
      until.remove(shard(key), end);
      return false;
    }
    return true;
  }
}
