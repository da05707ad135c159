package io.ispcache.store;

import static io.ispcache.store.StoreHarness.chunk;
import static io.ispcache.store.StoreHarness.content;
import static io.ispcache.store.StoreHarness.drive;
import static io.ispcache.store.StoreHarness.meta;
import static io.ispcache.store.StoreHarness.chunkBytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreRestartTest extends StoreTestBase {
  private static final int CHUNK = 4096;
  @TempDir Path dir;

  private DriveSettings[] drives() {
    return new DriveSettings[] {drive(dir.resolve("d0"), 1 << 20), drive(dir.resolve("d1"), 1 << 20)};
  }

  /** Fills every chunk of the object and returns its content. */
  private ByteStringParts fillAll(ChunkStore store, ObjectMeta m, long seed) throws Exception {
    store.putMeta(m);
    ByteStringParts parts = new ByteStringParts();
    for (int i = 0; i < m.chunkCount(CHUNK); i++) {
      akka.util.ByteString b = content(seed + i, (int) Math.min(CHUNK, m.length() - (long) i * CHUNK));
      h.fill(store, chunk(m, i), b);
      parts.add(b);
    }
    return parts;
  }

  private static final class ByteStringParts extends java.util.ArrayList<akka.util.ByteString> {}

  private List<Path> files(String suffix) throws Exception {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(suffix)).toList();
    }
  }

  private Path chunkFile(ObjectMeta m, long index) throws Exception {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> p.getFileName().toString().equals(m.version() + "." + index)).findFirst().orElseThrow();
    }
  }

  @Test
  void anObjectStatingMoreThanTheLargestMaxObjectSizeIsDroppedWithItsChunksAtStart() throws Exception {
    // What a node without the size check stored: an origin stated 1 PiB and chunk 0 committed.
    ObjectMeta absurd = meta("http://o/absurd", 1L << 50, "\"p\"");
    ObjectMeta fine = meta("http://o/fine", 2 * CHUNK, "\"f\"");
    long fineBytes;
    try (ChunkStore store = h.open(CHUNK, drives())) {
      store.putMeta(absurd);
      h.fill(store, chunk(absurd, 0), content(1, CHUNK));
      fillAll(store, fine, 2);
      fineBytes = 2 * CHUNK;
    }
    assertTrue(files(absurd.version() + ".meta").size() == 1 && files(absurd.version() + ".0").size() == 1);

    try (ChunkStore store = ChunkStore.open(new StoreSettings(List.of(drives()), CHUNK, 1024), 1L << 40, h.io)) {
      assertTrue(store.meta(absurd.key()).isEmpty(), "the object is unknown: the next request fetches it afresh");
      assertFalse(store.has(chunk(absurd, 0)));
      assertEquals(fine, store.meta(fine.key()).orElseThrow());
      assertTrue(store.has(chunk(fine, 1)));
      assertEquals(fineBytes, chunkBytes(store), "only the kept object's chunks count against the drives");
    }
    assertEquals(List.of(), files(absurd.version() + ".meta"));
    assertEquals(List.of(), files(absurd.version() + ".0"));
  }

  @Test
  void aMetaFileWithANegativeOrMalformedLengthIsDroppedWithItsChunksAtStart() throws Exception {
    ObjectMeta fine = meta("http://o/kept", CHUNK, "\"k\"");
    try (ChunkStore store = h.open(CHUNK, drives())) {
      fillAll(store, fine, 3);
    }
    Path objectDir = files(fine.version() + ".meta").get(0).getParent();
    // Named as the store names them, so only their content is wrong.
    String negative = ObjectMeta.hex("\"n\"\n\n-5").substring(0, 16);
    String malformed = ObjectMeta.hex("\"m\"\n\nlots").substring(0, 16);
    Files.writeString(objectDir.resolve(negative + ".meta"), "key=http\\://o/kept\nlength=-5\netag=\"n\"\n");
    Files.writeString(objectDir.resolve(malformed + ".meta"), "key=http\\://o/kept\nlength=lots\netag=\"m\"\n");
    Files.write(objectDir.resolve(negative + ".0"), new byte[CHUNK]);
    Files.write(objectDir.resolve(malformed + ".0"), new byte[CHUNK]);

    try (ChunkStore store = h.open(CHUNK, drives())) {
      assertEquals(fine, store.meta(fine.key()).orElseThrow());
      assertEquals(CHUNK, chunkBytes(store));
    }
    assertEquals(List.of(), files(negative + ".meta"));
    assertEquals(List.of(), files(negative + ".0"));
    assertEquals(List.of(), files(malformed + ".meta"));
    assertEquals(List.of(), files(malformed + ".0"));
  }

  @Test
  void cleanRestartIsWarm() throws Exception {
    ObjectMeta a = meta("http://o/a", 3 * CHUNK + 100, "\"a\"");
    ObjectMeta b = meta("http://o/b", 500, null);
    ByteStringParts aBytes;
    ByteStringParts bBytes;
    long used;
    try (ChunkStore store = h.open(CHUNK, drives())) {
      aBytes = fillAll(store, a, 100);
      bBytes = fillAll(store, b, 200);
      used = chunkBytes(store);
    }
    try (ChunkStore store = h.open(CHUNK, drives())) {
      assertEquals(a, store.meta(a.key()).orElseThrow());
      assertEquals(b, store.meta(b.key()).orElseThrow());
      for (int i = 0; i < aBytes.size(); i++) {
        assertTrue(store.has(chunk(a, i)));
        assertEquals(aBytes.get(i), h.read(store, chunk(a, i), 0, aBytes.get(i).size()));
      }
      assertEquals(bBytes.get(0), h.read(store, chunk(b, 0), 0, 500));
      assertEquals(used, chunkBytes(store));
      assertEquals(5, store.stats().drives().stream().mapToLong(StoreStats.DriveStats::chunkCount).sum());
    }
  }

  @Test
  void tempFilesOfInterruptedFillsAreRemovedAtStart() throws Exception {
    ObjectMeta a = meta("http://o/a", 2 * CHUNK, "\"a\"");
    try (ChunkStore store = h.open(CHUNK, drives())) {
      fillAll(store, a, 1);
    }
    // What kill -9 leaves behind: fills' temp files, half written and never renamed, and a meta
    // file that was being replaced.
    Path objectDir = chunkFile(a, 0).getParent();
    Files.write(objectDir.resolve(a.version() + ".1.17.tmp"), new byte[100]);
    Files.write(objectDir.resolve(a.version() + ".meta.tmp"), new byte[3]);
    Path other = Files.createDirectories(dir.resolve("d1/objects/ff/ff00"));
    Files.write(other.resolve("0011223344556677.0.1.tmp"), new byte[CHUNK]);
    assertEquals(3, files(".tmp").size());

    try (ChunkStore reopened = h.open(CHUNK, drives())) {
      assertEquals(List.of(), files(".tmp"));
      assertTrue(reopened.has(chunk(a, 0)));
      assertTrue(reopened.has(chunk(a, 1)));
      assertEquals(2 * CHUNK, chunkBytes(reopened));
    }
  }

  @Test
  void tornChunkIsDroppedAtStartAndTheRestKept() throws Exception {
    ObjectMeta a = meta("http://o/a", 3 * CHUNK, "\"a\"");
    ByteStringParts bytes;
    try (ChunkStore store = h.open(CHUNK, drives())) {
      bytes = fillAll(store, a, 1);
    }
    try (FileChannel c = FileChannel.open(chunkFile(a, 1), StandardOpenOption.WRITE)) {
      c.truncate(CHUNK - 1);
    }
    Files.write(chunkFile(a, 2), new byte[CHUNK + 1]);
    try (ChunkStore store = h.open(CHUNK, drives())) {
      assertTrue(store.has(chunk(a, 0)));
      assertFalse(store.has(chunk(a, 1)));
      assertFalse(store.has(chunk(a, 2)));
      assertEquals(bytes.get(0), h.read(store, chunk(a, 0), 0, CHUNK));
      assertEquals(CHUNK, chunkBytes(store));
    }
    assertEquals(List.of(), files(a.version() + ".1"));
    assertEquals(List.of(), files(a.version() + ".2"));
  }

  @Test
  void chunksWithoutMetaOrBeyondTheObjectAreDroppedAtStart() throws Exception {
    ObjectMeta a = meta("http://o/a", CHUNK, "\"a\"");
    try (ChunkStore store = h.open(CHUNK, drives())) {
      fillAll(store, a, 1);
    }
    Path kept = chunkFile(a, 0);
    Files.write(kept.resolveSibling(a.version() + ".7"), new byte[CHUNK]);
    Files.write(kept.resolveSibling("0123456789abcdef.0"), new byte[CHUNK]);
    try (ChunkStore store = h.open(CHUNK, drives())) {
      assertTrue(store.has(chunk(a, 0)));
      assertEquals(CHUNK, chunkBytes(store));
    }
    try (Stream<Path> s = Files.list(kept.getParent())) {
      assertEquals(List.of(a.version() + ".0", a.version() + ".meta"), s.map(p -> p.getFileName().toString()).sorted().toList());
    }
  }

  @Test
  void onlyTheNewestVersionSurvivesARestart() throws Exception {
    ObjectMeta v1 = new ObjectMeta("http://o/a", CHUNK, "\"1\"", null, null, 1000);
    ObjectMeta v2 = new ObjectMeta("http://o/a", CHUNK, "\"2\"", null, null, 2000);
    try (ChunkStore store = h.open(CHUNK, drives())) {
      fillAll(store, v2, 2);
    }
    // As if a crash hit between writing v1's files and deleting them on the change.
    Path v2File = chunkFile(v2, 0);
    Files.write(v2File.resolveSibling(v1.version() + ".0"), new byte[CHUNK]);
    MetaFile.write(v2File.resolveSibling(v1.version() + ".meta"), v1);
    try (ChunkStore store = h.open(CHUNK, drives())) {
      assertEquals(v2, store.meta("http://o/a").orElseThrow());
      assertTrue(store.has(chunk(v2, 0)));
      assertFalse(store.has(chunk(v1, 0)));
      assertEquals(CHUNK, chunkBytes(store));
    }
    assertTrue(Files.notExists(v2File.resolveSibling(v1.version() + ".0")));
    assertTrue(Files.notExists(v2File.resolveSibling(v1.version() + ".meta")));
  }

  @Test
  void loweredDriveLimitShedsLeastValuableChunksAtStart() throws Exception {
    ObjectMeta a = meta("http://o/a", 10 * CHUNK, "\"a\"");
    Path d = dir.resolve("only");
    try (ChunkStore store = h.open(CHUNK, drive(d, 1 << 20))) {
      fillAll(store, a, 1);
    }
    try (ChunkStore store = h.open(CHUNK, drive(d, 4 * CHUNK + StoreHarness.room(1)))) {
      assertEquals(4 * CHUNK, chunkBytes(store));
      assertEquals(4, store.stats().drives().get(0).chunkCount());
    }
    try (ChunkStore store = h.open(CHUNK, drive(d, 1 << 20))) {
      assertEquals(4 * CHUNK, chunkBytes(store));
    }
  }

  @Test
  void afterARestartTheLeastRecentlyWrittenChunksGoFirst() throws Exception {
    ObjectMeta a = meta("http://o/a", 4L * CHUNK, "\"a\"");
    Path d = dir.resolve("only");
    try (ChunkStore store = h.open(CHUNK, drive(d, 1 << 20))) {
      fillAll(store, a, 1);
    }
    // Chunk 3 is the oldest, chunk 0 the newest.
    for (int i = 0; i < 4; i++) {
      Files.setLastModifiedTime(chunkFile(a, i), java.nio.file.attribute.FileTime.fromMillis(1_000_000_000_000L - i * 60_000L));
    }
    try (ChunkStore store = h.open(CHUNK, drive(d, 2L * CHUNK + StoreHarness.room(1)))) {
      assertTrue(store.has(chunk(a, 0)));
      assertTrue(store.has(chunk(a, 1)));
      assertFalse(store.has(chunk(a, 2)));
      assertFalse(store.has(chunk(a, 3)));
    }
  }

  @Test
  void filesWithNamesTheStoreNeverWritesSurviveTheScan() throws Exception {
    ObjectMeta a = meta("http://o/a", CHUNK, "\"a\"");
    try (ChunkStore store = h.open(CHUNK, drives())) {
      fillAll(store, a, 1);
    }
    Path objectDir = chunkFile(a, 0).getParent();
    List<String> foreign = List.of("notes.7", "backup.tmp", "x.meta", "ABCDEF0123456789.0");
    for (String name : foreign) {
      Files.writeString(objectDir.resolve(name), "not the cache's");
    }
    try (ChunkStore store = h.open(CHUNK, drives())) {
      assertTrue(store.has(chunk(a, 0)));
    }
    for (String name : foreign) {
      assertEquals("not the cache's", Files.readString(objectDir.resolve(name)));
    }
  }
}
