package io.ispcache.store;

import static io.ispcache.store.StoreHarness.chunk;
import static io.ispcache.store.StoreHarness.content;
import static io.ispcache.store.StoreHarness.drive;
import static io.ispcache.store.StoreHarness.meta;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A drive holds no more than its limit as the file system allocates it (what {@code du} says),
 * and what the store keeps about objects, on the drive and in memory, goes with their chunks.
 */
class DriveUsageTest extends StoreTestBase {
  private static final int CHUNK = 256 * 1024;
  private static final long LIMIT = 8L << 20;
  @TempDir Path dir;

  /** Large objects of several chunks, then many small ones: the mix of issue 17. */
  private static List<ObjectMeta> objects() {
    List<ObjectMeta> all = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      all.add(meta("http://o/large/" + i, 4L * CHUNK + 1000, "\"l" + i + "\""));
    }
    for (int i = 0; i < 1500; i++) {
      all.add(meta("http://o/small/" + i, 700 + i % 3000, "\"s" + i + "\""));
    }
    return all;
  }

  private void fillAll(ChunkStore store, ObjectMeta m) throws Exception {
    store.putMeta(m);
    for (long i = 0; i < m.chunkCount(CHUNK); i++) {
      long length = Math.min(CHUNK, m.length() - i * CHUNK);
      h.fill(store, chunk(m, i), content(m.key().hashCode() + i, (int) length));
    }
  }

  /** Every file and directory under the drive, each in whole 4 KiB blocks (at least one for a directory). */
  private static long allocated(Path root) throws IOException {
    long total = 0;
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        long size = Files.size(p);
        long blocks = (size + DriveUsage.BLOCK - 1) / DriveUsage.BLOCK;
        total += Math.max(Files.isDirectory(p) ? 1 : 0, blocks) * DriveUsage.BLOCK;
      }
    }
    return total;
  }

  /** What {@code du} says the drive takes, or -1 when there is no {@code du}. */
  private static long du(Path root) throws Exception {
    Process p;
    try {
      p = new ProcessBuilder("du", "-s", "-B1", root.toString()).redirectErrorStream(true).start();
    } catch (IOException noDu) {
      return -1;
    }
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      assertTrue(p.waitFor(10, TimeUnit.SECONDS), "du did not end");
      return p.exitValue() == 0 ? Long.parseLong(out.split("\\s+")[0]) : -1;
    } finally {
      p.destroy();
    }
  }

  private static List<Path> files(Path root, String regex) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(p -> p.getFileName().toString().matches(regex)).toList();
    }
  }

  private static List<Path> emptyObjectDirectories(Path root) throws IOException {
    List<Path> empty = new ArrayList<>();
    Path objects = root.resolve("objects");
    if (!Files.isDirectory(objects)) {
      return empty;
    }
    try (Stream<Path> s = Files.walk(objects, 2)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        if (objects.relativize(p).getNameCount() == 2 && Files.isDirectory(p)) {
          try (Stream<Path> entries = Files.list(p)) {
            if (entries.findAny().isEmpty()) {
              empty.add(p);
            }
          }
        }
      }
    }
    return empty;
  }

  private static long objectsHeld(ChunkStore store, List<ObjectMeta> objects) {
    return objects.stream()
        .filter(m -> {
          for (long i = 0; i < m.chunkCount(CHUNK); i++) {
            if (store.has(chunk(m, i))) {
              return true;
            }
          }
          return false;
        })
        .count();
  }

  @Test
  void aFullDriveTakesNoMoreThanItsLimitOnDiskAndKeepsNoMetaOrDirectoryOfEvictedObjects() throws Exception {
    Path root = dir.resolve("d");
    List<ObjectMeta> objects = objects();
    try (ChunkStore store = h.open(CHUNK, drive(root, LIMIT))) {
      for (int n = 0; n < objects.size(); n++) {
        fillAll(store, objects.get(n));
        if (n % 250 == 0) {
          assertTrue(allocated(root) <= LIMIT, "after " + n + " objects the drive takes " + allocated(root) + " of " + LIMIT);
        }
      }
      long held = objectsHeld(store, objects);
      long onDisk = allocated(root);
      long used = store.stats().drives().get(0).usedBytes();
      assertTrue(onDisk <= LIMIT, "the drive takes " + onDisk + " of " + LIMIT);
      assertTrue(onDisk <= used, "the store counts " + used + " but the drive takes " + onDisk);
      assertTrue(used <= LIMIT, used + " counted of " + LIMIT);
      assertTrue(store.stats().evictions() > 0, "the drive was filled past its limit");
      long du = du(root);
      if (du >= 0) {
        assertTrue(du <= LIMIT, "du says " + du + " of " + LIMIT);
      }
      assertEquals(held, files(root, "[0-9a-f]{16}\\.meta").size(), "one meta file per object with chunks");
      assertEquals(List.of(), emptyObjectDirectories(root));
      assertEquals(List.of(), files(root, ".*\\.tmp"));
    }
  }

  @Test
  void aRestartCountsWhatTheDriveHolds() throws Exception {
    Path root = dir.resolve("d");
    List<ObjectMeta> objects = objects().subList(0, 300);
    long used;
    try (ChunkStore store = h.open(CHUNK, drive(root, LIMIT))) {
      for (ObjectMeta m : objects) {
        fillAll(store, m);
      }
      used = store.stats().drives().get(0).usedBytes();
    }
    try (ChunkStore store = h.open(CHUNK, drive(root, LIMIT))) {
      long after = store.stats().drives().get(0).usedBytes();
      // Less only by the shard directories the scan found empty and removed.
      assertTrue(after <= used && after > used - 256 * DriveUsage.BLOCK, after + " counted after the restart, " + used + " before");
      assertTrue(allocated(root) <= after, "the drive takes " + allocated(root) + ", counted " + after);
      assertEquals(objectsHeld(store, objects), store.metaCount());
    }
  }

  @Test
  void aTornChunkDroppedAtStartTakesItsMetaAndDirectoriesWithIt() throws Exception {
    Path root = dir.resolve("d");
    ObjectMeta m = meta("http://o/torn", 1000, "\"t\"");
    try (ChunkStore store = h.open(CHUNK, drive(root, LIMIT))) {
      fillAll(store, m);
    }
    Path chunkFile = files(root, "[0-9a-f]{16}\\.0").get(0);
    Files.write(chunkFile, new byte[10]); // a crash left it short
    try (ChunkStore store = h.open(CHUNK, drive(root, LIMIT))) {
      assertFalse(store.meta(m.key()).isPresent());
      assertEquals(List.of(), files(root, "[0-9a-f]{16}\\.meta"));
      assertEquals(List.of(), emptyObjectDirectories(root));
      long used = store.stats().drives().get(0).usedBytes();
      assertTrue(allocated(root) <= used, "the drive takes " + allocated(root) + ", counted " + used);
    }
  }

  @Test
  void metasInMemoryAreThoseOfObjectsWithChunks() throws Exception {
    List<ObjectMeta> objects = objects();
    try (ChunkStore store = h.open(CHUNK, drive(dir.resolve("d"), LIMIT))) {
      for (ObjectMeta m : objects) {
        fillAll(store, m);
      }
      long held = objectsHeld(store, objects);
      assertTrue(held < objects.size() / 2, "most objects were evicted: " + held + " held");
      assertEquals(held, store.metaCount());
      assertFalse(store.meta(objects.get(0).key()).isPresent(), "the first object's chunks and meta went");
      assertTrue(store.meta(objects.get(objects.size() - 1).key()).isPresent());
    }
  }

  @Test
  void metasWithoutChunksAreBounded() throws Exception {
    try (ChunkStore store = h.open(CHUNK, drive(dir.resolve("d"), LIMIT))) {
      int count = ChunkStore.CHUNKLESS_METAS + 1000;
      for (int i = 0; i < count; i++) {
        store.putMeta(meta("http://o/head/" + i, 10_000, "\"h\""));
      }
      assertEquals(ChunkStore.CHUNKLESS_METAS, store.metaCount());
      assertFalse(store.meta("http://o/head/0").isPresent(), "the oldest went first");
      assertTrue(store.meta("http://o/head/" + (count - 1)).isPresent());
    }
  }

  @Test
  void aMetaWithAFillInProgressStaysWhenItsOtherChunksAreEvicted() throws Exception {
    try (ChunkStore store = h.open(CHUNK, drive(dir.resolve("d"), 4L * CHUNK + StoreHarness.room(2)))) {
      ObjectMeta a = meta("http://o/a", 8L * CHUNK, "\"a\"");
      ObjectMeta b = meta("http://o/b", 8L * CHUNK, "\"b\"");
      store.putMeta(a);
      h.fill(store, chunk(a, 0), content(1, CHUNK));
      ChunkFill filling = store.beginFill(chunk(a, 1), CHUNK);
      store.putMeta(b);
      for (int i = 0; i < 4; i++) {
        h.fill(store, chunk(b, i), content(10 + i, CHUNK));
      }
      assertFalse(store.has(chunk(a, 0)), "evicted");
      assertTrue(store.meta(a.key()).isPresent(), "a chunk of it is being filled");
      filling.abort(new RuntimeException("gave up"));
    }
  }

  @Test
  void evictedChunksAreToldToTheListener() throws Exception {
    try (ChunkStore store = h.open(CHUNK, drive(dir.resolve("d"), 2L * CHUNK + StoreHarness.room(1)))) {
      ConcurrentLinkedQueue<ChunkId> told = new ConcurrentLinkedQueue<>();
      store.onEvicted(told::add);
      ObjectMeta m = meta("http://o/m", 5L * CHUNK, "\"m\"");
      fillAll(store, m);
      assertEquals(List.of(chunk(m, 0), chunk(m, 1), chunk(m, 2)), List.copyOf(told));
    }
  }

  @Test
  void aMetaRewrittenLargerIsCountedAndTheDriveShedsToStayWithinItsLimit() throws Exception {
    int chunk = 4096;
    Path root = dir.resolve("d");
    long limit = 4L * chunk + StoreHarness.room(1);
    try (ChunkStore store = h.open(chunk, drive(root, limit))) {
      ObjectMeta m = meta("http://o/m", 4L * chunk, "\"m\"");
      store.putMeta(m);
      for (int i = 0; i < 4; i++) {
        h.fill(store, chunk(m, i), content(i, chunk));
      }
      assertEquals(limit, store.stats().drives().get(0).usedBytes());
      List<java.util.Map.Entry<String, String>> block = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        block.add(java.util.Map.entry("X-Pad-" + i, "p".repeat(1200)));
      }
      ObjectMeta confirmed = new ObjectMeta(m.key(), m.length(), m.etag(), m.lastModified(), m.contentType(),
          m.storedAtEpochMillis(), m.version(), io.ispcache.freshness.ResponseHeaders.fromOrigin(block, m.validatedAtMillis() + 1),
          m.validatedAtMillis() + 1, 0);
      assertTrue(store.revalidated(confirmed));
      assertTrue(store.stats().drives().get(0).usedBytes() <= limit);
      assertTrue(allocated(root) <= limit, "the drive takes " + allocated(root) + " of " + limit);
      assertTrue(store.stats().drives().get(0).chunkCount() < 4, "chunks went to make room for the larger meta");
    }
  }

  @Test
  void theDirectoryOfAnObjectOfManyChunksIsCountedAsItGrows() throws Exception {
    int chunk = 4096;
    Path root = dir.resolve("d");
    long limit = 400L * chunk;
    try (ChunkStore store = h.open(chunk, drive(root, limit))) {
      ObjectMeta m = meta("http://o/many", 1000L * chunk, "\"many\"");
      store.putMeta(m);
      for (int i = 0; i < 1000; i++) {
        h.fill(store, chunk(m, i), content(i, chunk));
      }
      long onDisk = allocated(root);
      assertTrue(onDisk <= limit, "the drive takes " + onDisk + " of " + limit);
      assertTrue(onDisk <= store.stats().drives().get(0).usedBytes(), "counted at least what it takes");
    }
  }

  @Test
  void blocksRoundUpEveryFileAndDirectory() {
    DriveUsage usage = new DriveUsage(4096);
    assertEquals(4096, usage.chunk(1));
    assertEquals(4096, usage.chunk(4096));
    assertEquals(8192, usage.chunk(4097));
    assertEquals(2 * 4096, usage.object(300), "a directory and a meta file");
    assertEquals(3 * 4096, usage.object(4097));
    assertEquals(3 * 4096, usage.base());
    assertEquals(4096, usage.directory(100));
    assertEquals(4096 + 16 * 4096, usage.directory(1000), "an index block and half-full leaves of 64,000 bytes");
  }
}
