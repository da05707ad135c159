package io.ispcache.store;

import static io.ispcache.store.StoreHarness.drive;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How long a node with a full index takes to open its store; the figure is in load-tests/README.md. */
class StoreStartTest {
  private static final int CHUNK = 256 * 1024;
  private static final int OBJECTS = 1000;
  private static final int CHUNKS_PER_OBJECT = 100;
  private static StoreHarness h;
  @TempDir Path dir;

  @BeforeAll
  static void start() {
    h = new StoreHarness();
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  @Test
  void hundredThousandChunksOnDiskAreAllIndexedAtOpen() throws Exception {
    Path d = dir.resolve("d");
    long limit = 2L * OBJECTS * CHUNKS_PER_OBJECT * CHUNK;
    h.open(CHUNK, drive(d, limit)).close();
    Drive layout = new Drive(0, d.toRealPath(), limit);
    // Sparse files: the scan reads names and sizes only, so 25 GiB of chunks need no real space.
    for (int o = 0; o < OBJECTS; o++) {
      ObjectMeta meta = new ObjectMeta("http://origin/title/" + o, (long) CHUNKS_PER_OBJECT * CHUNK, "\"" + o + "\"", null, "video/mp4", 1);
      Path objectDir = Files.createDirectories(ChunkStore.objectDir(layout, meta.key()));
      MetaFile.write(objectDir.resolve(meta.version() + ".meta"), meta);
      for (int i = 0; i < CHUNKS_PER_OBJECT; i++) {
        try (RandomAccessFile f = new RandomAccessFile(objectDir.resolve(meta.version() + "." + i).toFile(), "rw")) {
          f.setLength(CHUNK);
        }
      }
    }

    long started = System.nanoTime();
    try (ChunkStore store = h.open(CHUNK, drive(d, limit))) {
      long millis = (System.nanoTime() - started) / 1_000_000;
      System.out.println("store start: " + OBJECTS * CHUNKS_PER_OBJECT + " chunks indexed by open() in " + millis + " ms");
      StoreStats.DriveStats stats = store.stats().drives().get(0);
      assertEquals(OBJECTS * CHUNKS_PER_OBJECT, stats.chunkCount());
      assertEquals((long) OBJECTS * CHUNKS_PER_OBJECT * CHUNK, stats.usedBytes());
      ObjectMeta last = store.meta("http://origin/title/" + (OBJECTS - 1)).orElseThrow();
      assertTrue(store.has(new ChunkId(last.key(), last.version(), CHUNKS_PER_OBJECT - 1)));
      // Generous bound: a cache that takes minutes to open is down for minutes after every restart.
      assertTrue(millis < 60_000, "open() took " + millis + " ms");
    }
  }
}
