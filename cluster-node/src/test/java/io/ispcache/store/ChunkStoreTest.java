package io.ispcache.store;

import static io.ispcache.store.StoreHarness.WAIT;
import static io.ispcache.store.StoreHarness.chunk;
import static io.ispcache.store.StoreHarness.content;
import static io.ispcache.store.StoreHarness.drive;
import static io.ispcache.store.StoreHarness.failure;
import static io.ispcache.store.StoreHarness.meta;
import static io.ispcache.store.StoreHarness.pieces;
import static io.ispcache.store.StoreHarness.chunkBytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.Done;
import akka.stream.javadsl.Keep;
import akka.stream.javadsl.Source;
import akka.stream.testkit.TestPublisher;
import akka.stream.testkit.TestSubscriber;
import akka.stream.testkit.javadsl.TestSink;
import akka.stream.testkit.javadsl.TestSource;
import akka.util.ByteString;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChunkStoreTest extends StoreTestBase {
  private static final int CHUNK = 4096;
  @TempDir Path dir;
  private ChunkStore store;
  private final ObjectMeta meta = meta("http://origin/video.mp4", 10_000, "\"v1\"");

  @BeforeEach
  void open() throws IOException {
    store = h.open(CHUNK, drive(dir.resolve("d0"), 1 << 20));
    store.putMeta(meta);
  }

  @AfterEach
  void close() {
    store.close();
  }

  private static ByteString receive(TestSubscriber.Probe<ByteString> reader, int bytes) {
    ByteString got = ByteString.emptyByteString();
    while (got.size() < bytes) {
      got = got.concat(reader.requestNext(scala.concurrent.duration.FiniteDuration.fromNanos(WAIT.toNanos())));
    }
    return got;
  }

  private static void awaitWritten(ChunkFill fill, long bytes) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (fill.written() < bytes) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("only " + fill.written() + " of " + bytes + " bytes written");
      }
      Thread.onSpinWait();
    }
  }

  /** An origin the test feeds by hand, streaming into {@code fill}. */
  private static TestPublisher.Probe<ByteString> origin(ChunkFill fill) {
    return TestSource.<ByteString>probe(h.classic).toMat(fill.sink(), Keep.left()).run(h.mat);
  }

  private List<Path> filesOf(ObjectMeta m) throws IOException {
    Path objectDir = ChunkStore.objectDir(new Drive(0, dir.resolve("d0").toRealPath(), 1), m.key());
    if (!Files.isDirectory(objectDir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(objectDir)) {
      return s.sorted().toList();
    }
  }

  /** An aborted fill of chunk 0 left no trace: not stored, nothing reserved, no file. */
  private void assertNothingLeftOfChunkZero() throws IOException {
    assertFalse(store.has(chunk(meta, 0)));
    assertEquals(0, chunkBytes(store));
    assertEquals(List.of(), filesOf(meta));
  }

  @Test
  void aFilledChunkIsClaimedByItsFirstReaderOnlyAndAnAbortedOrDroppedOneByNone() throws Exception {
    assertFalse(store.claim(chunk(meta, 0)), "nothing filled yet");
    ChunkFill fill = store.beginFill(chunk(meta, 0), CHUNK);
    assertTrue(store.unread(chunk(meta, 0)), "a chunk on its way is unread");
    pieces(content(1, CHUNK), 300).runWith(fill.sink(), h.mat).toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertTrue(store.claim(chunk(meta, 0)), "the first reader has the miss");
    assertFalse(store.claim(chunk(meta, 0)), "the next ones the hit");
    assertFalse(store.unread(chunk(meta, 0)));

    ChunkFill aborted = store.beginFill(chunk(meta, 1), CHUNK);
    aborted.abort(new IOException("origin gone"));
    assertFalse(store.claim(chunk(meta, 1)), "an aborted fill leaves nothing to claim");

    h.fill(store, chunk(meta, 2), content(3, CHUNK));
    store.forget(meta.key());
    assertFalse(store.claim(chunk(meta, 2)), "a dropped object's chunks leave with it");
  }

  @Test
  void committedChunkIsReadBackByteForByte() throws Exception {
    ByteString bytes = content(1, CHUNK);
    h.fill(store, chunk(meta, 0), bytes);
    assertTrue(store.has(chunk(meta, 0)));
    assertEquals(bytes, h.read(store, chunk(meta, 0), 0, CHUNK));
  }

  @Test
  void partialRangeOfAChunkIsExactlyThoseBytes() throws Exception {
    ByteString bytes = content(2, CHUNK);
    h.fill(store, chunk(meta, 0), bytes);
    assertEquals(bytes.slice(1000, 3001), h.read(store, chunk(meta, 0), 1000, 3001));
    assertEquals(ByteString.emptyByteString(), h.read(store, chunk(meta, 0), 5, 5));
  }

  @Test
  void lastShortChunkHasItsOwnLength() throws Exception {
    ByteString last = content(3, 10_000 - 2 * CHUNK);
    h.fill(store, chunk(meta, 2), last);
    assertEquals(last, h.read(store, chunk(meta, 2), 0, last.size()));
  }

  @Test
  void readsComeInBuffersNoLargerThanTheReadBufferSize() throws Exception {
    h.fill(store, chunk(meta, 0), content(4, CHUNK));
    List<ByteString> buffers =
        store.read(chunk(meta, 0), 0, CHUNK).runWith(akka.stream.javadsl.Sink.seq(), h.mat).toCompletableFuture().get();
    assertEquals(4, buffers.size());
    assertTrue(buffers.stream().allMatch(b -> b.size() == 1024));
  }

  @Test
  void readOfAChunkNeitherStoredNorFillingFailsWithChunkMissing() {
    assertInstanceOf(ChunkMissingException.class, failure(h.readStage(store, chunk(meta, 1), 0, 10)));
    assertFalse(store.has(chunk(meta, 1)));
  }

  @Test
  void rangeBeyondTheChunkIsRefused() throws Exception {
    h.fill(store, chunk(meta, 0), content(5, CHUNK));
    assertInstanceOf(IllegalArgumentException.class, failure(h.readStage(store, chunk(meta, 0), 0, CHUNK + 1)));
    assertInstanceOf(IllegalArgumentException.class, failure(h.readStage(store, chunk(meta, 0), -1, 10)));
    assertInstanceOf(IllegalArgumentException.class, failure(h.readStage(store, chunk(meta, 0), 20, 10)));
  }

  @Test
  void fillOfImpossibleLengthIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> store.beginFill(chunk(meta, 0), 0));
    assertThrows(IllegalArgumentException.class, () -> store.beginFill(chunk(meta, 0), CHUNK + 1));
    assertEquals(0, chunkBytes(store));
  }

  @Test
  void tooFewBytesAbortTheFillAndLeaveNothingBehind() throws Exception {
    ChunkFill fill = store.beginFill(chunk(meta, 0), CHUNK);
    assertEquals(CHUNK, chunkBytes(store));
    Throwable e = failure(Source.single(content(6, CHUNK - 1)).runWith(fill.sink(), h.mat));
    assertTrue(e.getMessage().contains("4095 of 4096 bytes"), e.getMessage());
    assertFalse(store.has(chunk(meta, 0)));
    assertTrue(store.fillInProgress(chunk(meta, 0)).isEmpty());
    assertEquals(0, chunkBytes(store));
    assertEquals(List.of(), filesOf(meta));
    assertInstanceOf(ChunkMissingException.class, failure(h.readStage(store, chunk(meta, 0), 0, 1)));
  }

  @Test
  void tooManyBytesAbortTheFillAndLeaveNothingBehind() throws Exception {
    ChunkFill fill = store.beginFill(chunk(meta, 0), CHUNK);
    Throwable e = failure(pieces(content(7, CHUNK + 1), 500).runWith(fill.sink(), h.mat));
    assertTrue(e.getMessage().contains("more than 4096 bytes"), e.getMessage());
    assertNothingLeftOfChunkZero();
  }

  @Test
  void piecesGivenByHandAreWrittenAndMadeVisibleByFinish() throws Exception {
    ChunkFill fill = store.beginFill(chunk(meta, 0), CHUNK);
    ByteString bytes = content(40, CHUNK);
    for (int at = 0; at < CHUNK; at += 1000) {
      fill.accept(bytes.slice(at, Math.min(CHUNK, at + 1000)));
    }
    assertEquals(CHUNK, fill.written());
    fill.finish();
    // finish commits on this thread: the chunk is visible when it returns
    assertTrue(fill.committed().toCompletableFuture().isDone());
    assertTrue(store.has(chunk(meta, 0)));
    assertEquals(bytes, h.read(store, chunk(meta, 0), 0, CHUNK));
  }

  /** Reads {@code bytes} into the fill's rooms, at most {@code step} per read, as an origin's socket would. */
  private static void readIntoRooms(ChunkFill fill, ByteString bytes, int step) {
    int at = 0;
    while (at < bytes.size()) {
      java.nio.ByteBuffer room = fill.room();
      assertTrue(room != null, "no room for byte " + at + " of a fill written direct");
      int n = Math.min(Math.min(room.remaining(), step), bytes.size() - at);
      room.put(bytes.slice(at, at + n).toArray(), 0, n);
      fill.filled(room, n);
      at += n;
    }
  }

  @Test
  void bytesReadStraightIntoTheStagingBufferReachTheReadersAndTheCommittedChunk() throws Exception {
    ByteString bytes = content(45, CHUNK);
    ChunkFill fill = store.beginFill(chunk(meta, 0), CHUNK);
    readIntoRooms(fill, bytes.slice(0, 1700), 600);
    TestSubscriber.Probe<ByteString> reader = store.read(chunk(meta, 0), 100, CHUNK).runWith(TestSink.probe(h.classic), h.mat);
    assertEquals(bytes.slice(100, 1700), receive(reader, 1600));
    readIntoRooms(fill, bytes.slice(1700, CHUNK), 600);
    assertEquals(null, fill.room(), "every byte arrived: no more room");
    assertEquals(bytes.slice(1700, CHUNK), receive(reader, CHUNK - 1700));
    fill.finish();
    assertTrue(store.has(chunk(meta, 0)));
    assertEquals(bytes, h.read(store, chunk(meta, 0), 0, CHUNK));
  }

  @Test
  void aChunkLargerThanTheStagingBufferIsReadIntoItsRoomsWholeAndInOrder(@TempDir Path other) throws Exception {
    int size = 2 * DirectWrites.STAGE_BYTES + 12345;
    ChunkStore big = h.open(size, drive(other.resolve("d0"), 4L * size));
    try {
      ObjectMeta m = meta("http://origin/big.iso", size, "\"b1\"");
      big.putMeta(m);
      ByteString bytes = content(46, size);
      ChunkFill fill = big.beginFill(chunk(m, 0), size);
      readIntoRooms(fill, bytes, 300_000);
      fill.finish();
      assertTrue(big.has(chunk(m, 0)));
      assertEquals(bytes, h.read(big, chunk(m, 0), 0, size));
    } finally {
      big.close();
    }
  }

  @Test
  void aFillAbortedWhileBytesAreReadIntoItsRoomRefusesThemAndGivesItsStagingBufferBack() throws Exception {
    ChunkFill fill = store.beginFill(chunk(meta, 0), CHUNK);
    java.nio.ByteBuffer room = fill.room();
    fill.abort(new IOException("client gone"));
    room.put(new byte[10]);
    assertThrows(IllegalStateException.class, () -> fill.filled(room, 10));
    assertNothingLeftOfChunkZero();
    // Every staging buffer of the pool is free again: as many fills at once each get a room.
    ObjectMeta many = meta("http://origin/many.bin", (long) DirectWrites.MAX_BUFFERS * CHUNK, "\"m1\"");
    store.putMeta(many);
    List<ChunkFill> fills = new java.util.ArrayList<>();
    for (int i = 0; i < DirectWrites.MAX_BUFFERS; i++) {
      fills.add(store.beginFill(chunk(many, i), CHUNK));
    }
    for (ChunkFill f : fills) {
      assertTrue(f.room() != null, "a fill got no staging buffer");
      f.abort(new IOException("test over"));
    }
  }

  @Test
  void aFillAbortedWhileTheOriginReadsIntoItsMemoryKeepsThatMemoryFromOtherFillsUntilTheReadEnds() throws Exception {
    ChunkFill aborted = store.beginFill(chunk(meta, 0), CHUNK);
    java.nio.ByteBuffer room = aborted.room();
    aborted.abort(new IOException("client gone"));
    ByteString bytes = content(47, CHUNK);
    ChunkFill next = store.beginFill(chunk(meta, 1), CHUNK);
    readIntoRooms(next, bytes.slice(0, 2000), 700);
    // The read into the aborted fill's room goes on meanwhile, as a socket read would.
    byte[] garbage = new byte[room.remaining()];
    java.util.Arrays.fill(garbage, (byte) 0x5a);
    room.put(garbage);
    assertThrows(IllegalStateException.class, () -> aborted.filled(room, garbage.length));
    readIntoRooms(next, bytes.slice(2000, CHUNK), 700);
    next.finish();
    assertEquals(bytes, h.read(store, chunk(meta, 1), 0, CHUNK), "no byte of the late read in another fill");
    assertFalse(store.has(chunk(meta, 0)));
  }

  @Test
  void aReaderKeepsTheBytesItIsSendingWhenTheStoreLetsThemGoAndNewFillsTakeMemory(@TempDir Path other) throws Exception {
    ChunkStore one = h.open(CHUNK, CHUNK, drive(other.resolve("d0"), 1 << 20));
    try {
      ObjectMeta m = meta("http://origin/reused.bin", 3 * CHUNK, "\"r\"");
      one.putMeta(m);
      ByteString first = content(48, CHUNK);
      ChunkFill fill = one.beginFill(chunk(m, 0), CHUNK);
      readIntoRooms(fill, first, 900);
      fill.finish();
      PieceReader reader = one.memoryPieces(chunk(m, 0), 0, CHUNK);
      assertTrue(reader != null, "a chunk just filled is in memory");
      // The memory holds one chunk: each new fill pushes the one before out of it.
      for (int i = 1; i < 3; i++) {
        ChunkFill later = one.beginFill(chunk(m, i), CHUNK);
        readIntoRooms(later, content(48 + i, CHUNK), 900);
        later.finish();
        assertEquals(null, one.memoryPieces(chunk(m, i - 1), 0, CHUNK), "chunk " + (i - 1) + " left memory");
      }
      assertEquals(first, drain(reader), "the reader's bytes were never handed to another fill");
      for (int i = 0; i < 3; i++) {
        assertEquals(content(48 + i, CHUNK), h.read(one, chunk(m, i), 0, CHUNK), "chunk " + i);
      }
    } finally {
      one.close();
    }
  }

  @Test
  void anEmptyPieceAfterTheLastOneLeavesTheChunkWhole() throws Exception {
    ByteString bytes = content(49, CHUNK - 1000); // its last block only partly used
    ChunkFill fill = store.beginFill(chunk(meta, 0), CHUNK - 1000);
    fill.accept(bytes);
    fill.accept(ByteString.emptyByteString());
    fill.finish();
    fill.committed().toCompletableFuture().get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
    assertEquals(bytes, h.read(store, chunk(meta, 0), 0, CHUNK - 1000));
  }

  @Test
  void finishingAFillGivenTooFewBytesByHandAbortsIt() throws Exception {
    ChunkFill fill = store.beginFill(chunk(meta, 0), CHUNK);
    fill.accept(content(41, CHUNK - 1));
    fill.finish();
    Throwable e = failure(fill.committed());
    assertTrue(e.getMessage().contains("4095 of 4096 bytes"), e.getMessage());
    assertNothingLeftOfChunkZero();
  }

  @Test
  void aPieceGivenByHandPastTheChunksLengthOrAfterTheFillEndedIsRefused() throws Exception {
    ChunkFill fill = store.beginFill(chunk(meta, 0), CHUNK);
    fill.accept(content(42, 100));
    assertThrows(IllegalStateException.class, () -> fill.accept(content(43, CHUNK)));
    assertTrue(failure(fill.committed()).getMessage().contains("more than 4096 bytes"));
    assertThrows(IllegalStateException.class, () -> fill.accept(content(44, 1)));
    assertNothingLeftOfChunkZero();
  }

  @Test
  void upstreamFailureAbortsTheFill() throws Exception {
    ChunkFill fill = store.beginFill(chunk(meta, 0), CHUNK);
    CompletionStage<Done> done =
        Source.single(content(8, 100)).concat(Source.failed(new IOException("origin reset"))).runWith(fill.sink(), h.mat);
    assertEquals("origin reset", failure(done).getMessage());
    assertEquals("origin reset", failure(fill.committed()).getMessage());
    assertNothingLeftOfChunkZero();
  }

  @Test
  void tailReaderSeesBytesAsTheyAreWrittenAndCompletesWithTheRange() throws Exception {
    ByteString bytes = content(9, CHUNK);
    ChunkFill fill = store.beginFill(chunk(meta, 0), CHUNK);
    TestPublisher.Probe<ByteString> origin = origin(fill);
    origin.sendNext(bytes.slice(0, 1500));
    awaitWritten(fill, 1500);
    assertTrue(store.fillInProgress(chunk(meta, 0)).isPresent());
    assertFalse(store.has(chunk(meta, 0)));

    TestSubscriber.Probe<ByteString> reader = store.read(chunk(meta, 0), 0, CHUNK).runWith(TestSink.probe(h.classic), h.mat);
    assertEquals(bytes.slice(0, 1500), receive(reader, 1500));
    origin.sendNext(bytes.slice(1500, 3000));
    assertEquals(bytes.slice(1500, 3000), receive(reader, 1500));
    origin.sendNext(bytes.slice(3000, CHUNK));
    origin.sendComplete();
    assertEquals(bytes.slice(3000, CHUNK), receive(reader, CHUNK - 3000));
    reader.request(1);
    reader.expectComplete();
    fill.committed().toCompletableFuture().get();
    assertTrue(store.has(chunk(meta, 0)));
  }

  @Test
  void aFillHoldsItsBytesInMemoryForItsReadersAndKeepsThemOnceCommittedButNotWhenItFails() throws Exception {
    ByteString bytes = content(29, CHUNK);
    ChunkFill fill = store.beginFill(chunk(meta, 0), CHUNK);
    TestPublisher.Probe<ByteString> origin = origin(fill);
    assertEquals(CHUNK, store.stats().memoryBytes());
    origin.sendNext(bytes.slice(0, 2500));
    awaitWritten(fill, 2500);
    TestSubscriber.Probe<ByteString> reader = store.read(chunk(meta, 0), 1000, CHUNK).runWith(TestSink.probe(h.classic), h.mat);
    assertEquals(bytes.slice(1000, 2500), receive(reader, 1500));
    origin.sendNext(bytes.slice(2500, CHUNK));
    origin.sendComplete();
    assertEquals(bytes.slice(2500, CHUNK), receive(reader, CHUNK - 2500));
    fill.committed().toCompletableFuture().get();
    assertEquals(CHUNK, store.stats().memoryBytes(), "a chunk just filled stays in memory");
    assertEquals(bytes.slice(10, 3000), h.read(store, chunk(meta, 0), 10, 3000));
    assertEquals(bytes.slice(5, 50), drain(store.pieces(chunk(meta, 0), 5, 50)));

    ChunkFill failing = store.beginFill(chunk(meta, 1), CHUNK);
    assertEquals(2 * CHUNK, store.stats().memoryBytes());
    failure(Source.single(content(30, 100)).concat(Source.failed(new IOException("origin reset"))).runWith(failing.sink(), h.mat));
    assertEquals(CHUNK, store.stats().memoryBytes(), "a failed fill gives its memory back");
  }

  @Test
  void memoryForChunksStaysWithinItsSettingAndTheOldestGoFirst() throws Exception {
    ChunkStore small = h.open(CHUNK, 2 * CHUNK, drive(dir.resolve("d1"), 1 << 20));
    ObjectMeta m = meta("http://origin/three.bin", 3 * CHUNK, "\"3\"");
    small.putMeta(m);
    for (int i = 0; i < 3; i++) {
      h.fill(small, chunk(m, i), content(40 + i, CHUNK));
      assertTrue(small.stats().memoryBytes() <= 2 * CHUNK, "memory " + small.stats().memoryBytes());
    }
    for (int i = 0; i < 3; i++) {
      assertEquals(content(40 + i, CHUNK), h.read(small, chunk(m, i), 0, CHUNK), "chunk " + i);
    }
    small.close();

    ChunkStore none = h.open(CHUNK, 0, drive(dir.resolve("d2"), 1 << 20));
    none.putMeta(m);
    h.fill(none, chunk(m, 0), content(50, CHUNK));
    assertEquals(0, none.stats().memoryBytes());
    assertEquals(content(50, CHUNK), h.read(none, chunk(m, 0), 0, CHUNK));
    none.close();
  }

  @Test
  void aChunkReadWholeASecondTimeIsServedFromMemoryAfterwards() throws Exception {
    ChunkStore one = h.open(CHUNK, CHUNK, drive(dir.resolve("d3"), 1 << 20));
    ObjectMeta m = meta("http://origin/popular.bin", 2 * CHUNK, "\"p\"");
    one.putMeta(m);
    h.fill(one, chunk(m, 0), content(60, CHUNK));
    h.fill(one, chunk(m, 1), content(61, CHUNK)); // memory now holds chunk 1 only
    Path objectDir = ChunkStore.objectDir(new Drive(0, dir.resolve("d3").toRealPath(), 1), m.key());
    Path file0 = objectDir.resolve(m.version() + ".0");
    assertTrue(Files.exists(file0));

    assertEquals(content(60, CHUNK), h.read(one, chunk(m, 0), 0, CHUNK)); // first read: from disk
    assertEquals(content(60, CHUNK), h.read(one, chunk(m, 0), 0, CHUNK)); // read again: kept
    Files.write(file0, new byte[CHUNK]); // the disk copy is no longer what is served
    assertEquals(content(60, CHUNK), h.read(one, chunk(m, 0), 0, CHUNK));
    assertEquals(CHUNK, one.stats().memoryBytes());
    one.close();
  }

  @Test
  void aChunkWithEveryByteArrivedCountsAsStoredAndItsPiecesComeFromMemoryBeforeItsCommit() throws Exception {
    ByteString bytes = content(19, CHUNK);
    ChunkFill fill = store.beginFill(chunk(meta, 0), CHUNK);
    TestPublisher.Probe<ByteString> origin = origin(fill);
    origin.sendNext(bytes.slice(0, 1000));
    awaitWritten(fill, 1000);
    assertFalse(store.hasAllBytes(chunk(meta, 0)), "a chunk still arriving is not stored");

    origin.sendNext(bytes.slice(1000, CHUNK));
    awaitWritten(fill, CHUNK);
    assertTrue(store.hasAllBytes(chunk(meta, 0)));
    assertFalse(store.has(chunk(meta, 0)), "the origin's stream has not ended, so nothing is committed");
    CompletableFuture<PieceReader> opened = store.pieces(chunk(meta, 0), 100, 200).toCompletableFuture();
    assertTrue(opened.isDone(), "every byte is in memory: nothing to open");
    PieceReader reader = opened.get();
    CompletableFuture<Optional<java.nio.ByteBuffer>> piece = reader.next().toCompletableFuture();
    assertTrue(piece.isDone(), "nor to wait for");
    assertEquals(bytes.slice(100, 200), ByteString.fromByteBuffer(piece.get().orElseThrow()));
    reader.close();
    origin.sendComplete();
    fill.committed().toCompletableFuture().get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
    assertTrue(store.has(chunk(meta, 0)));
    assertEquals(bytes.slice(100, 200), drain(store.pieces(chunk(meta, 0), 100, 200)), "and from the file once committed");
  }

  @Test
  void withoutMemoryForItsBytesAChunkWrittenWholeCountsAsStoredAndIsReadFromItsFile(@TempDir Path other) throws Exception {
    ChunkStore lean = h.open(CHUNK, 0, drive(other.resolve("d0"), 1 << 20));
    try {
      lean.putMeta(meta);
      ByteString bytes = content(20, CHUNK);
      ChunkFill fill = lean.beginFill(chunk(meta, 0), CHUNK);
      TestPublisher.Probe<ByteString> origin = origin(fill);
      origin.sendNext(bytes.slice(0, 3000));
      awaitWritten(fill, 3000);
      assertFalse(lean.hasAllBytes(chunk(meta, 0)));
      PieceReader tail = lean.pieces(chunk(meta, 0), 2000, CHUNK).toCompletableFuture().get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
      CompletableFuture<ByteString> tailed = CompletableFuture.supplyAsync(() -> {
        try {
          return drain(tail);
        } catch (Exception e) {
          throw new java.util.concurrent.CompletionException(e);
        }
      });
      origin.sendNext(bytes.slice(3000, CHUNK));
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (fill.onDisk() < CHUNK) {
        assertTrue(System.nanoTime() < deadline, "only " + fill.onDisk() + " bytes on disk");
        Thread.onSpinWait();
      }
      assertTrue(lean.hasAllBytes(chunk(meta, 0)));
      assertEquals(bytes.slice(2000, CHUNK), tailed.get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS),
          "a reader tailing the file gets every byte as it is written");
      origin.sendComplete();
      fill.committed().toCompletableFuture().get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
      assertTrue(lean.has(chunk(meta, 0)));
    } finally {
      lean.close();
    }
  }

  @Test
  void aChunkJustFilledIsReadFromMemoryWhileTheStoreHoldsItAndNotFromItsFile(@TempDir Path other) throws Exception {
    ByteString bytes = content(33, CHUNK);
    h.fill(store, chunk(meta, 0), bytes);
    Path file = ChunkStore.objectDir(new Drive(0, dir.resolve("d0").toRealPath(), 1), meta.key()).resolve(meta.version() + ".0");
    Files.write(file, new byte[CHUNK]); // what the disk has is no longer what a reader gets
    assertEquals(bytes.slice(10, 3000), drain(store.memoryPieces(chunk(meta, 0), 10, 3000)));
    assertEquals(null, store.memoryPieces(chunk(meta, 0), 10, CHUNK + 1), "a range outside the chunk");
    assertEquals(null, store.memoryPieces(chunk(meta, 1), 0, 10), "a chunk not stored");

    ChunkStore lean = h.open(CHUNK, 0, drive(other.resolve("d0"), 1 << 20));
    try {
      lean.putMeta(meta);
      h.fill(lean, chunk(meta, 0), bytes);
      assertEquals(null, lean.memoryPieces(chunk(meta, 0), 0, 10), "a store without chunk memory holds none");
    } finally {
      lean.close();
    }
  }

  @Test
  void piecesOfAChunkNeitherStoredNorFillingOrOutsideItAreRefusedBeforeAnyByte() throws Exception {
    assertInstanceOf(ChunkMissingException.class, failure(store.pieces(chunk(meta, 0), 0, 10)));
    h.fill(store, chunk(meta, 0), content(5, CHUNK));
    assertInstanceOf(IllegalArgumentException.class, failure(store.pieces(chunk(meta, 0), 0, CHUNK + 1)));
    assertInstanceOf(IllegalArgumentException.class, failure(store.pieces(chunk(meta, 0), -1, 10)));
    ChunkFill fill = store.beginFill(chunk(meta, 1), CHUNK);
    assertInstanceOf(IllegalArgumentException.class, failure(store.pieces(chunk(meta, 1), 20, 10)));
    fill.abort(new IOException("test over"));
  }

  /** Every byte a piece reader hands out, in order; the reader is closed. */
  private static ByteString drain(CompletionStage<PieceReader> opening) throws Exception {
    return drain(opening.toCompletableFuture().get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS));
  }

  private static ByteString drain(PieceReader reader) throws Exception {
    ByteString all = ByteString.emptyByteString();
    try {
      while (true) {
        Optional<java.nio.ByteBuffer> piece = reader.next().toCompletableFuture().get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        if (piece.isEmpty()) {
          return all;
        }
        all = all.concat(ByteString.fromByteBuffer(piece.get()));
      }
    } finally {
      reader.close();
    }
  }

  @Test
  void tailReaderOfAPartialRangeCompletesBeforeTheFillDoes() throws Exception {
    ByteString bytes = content(10, CHUNK);
    ChunkFill fill = store.beginFill(chunk(meta, 0), CHUNK);
    TestPublisher.Probe<ByteString> origin = origin(fill);
    CompletionStage<ByteString> head = h.readStage(store, chunk(meta, 0), 100, 600);
    origin.sendNext(bytes.slice(0, 2000));
    assertEquals(bytes.slice(100, 600), head.toCompletableFuture().get());
    assertFalse(store.has(chunk(meta, 0)));
    origin.sendNext(bytes.slice(2000, CHUNK));
    origin.sendComplete();
    fill.committed().toCompletableFuture().get();
  }

  @Test
  void tailReaderFailsWhenTheFillAborts() throws Exception {
    ChunkFill fill = store.beginFill(chunk(meta, 0), CHUNK);
    TestPublisher.Probe<ByteString> origin = origin(fill);
    origin.sendNext(content(11, 1000));
    awaitWritten(fill, 1000);
    // The reader's first bytes prove it is tailing the fill (its source is looked up lazily, when
    // it runs) before the fill fails.
    TestSubscriber.Probe<ByteString> reader = store.read(chunk(meta, 0), 0, CHUNK).runWith(TestSink.probe(h.classic), h.mat);
    reader.request(1);
    reader.expectNext();
    origin.sendError(new IOException("origin went away"));
    Throwable e = reader.request(CHUNK).expectError();
    while (e.getCause() != null && !String.valueOf(e.getMessage()).contains("origin went away")) {
      e = e.getCause();
    }
    assertTrue(String.valueOf(e.getMessage()).contains("origin went away"), String.valueOf(e));
    assertInstanceOf(ChunkMissingException.class, failure(h.readStage(store, chunk(meta, 0), 0, 1)));
  }

  @Test
  void explicitAbortFailsTheFillAndFreesItsReservation() throws Exception {
    ChunkFill fill = store.beginFill(chunk(meta, 0), CHUNK);
    fill.abort(new IOException("client asked to stop"));
    assertEquals("client asked to stop", failure(fill.committed()).getMessage());
    assertEquals(0, chunkBytes(store));
    assertTrue(store.fillInProgress(chunk(meta, 0)).isEmpty());
    assertEquals(List.of(), filesOf(meta));
  }

  @Test
  void readerArrivingJustAfterTheRenameReadsTheFinalFile() throws Exception {
    ByteString bytes = content(12, CHUNK);
    ChunkFill fill = store.beginFill(chunk(meta, 0), CHUNK);
    TestPublisher.Probe<ByteString> origin = origin(fill);
    origin.sendNext(bytes);
    origin.sendComplete();
    fill.committed().toCompletableFuture().get();
    // A reader that found the fill before it was unregistered reads the bytes it holds.
    assertEquals(bytes.slice(7, 4000), h.runTail(fill, 7, 4000));
  }

  @Test
  void readerArrivingJustAfterTheRenameOfAFillWithoutMemoryReadsTheFinalFile() throws Exception {
    ChunkStore noMemory = h.open(CHUNK, 0, drive(dir.resolve("d1"), 1 << 20));
    try {
      noMemory.putMeta(meta);
      ByteString bytes = content(13, CHUNK);
      ChunkFill fill = noMemory.beginFill(chunk(meta, 0), CHUNK);
      origin(fill).sendNext(bytes).sendComplete();
      fill.committed().toCompletableFuture().get();
      assertEquals(0, noMemory.stats().memoryBytes());
      assertEquals(bytes.slice(7, 4000), h.runTail(fill, 7, 4000));
    } finally {
      noMemory.close();
    }
  }

  @Test
  void aReaderOfAFillThatHoldsItsBytesFinishesEvenWhenTheChunkIsDroppedRightAfterItsCommit() throws Exception {
    ByteString bytes = content(14, CHUNK);
    ChunkFill fill = store.beginFill(chunk(meta, 0), CHUNK);
    TestPublisher.Probe<ByteString> origin = origin(fill);
    origin.sendNext(bytes.slice(0, 1000));
    awaitWritten(fill, 1000);
    TestSubscriber.Probe<ByteString> reader = store.read(chunk(meta, 0), 0, CHUNK).runWith(TestSink.probe(h.classic), h.mat);
    assertEquals(bytes.slice(0, 1000), receive(reader, 1000));
    origin.sendNext(bytes.slice(1000, CHUNK)).sendComplete();
    fill.committed().toCompletableFuture().get();
    store.forget(meta.key()); // evicted (or the object changed) before this slow client read on
    assertEquals(List.of(), filesOf(meta));
    assertEquals(bytes.slice(1000, CHUNK), receive(reader, CHUNK - 1000));
    reader.request(1);
    reader.expectComplete();
  }

  @Test
  void secondFillOfTheSameChunkIsRefusedWhileTheFirstRuns() throws Exception {
    ByteString bytes = content(13, CHUNK);
    ChunkFill first = store.beginFill(chunk(meta, 0), CHUNK);
    assertThrows(IllegalStateException.class, () -> store.beginFill(chunk(meta, 0), CHUNK));
    assertEquals(CHUNK, chunkBytes(store));
    Source.single(bytes).runWith(first.sink(), h.mat).toCompletableFuture().get();
    assertEquals(bytes, h.read(store, chunk(meta, 0), 0, CHUNK));
  }

  @Test
  void chunkFilledAgainReplacesTheOldCopyWithoutCountingItTwice() throws Exception {
    h.fill(store, chunk(meta, 0), content(14, CHUNK));
    h.fill(store, chunk(meta, 0), content(14, CHUNK));
    assertEquals(CHUNK, chunkBytes(store));
    assertEquals(1, store.stats().drives().get(0).chunkCount());
    assertEquals(content(14, CHUNK), h.read(store, chunk(meta, 0), 0, CHUNK));
  }

  @Test
  void newVersionHidesAndDeletesTheOldVersionsChunksAtOnce() throws Exception {
    h.fill(store, chunk(meta, 0), content(15, CHUNK));
    h.fill(store, chunk(meta, 1), content(16, CHUNK));
    assertTrue(filesOf(meta).stream().anyMatch(p -> p.getFileName().toString().equals(meta.version() + ".0")));
    ObjectMeta changed = meta("http://origin/video.mp4", 10_000, "\"v2\"");
    store.putMeta(changed);
    assertEquals(changed, store.meta(meta.key()).orElseThrow());
    assertFalse(store.has(chunk(meta, 0)));
    assertFalse(store.has(chunk(meta, 1)));
    assertInstanceOf(ChunkMissingException.class, failure(h.readStage(store, chunk(meta, 0), 0, 1)));
    assertEquals(List.of(), filesOf(meta));
    assertEquals(0, chunkBytes(store));

    h.fill(store, chunk(changed, 0), content(17, CHUNK));
    assertEquals(content(17, CHUNK), h.read(store, chunk(changed, 0), 0, CHUNK));
    assertEquals(List.of(changed.version() + ".0", changed.version() + ".meta"),
        filesOf(changed).stream().map(p -> p.getFileName().toString()).toList());
  }

  @Test
  void sameVersionAgainKeepsTheChunks() throws Exception {
    h.fill(store, chunk(meta, 0), content(18, CHUNK));
    store.putMeta(meta("http://origin/video.mp4", 10_000, "\"v1\""));
    assertTrue(store.has(chunk(meta, 0)));
  }

  @Test
  void fillOfAnOldVersionThatCommitsAfterTheChangeIsNeverVisible() throws Exception {
    ChunkFill fill = store.beginFill(chunk(meta, 0), CHUNK);
    TestPublisher.Probe<ByteString> origin = origin(fill);
    origin.sendNext(content(19, CHUNK));
    store.putMeta(meta("http://origin/video.mp4", 10_000, "\"v2\""));
    origin.sendComplete();
    fill.committed().toCompletableFuture().get();
    assertNothingLeftOfChunkZero();
  }

  @Test
  void forgottenObjectHasNoMetaNoChunksAndNoFiles() throws Exception {
    h.fill(store, chunk(meta, 0), content(20, CHUNK));
    store.forget(meta.key());
    assertTrue(store.meta(meta.key()).isEmpty());
    assertFalse(store.has(chunk(meta, 0)));
    assertEquals(List.of(), filesOf(meta));
    assertEquals(0, chunkBytes(store));
    store.forget("never-seen");
  }

  @Test
  void statsCountChunksAndBytesAndHealthyDrivesAreWritable() throws Exception {
    h.fill(store, chunk(meta, 0), content(21, CHUNK));
    h.fill(store, chunk(meta, 2), content(22, 10_000 - 2 * CHUNK));
    StoreStats.DriveStats d = store.stats().drives().get(0);
    assertEquals(dir.resolve("d0").toRealPath(), d.path());
    assertEquals(1 << 20, d.maxBytes());
    assertEquals(CHUNK + DriveUsage.BLOCK, chunkBytes(store), "chunk files count whole blocks");
    assertEquals(chunkBytes(store) + StoreHarness.room(1), d.usedBytes(), "and so do the directories and the meta file");
    assertEquals(2, d.chunkCount());
    assertTrue(d.writable());
    assertTrue(store.healthy());
  }

  @Test
  void closeAbortsFillsInProgress() throws Exception {
    ChunkFill fill = store.beginFill(chunk(meta, 0), CHUNK);
    store.close();
    assertTrue(failure(fill.committed()).getMessage().contains("store closing"));
    assertEquals(List.of(), filesOf(meta));
  }

  @Test
  void aLateConfirmationRevivesNothingAndNeverDropsANewerRevision() {
    store.putMeta(meta);
    ObjectMeta confirmed = meta.validated(io.ispcache.freshness.ResponseHeaders.EMPTY, meta.validatedAtMillis() + 1_000, 0);
    ObjectMeta newer = meta("http://origin/video.mp4", 20_000, "\"v2\"");

    assertTrue(store.revalidated(confirmed));
    assertFalse(store.revalidated(meta), "an older confirmation does not replace a newer one");
    store.putMeta(newer);
    assertFalse(store.revalidated(confirmed), "a confirmation of v1 does not bring v1 back over v2");
    assertEquals(newer.version(), store.meta(meta.key()).orElseThrow().version());
    store.forget(meta.key());
    assertFalse(store.revalidated(newer.validated(io.ispcache.freshness.ResponseHeaders.EMPTY, Long.MAX_VALUE / 2, 0)));
    assertTrue(store.meta(meta.key()).isEmpty(), "a purged object stays purged");
  }

  @Test
  void anotherNodesRevisionReplacesOnlyTheRevisionItWasFoundFor() {
    ObjectMeta v2 = meta("http://origin/video.mp4", 20_000, "\"v2\"");
    ObjectMeta v3 = meta("http://origin/video.mp4", 30_000, "\"v3\"");
    store.putMeta(meta);

    assertFalse(store.replaced(v2, v3), "this node does not hold v2");
    assertTrue(store.replaced(meta, v2));
    assertEquals(v2.version(), store.meta(meta.key()).orElseThrow().version());
  }
}
