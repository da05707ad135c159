package io.ispcache.node;

import io.ispcache.store.ChunkStore;
import io.ispcache.store.StoreStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.function.ToDoubleFunction;

/** The chunk store's figures as meters: each drive's usage, limit and chunks, evictions, chunk memory. */
final class StoreMeters {
  private StoreMeters() {}

  /** Read from the store when scraped; the drives are those it opened with (they do not change). */
  static void bind(MeterRegistry registry, ChunkStore store) {
    List<StoreStats.DriveStats> drives = store.stats().drives();
    for (int i = 0; i < drives.size(); i++) {
      int d = i;
      String path = drives.get(i).path().toString();
      drive(registry, store, "ispcache.drive.used", "bytes", path,
          "Bytes the cache takes on each cache drive as allocated (chunks, meta files, directories, fills in progress).",
          s -> s.drives().get(d).usedBytes());
      drive(registry, store, "ispcache.drive.capacity", "bytes", path, "Size limit of each cache drive.",
          s -> s.drives().get(d).maxBytes());
      drive(registry, store, "ispcache.drive.chunks", null, path, "Chunks stored on each cache drive.",
          s -> s.drives().get(d).chunkCount());
    }
    FunctionCounter.builder("ispcache.evictions", store, s -> s.stats().evictions())
        .description("Chunks evicted to make room.")
        .register(registry);
    FunctionCounter.builder("ispcache.evicted", store, s -> s.stats().evictedBytes())
        .baseUnit("bytes")
        .description("Bytes evicted to make room.")
        .register(registry);
    Gauge.builder("ispcache.chunk.memory", store, s -> s.stats().memoryBytes())
        .strongReference(true)
        .baseUnit("bytes")
        .description("Bytes of chunks held in memory: being filled, or recently filled.")
        .register(registry);
  }

  private static void drive(
      MeterRegistry registry, ChunkStore store, String name, String unit, String path, String help,
      ToDoubleFunction<StoreStats> figure) {
    Gauge.builder(name, store, s -> figure.applyAsDouble(s.stats()))
        .strongReference(true)
        .baseUnit(unit)
        .description(help)
        .tag("drive", path)
        .register(registry);
  }
}
