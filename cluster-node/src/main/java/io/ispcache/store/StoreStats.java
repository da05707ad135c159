package io.ispcache.store;

import java.nio.file.Path;
import java.util.List;

/**
 * Usage of the drives, eviction counts and the memory fills in progress hold for their readers,
 * for health, summary and metrics.
 */
public record StoreStats(List<DriveStats> drives, long evictions, long evictedBytes, long fillMemoryBytes) {
  /** One drive: its limit, bytes used (stored and reserved for fills), chunks, and health. */
  public record DriveStats(Path path, long maxBytes, long usedBytes, long chunkCount, boolean writable) {}
}
