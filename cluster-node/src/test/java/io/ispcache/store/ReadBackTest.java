package io.ispcache.store;

import static io.ispcache.store.StoreHarness.chunk;
import static io.ispcache.store.StoreHarness.content;
import static io.ispcache.store.StoreHarness.drive;
import static io.ispcache.store.StoreHarness.meta;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A chunk written past the page cache is read back into it after its commit, so the first hit is
 * served from memory; with {@code read-back = off} it stays on the disk only. Residency is the
 * kernel's own answer (mincore, through {@link MappedByteBuffer#isLoaded()}). The drive lies in
 * the build directory, on a disk file system: a temporary directory may be tmpfs, which refuses
 * direct I/O.
 */
class ReadBackTest extends StoreTestBase {
  private static final int CHUNK = 1 << 20;
  private Path dir;

  @BeforeEach
  void createDrive() throws IOException {
    Files.createDirectories(Path.of("target"));
    dir = Files.createTempDirectory(Path.of("target"), "read-back");
  }

  @AfterEach
  void deleteDrive() throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  @Test
  void aChunkWrittenDirectIsInThePageCacheSoonAfterItsCommit() throws Exception {
    MappedByteBuffer file = fillOneChunk(true);
    await().atMost(StoreHarness.WAIT).until(file::isLoaded);
  }

  @Test
  void withReadBackOffAChunkWrittenDirectIsNotInThePageCache() throws Exception {
    MappedByteBuffer file = fillOneChunk(false);
    assertFalse(file.isLoaded(), "written with O_DIRECT and not read back: no page of it is cached");
  }

  /** Fills chunk 0 of an object on a direct-written drive and maps its committed file. */
  private MappedByteBuffer fillOneChunk(boolean readBack) throws Exception {
    Path root = dir.resolve("d");
    Files.createDirectories(root);
    assertTrue(new DirectWrites(true, false).directOn(root), "the build directory's file system takes O_DIRECT");
    StoreSettings settings =
        new StoreSettings(List.of(drive(root, 16L * CHUNK)), CHUNK, 1024, 0, true, StoreSettings.OPEN_FILES, 0, readBack);
    try (ChunkStore store = ChunkStore.open(settings, h.io)) {
      ObjectMeta m = meta("http://origin/update.cab", CHUNK, "\"r1\"");
      store.putMeta(m);
      h.fill(store, chunk(m, 0), content(7, CHUNK));
      assertTrue(store.has(chunk(m, 0)));
      Path file;
      try (Stream<Path> files = Files.walk(root)) {
        file = files.filter(p -> Files.isRegularFile(p) && sizeOf(p) == CHUNK).findFirst().orElseThrow();
      }
      try (FileChannel c = FileChannel.open(file)) {
        MappedByteBuffer mapped = c.map(FileChannel.MapMode.READ_ONLY, 0, CHUNK);
        assertEquals(CHUNK, mapped.capacity());
        return mapped;
      }
    }
  }

  private static long sizeOf(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      return -1;
    }
  }
}
