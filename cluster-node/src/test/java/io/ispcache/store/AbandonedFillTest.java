package io.ispcache.store;

import static io.ispcache.store.StoreHarness.WAIT;
import static io.ispcache.store.StoreHarness.chunk;
import static io.ispcache.store.StoreHarness.content;
import static io.ispcache.store.StoreHarness.drive;
import static io.ispcache.store.StoreHarness.failure;
import static io.ispcache.store.StoreHarness.meta;
import static io.ispcache.store.StoreHarness.chunkBytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.stream.testkit.TestSubscriber;
import akka.stream.testkit.javadsl.TestSink;
import akka.util.ByteString;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A fill read ahead for clients that all left is given up, unless someone reads it. */
class AbandonedFillTest extends StoreTestBase {
  private static final int CHUNK = 4096;
  private static final IllegalStateException LEFT = new IllegalStateException("its clients left");
  @TempDir Path dir;
  private ChunkStore store;
  private final ObjectMeta meta = meta("http://origin/ahead.bin", 10_000, "\"v1\"");
  private final ByteString bytes = content(3, CHUNK);

  @BeforeEach
  void open() throws IOException {
    store = h.open(CHUNK, drive(dir.resolve("d0"), 1 << 20));
    store.putMeta(meta);
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void aFillNobodyReadsIsGivenUpAndLeavesNothingBehind() throws Exception {
    ChunkFill fill = store.beginFill(chunk(meta, 0), CHUNK);
    fill.accept(bytes.slice(0, 1000));

    assertTrue(fill.abandon(LEFT));

    assertSame(LEFT, failure(fill.committed()));
    assertThrows(IllegalStateException.class, () -> fill.accept(bytes.slice(1000, 2000)), "the origin body breaks off at its next piece");
    assertFalse(store.has(chunk(meta, 0)));
    assertTrue(store.fillInProgress(chunk(meta, 0)).isEmpty());
    assertEquals(0, chunkBytes(store));
    assertEquals(0, tempFiles(), "its temp file deleted");
  }

  @Test
  void aFillAResponseReadsCarriesOnAndIsCommitted() throws Exception {
    ChunkFill fill = store.beginFill(chunk(meta, 0), CHUNK);
    fill.accept(bytes.slice(0, 1000));
    PieceReader reader = store.pieces(chunk(meta, 0), 0, CHUNK).toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);

    assertFalse(fill.abandon(LEFT));

    fill.accept(bytes.slice(1000, CHUNK));
    fill.finish();
    assertEquals(bytes, drain(reader));
    assertTrue(store.has(chunk(meta, 0)));
  }

  @Test
  void aFillAPeerTailsCarriesOnAndIsCommitted() throws Exception {
    ChunkFill fill = store.beginFill(chunk(meta, 0), CHUNK);
    fill.accept(bytes.slice(0, 1000));
    // The transfer port sends a peer the store's stream of the chunk.
    TestSubscriber.Probe<ByteString> peer = store.read(chunk(meta, 0), 0, CHUNK).runWith(TestSink.probe(h.classic), h.mat);
    ByteString got = peer.requestNext(scala.concurrent.duration.FiniteDuration.fromNanos(WAIT.toNanos()));

    assertFalse(fill.abandon(LEFT));

    fill.accept(bytes.slice(1000, CHUNK));
    fill.finish();
    while (got.size() < CHUNK) {
      got = got.concat(peer.requestNext(scala.concurrent.duration.FiniteDuration.fromNanos(WAIT.toNanos())));
    }
    assertEquals(bytes, got);
    assertTrue(store.has(chunk(meta, 0)));
  }

  @Test
  void aFillWhoseBytesAllArrivedIsFinishedRatherThanGivenUp() throws Exception {
    ChunkFill fill = store.beginFill(chunk(meta, 0), CHUNK);
    fill.accept(bytes);

    assertFalse(fill.abandon(LEFT));

    fill.finish();
    assertTrue(store.has(chunk(meta, 0)));
  }

  @Test
  void aReaderThatComesToAFillJustGivenUpFindsTheChunkMissing() throws Exception {
    ChunkFill fill = store.beginFill(chunk(meta, 0), CHUNK);
    fill.accept(bytes.slice(0, 1000));
    fill.abandon(LEFT);

    // A reader that found the fill listed a moment before: it fetches the chunk again, as after an eviction.
    assertInstanceOf(ChunkMissingException.class, failure(ChunkReader.open(fill, 0, CHUNK, CHUNK, Runnable::run)));
    assertInstanceOf(ChunkMissingException.class, failure(store.pieces(chunk(meta, 0), 0, CHUNK)));
  }

  private long tempFiles() throws IOException {
    try (Stream<Path> s = Files.walk(dir.resolve("d0"))) {
      return s.filter(p -> p.getFileName().toString().endsWith(".tmp")).count();
    }
  }

  private static ByteString drain(PieceReader reader) throws Exception {
    ByteString all = ByteString.emptyByteString();
    try {
      while (true) {
        Optional<java.nio.ByteBuffer> piece = reader.next().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        if (piece.isEmpty()) {
          return all;
        }
        all = all.concat(ByteString.fromByteBuffer(piece.get()));
      }
    } finally {
      reader.close();
    }
  }
}
