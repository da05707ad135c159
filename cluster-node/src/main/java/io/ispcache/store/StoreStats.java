package io.ispcache.store;

import java.nio.file.Path;
import java.util.List;

/**
 * Usage of the drives, eviction counts and the chunk bytes held in memory (being filled, or
 * recently filled), for health, summary and metrics.
 */
public record StoreStats(List<DriveStats> drives, long evictions, long evictedBytes, long memoryBytes) {
  /** One drive: its limit, bytes used (stored and reserved for fills), chunks, and health. */
  public record DriveStats(Path path, long maxBytes, long usedBytes, long chunkCount, boolean writable) {}
}
