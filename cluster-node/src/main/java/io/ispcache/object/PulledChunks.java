package io.ispcache.object;

import io.ispcache.store.ChunkId;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The chunks this node filled from peer nodes most recently, at most a fixed number: where a
 * response's missing bytes came from (X-Cache: PEER), also when the pull committed before the
 * response was answered. A fill from the origin, or a failed one, takes its chunk out.
 */
final class PulledChunks {
  private final Map<ChunkId, Boolean> recent;

  PulledChunks(int capacity) {
    this.recent =
        new LinkedHashMap<>(16, 0.75f, false) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<ChunkId, Boolean> eldest) {
            return size() > capacity;
          }
        };
  }

  /** A fill of {@code id} began, its bytes from a peer or (not {@code fromPeer}) the origin. */
  synchronized void began(ChunkId id, boolean fromPeer) {
    if (fromPeer) {
      recent.put(id, Boolean.TRUE);
    } else {
      recent.remove(id);
    }
  }

  /** The fill of {@code id} failed: what a reader gets now comes from the next one. */
  synchronized void failed(ChunkId id) {
    recent.remove(id);
  }

  synchronized boolean fromPeer(ChunkId id) {
    return recent.containsKey(id);
  }
}
