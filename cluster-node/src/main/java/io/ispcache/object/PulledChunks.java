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

  /** A fill of {@code id} began (or failed, {@code fromPeer} false): its bytes' source. */
  synchronized void began(ChunkId id, boolean fromPeer) {
    if (fromPeer) {
      recent.put(id, Boolean.TRUE);
    } else {
      recent.remove(id);
    }
  }

  synchronized boolean fromPeer(ChunkId id) {
    return recent.containsKey(id);
  }
}
