package io.ispcache.store;

import java.nio.file.Path;
import java.util.List;

/** Usage of the drives and eviction counts, for health, summary and metrics. */
public record StoreStats(List<DriveStats> drives, long evictions, long evictedBytes) {
  /** One drive: its limit, bytes used (stored and reserved for fills), chunks, and health. */
  public record DriveStats(Path path, long maxBytes, long usedBytes, long chunkCount, boolean writable) {}
}
