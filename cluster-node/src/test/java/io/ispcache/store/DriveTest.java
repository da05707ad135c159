package io.ispcache.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A drive's bookkeeping: what it counts for chunks and for the files around them, and what goes when. */
class DriveTest {
  private static final int B = DriveUsage.BLOCK;
  private final Map<ChunkId, Long> sizes = new HashMap<>();

  private static ChunkId id(String key, long index) {
    return new ChunkId(key, "0123456789abcdef", index);
  }

  private List<ChunkId> fill(Drive d, ChunkId id, long bytes) throws StoreFullException {
    List<ChunkId> victims = d.reserve(id.key(), 1, bytes, () -> 300, sizes::get);
    d.committed(id, bytes);
    sizes.put(id, bytes);
    return victims;
  }

  @Test
  void aChunkCountsWholeBlocksAndItsObjectItsDirectoryAndMetaFile() throws Exception {
    Drive d = new Drive(0, Path.of("/nowhere"), 1 << 20);
    assertEquals(3L * B, d.used(), "the drive's directory, marker and objects/");
    fill(d, id("a", 0), 10);
    assertEquals(3L * B + B + 2L * B + B, d.used(), "a shard directory, the object's directory and meta, the chunk");
    assertEquals(B, d.chunkBytes());
    fill(d, id("a", 1), B + 1);
    assertEquals(3L * B, d.chunkBytes());
  }

  @Test
  void anObjectsDirectoryAndMetaGoWithItsLastChunk() throws Exception {
    long limit = 3L * B + B + 2L * B + 2L * B; // room for two chunks of one object
    Drive d = new Drive(0, Path.of("/nowhere"), limit);
    fill(d, id("a", 0), B);
    fill(d, id("a", 1), B);
    assertEquals(limit, d.used());
    List<ChunkId> victims = fill(d, id("b", 0), B);
    assertEquals(List.of(id("a", 0), id("a", 1)), victims, "b's directory and meta need the room of a chunk too");
    assertFalse(d.holds("a"));
    assertTrue(d.holds("b"));
    assertTrue(d.used() <= limit);
  }

  @Test
  void aFillPinsItsObjectsFilesAndTheDriveSaysWhenNothingMoreFits() throws Exception {
    long limit = 3L * B + B + 2L * B + B;
    Drive d = new Drive(0, Path.of("/nowhere"), limit);
    d.reserve("a", 1, B, () -> 300, sizes::get);
    assertTrue(d.holds("a"));
    assertThrows(StoreFullException.class, () -> d.reserve("b", 1, B, () -> 300, sizes::get));
    d.release("a", B);
    assertFalse(d.holds("a"));
    assertEquals(4L * B, d.used(), "the shard directory stays, as it does on disk");
  }

  @Test
  void aLargerMetaIsCountedAndSaysWhenTheDriveMustShed() throws Exception {
    long limit = 3L * B + B + 2L * B + 2L * B;
    Drive d = new Drive(0, Path.of("/nowhere"), limit);
    fill(d, id("a", 0), B);
    assertFalse(d.metaWritten("a", 300));
    assertFalse(d.metaWritten("a", B + 1), "one block more still fits");
    assertTrue(d.metaWritten("a", 2L * B + 1));
    assertEquals(List.of(id("a", 0)), d.shed(sizes::get));
    assertFalse(d.holds("a"));
  }
}
