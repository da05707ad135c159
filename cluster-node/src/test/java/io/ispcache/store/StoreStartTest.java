package io.ispcache.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node with many chunks on disk opens with all of them indexed. 10,000 chunks here to keep the
 * suite quick; {@link StoreStartBenchmark} times 100,000 (figure in load-tests/README.md).
 */
class StoreStartTest extends StoreTestBase {
  private static final int OBJECTS = 100;
  private static final int CHUNKS_PER_OBJECT = 100;
  @TempDir Path dir;

  @Test
  void tenThousandChunksOnDiskAreAllIndexedAtOpen() throws Exception {
    Path d = dir.resolve("d");
    StoreStartBenchmark.populate(d, OBJECTS, CHUNKS_PER_OBJECT, h.io);
    long started = System.nanoTime();
    try (ChunkStore store = ChunkStore.open(StoreStartBenchmark.settings(d, StoreStartBenchmark.limit(OBJECTS, CHUNKS_PER_OBJECT)), h.io)) {
      long millis = (System.nanoTime() - started) / 1_000_000;
      StoreStats.DriveStats stats = store.stats().drives().get(0);
      assertEquals(OBJECTS * CHUNKS_PER_OBJECT, stats.chunkCount());
      assertEquals((long) OBJECTS * CHUNKS_PER_OBJECT * StoreStartBenchmark.CHUNK, store.chunkBytes());
      ObjectMeta last = store.meta(StoreStartBenchmark.key(OBJECTS - 1)).orElseThrow();
      assertEquals(OBJECTS * (long) CHUNKS_PER_OBJECT * StoreStartBenchmark.CHUNK / OBJECTS, last.length());
      assertTrue(store.has(new ChunkId(last.key(), last.version(), CHUNKS_PER_OBJECT - 1)));
      // Generous bound: a cache that takes minutes to open is down for minutes after every restart.
      assertTrue(millis < 30_000, "open() took " + millis + " ms");
    }
  }
}
