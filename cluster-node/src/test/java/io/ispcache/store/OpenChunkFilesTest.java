package io.ispcache.store;

import static io.ispcache.store.StoreHarness.chunk;
import static io.ispcache.store.StoreHarness.content;
import static io.ispcache.store.StoreHarness.drive;
import static io.ispcache.store.StoreHarness.meta;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.util.ByteString;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hits share one open descriptor per chunk file; evicted chunks' files close; the count is bounded. */
class OpenChunkFilesTest extends StoreTestBase {
  private static final int CHUNK = 4096;
  @TempDir Path dir;

  private ChunkStore open(int openFiles, long driveBytes) throws IOException {
    return ChunkStore.open(
        new StoreSettings(List.of(drive(dir.resolve("d"), driveBytes)), CHUNK, 1024, 0, true, openFiles, StoreSettings.MIN_FREE_SPACE), h.io);
  }

  /** Descriptors of this JVM open on files under the test's drive (deleted ones included). */
  private long descriptorsIntoDrive() throws IOException {
    String drive = dir.resolve("d").toRealPath().toString();
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.filter(
              fd -> {
                try {
                  return Files.readSymbolicLink(fd).toString().startsWith(drive);
                } catch (IOException e) {
                  return false; // closed meanwhile
                }
              })
          .count();
    }
  }

  private static ByteString readAll(FileChannel file, int chunkBytes, int step) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(chunkBytes);
    while (b.hasRemaining()) {
      ByteBuffer part = b.slice(b.position(), Math.min(step, b.remaining()));
      int n = file.read(part);
      if (n < 0) {
        break;
      }
      b.position(b.position() + n);
    }
    return ByteString.fromArray(b.array(), 0, b.position());
  }

  @Test
  void twoHitsOnOneChunkShareOneDescriptorAndEachReadsFromItsOwnPosition() throws Exception {
    try (ChunkStore store = open(16, 64L * CHUNK)) {
      ObjectMeta m = meta("http://o/shared", 4L * CHUNK, "\"e\"");
      store.putMeta(m);
      h.fill(store, chunk(m, 1), content(1, CHUNK));
      try (FileChannel a = store.openCommitted(chunk(m, 1)); FileChannel b = store.openCommitted(chunk(m, 1))) {
        ByteBuffer first = ByteBuffer.allocate(100);
        a.read(first);
        assertEquals(content(1, CHUNK), readAll(b, CHUNK, 1000), "the second reader starts at 0, whatever the first did");
        assertEquals(content(1, CHUNK).slice(100, CHUNK), readAll(a, CHUNK - 100, 777));
        assertEquals(1, descriptorsIntoDrive());
      }
      // Kept open for the next hit, and reused by it.
      assertEquals(1, descriptorsIntoDrive());
      try (FileChannel again = store.openCommitted(chunk(m, 1))) {
        assertEquals(content(1, CHUNK), readAll(again, CHUNK, CHUNK));
        assertEquals(1, descriptorsIntoDrive());
      }
    }
    assertEquals(0, descriptorsIntoDrive(), "closing the store closes every kept file");
  }

  @Test
  void aDroppedChunkIsStillReadRightByItsReaderAndItsFileClosesWhenThatReaderIsDone() throws Exception {
    try (ChunkStore store = open(16, 64L * CHUNK)) {
      ObjectMeta m = meta("http://o/dropped", 8L * CHUNK, "\"e\"");
      store.putMeta(m);
      h.fill(store, chunk(m, 0), content(10, CHUNK));
      h.fill(store, chunk(m, 1), content(11, CHUNK));
      FileChannel reader = store.openCommitted(chunk(m, 0));
      try (FileChannel other = store.openCommitted(chunk(m, 1))) {
        assertEquals(2, descriptorsIntoDrive());
      }
      store.forget(m.key()); // as when the origin's validators change: every chunk file is deleted
      assertNull(store.openCommitted(chunk(m, 0)), "a dropped chunk is not served from a kept file");
      assertEquals(1, descriptorsIntoDrive(), "only the file a reader still holds stays open");
      assertEquals(content(10, CHUNK), readAll(reader, CHUNK, 512));
      reader.close();
      assertEquals(0, descriptorsIntoDrive(), "the deleted file closed with its last reader");
    }
  }

  @Test
  void anEvictedChunksFileIsClosed() throws Exception {
    try (ChunkStore store = open(16, 2L * CHUNK + StoreHarness.room(1))) {
      ObjectMeta m = meta("http://o/evicted", 8L * CHUNK, "\"e\"");
      store.putMeta(m);
      for (int i = 0; i < 6; i++) {
        h.fill(store, chunk(m, i), content(20 + i, CHUNK));
        try (FileChannel f = store.openCommitted(chunk(m, i))) {
          assertEquals(content(20 + i, CHUNK), readAll(f, CHUNK, CHUNK));
        }
        // The drive holds two chunks: every file of an evicted one is closed, so at most two are open.
        assertTrue(descriptorsIntoDrive() <= 2, descriptorsIntoDrive() + " files open");
      }
    }
  }

  @Test
  void atMostTheConfiguredNumberOfFilesStayOpenBetweenHits() throws Exception {
    for (int limit : new int[] {0, 3}) {
      try (ChunkStore store = open(limit, 64L * CHUNK)) {
        ObjectMeta m = meta("http://o/many-" + limit, 10L * CHUNK, "\"e\"");
        store.putMeta(m);
        for (int i = 0; i < 10; i++) {
          h.fill(store, chunk(m, i), content(100 + i, CHUNK));
          try (FileChannel f = store.openCommitted(chunk(m, i))) {
            assertEquals(content(100 + i, CHUNK), readAll(f, CHUNK, CHUNK));
          }
          assertTrue(descriptorsIntoDrive() <= limit, descriptorsIntoDrive() + " files open, limit " + limit);
        }
        assertEquals(limit, descriptorsIntoDrive());
      }
    }
  }
}
