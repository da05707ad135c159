package io.ispcache.store;

import static io.ispcache.store.StoreHarness.chunk;
import static io.ispcache.store.StoreHarness.content;
import static io.ispcache.store.StoreHarness.drive;
import static io.ispcache.store.StoreHarness.failure;
import static io.ispcache.store.StoreHarness.meta;
import static io.ispcache.store.StoreHarness.room;
import static io.ispcache.store.StoreHarness.chunkBytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.stream.javadsl.Source;
import akka.stream.testkit.TestSubscriber;
import akka.stream.testkit.javadsl.TestSink;
import akka.util.ByteString;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreEvictionTest extends StoreTestBase {
  private static final int CHUNK = 4096;
  private static final scala.concurrent.duration.FiniteDuration WAIT =
      scala.concurrent.duration.FiniteDuration.fromNanos(StoreHarness.WAIT.toNanos());
  @TempDir Path dir;

  private static ObjectMeta object(int n) {
    return meta("http://o/" + n, 64L * CHUNK, "\"e\"");
  }

  private List<Path> chunkFiles() throws Exception {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> p.getFileName().toString().matches("[0-9a-f]{16}\\.[0-9]+")).toList();
    }
  }

  private static void assertWithinLimits(ChunkStore store) {
    for (StoreStats.DriveStats d : store.stats().drives()) {
      assertTrue(d.usedBytes() <= d.maxBytes(), d.usedBytes() + " used of " + d.maxBytes() + " on " + d.path());
    }
  }

  @Test
  void usageNeverExceedsTheLimitAndTheOldestChunksGo() throws Exception {
    try (ChunkStore store = h.open(CHUNK, drive(dir.resolve("d"), 8L * CHUNK + room(1)))) {
      ObjectMeta m = object(1);
      store.putMeta(m);
      for (int i = 0; i < 50; i++) {
        h.fill(store, chunk(m, i), content(i, CHUNK));
        assertWithinLimits(store);
      }
      StoreStats stats = store.stats();
      assertEquals(8, stats.drives().get(0).chunkCount());
      assertEquals(8L * CHUNK + room(1), stats.drives().get(0).usedBytes());
      assertEquals(8L * CHUNK, chunkBytes(store));
      assertEquals(42, stats.evictions());
      assertEquals(42L * CHUNK, stats.evictedBytes());
      assertEquals(8, chunkFiles().size());
      for (int i = 0; i < 50; i++) {
        assertEquals(i >= 42, store.has(chunk(m, i)), "chunk " + i);
      }
      assertInstanceOf(ChunkMissingException.class, failure(h.readStage(store, chunk(m, 0), 0, 1)));
      assertEquals(content(49, CHUNK), h.read(store, chunk(m, 49), 0, CHUNK));
    }
  }

  @Test
  void chunkReadAgainSurvivesAScanOfColdChunks() throws Exception {
    try (ChunkStore store = h.open(CHUNK, drive(dir.resolve("d"), 8L * CHUNK + room(2)))) {
      ObjectMeta hot = object(1);
      ObjectMeta cold = object(2);
      store.putMeta(hot);
      store.putMeta(cold);
      h.fill(store, chunk(hot, 0), content(1, CHUNK));
      h.read(store, chunk(hot, 0), 0, 10);
      for (int i = 0; i < 40; i++) {
        h.fill(store, chunk(cold, i), content(100 + i, CHUNK));
      }
      assertTrue(store.has(chunk(hot, 0)));
      assertEquals(content(1, CHUNK), h.read(store, chunk(hot, 0), 0, CHUNK));
    }
  }

  @Test
  void fillsInProgressAreNeverEvictedAndAFullDriveSaysSo() throws Exception {
    try (ChunkStore store = h.open(CHUNK, drive(dir.resolve("d"), 4L * CHUNK + room(1)))) {
      ObjectMeta m = object(1);
      store.putMeta(m);
      List<ChunkFill> fills = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        fills.add(store.beginFill(chunk(m, i), CHUNK));
      }
      StoreFullException e = assertThrows(StoreFullException.class, () -> store.beginFill(chunk(m, 4), CHUNK));
      assertTrue(e.getMessage().contains("no room"), e.getMessage());
      assertEquals(4L * CHUNK, chunkBytes(store));
      fills.get(0).abort(new RuntimeException("gave up"));
      ChunkFill next = store.beginFill(chunk(m, 4), CHUNK);
      for (ChunkFill f : List.of(fills.get(1), fills.get(2), fills.get(3), next)) {
        Source.single(content(f.id().index(), CHUNK)).runWith(f.sink(), h.mat).toCompletableFuture().get();
      }
      assertEquals(4, store.stats().drives().get(0).chunkCount());
      assertEquals(0, store.stats().evictions());
    }
  }

  @Test
  void readerOfAnEvictedChunkStillGetsEveryByteItAskedFor() throws Exception {
    try (ChunkStore store = h.open(CHUNK, drive(dir.resolve("d"), CHUNK + room(1)))) {
      ObjectMeta m = object(1);
      store.putMeta(m);
      h.fill(store, chunk(m, 0), content(1, CHUNK));
      TestSubscriber.Probe<ByteString> reader = store.read(chunk(m, 0), 0, CHUNK).runWith(TestSink.probe(h.classic), h.mat);
      ByteString got = reader.requestNext(WAIT);
      h.fill(store, chunk(m, 1), content(2, CHUNK)); // evicts chunk 0 while it is being read
      assertFalse(store.has(chunk(m, 0)));
      while (got.size() < CHUNK) {
        got = got.concat(reader.requestNext(WAIT));
      }
      reader.request(1);
      reader.expectComplete();
      assertEquals(content(1, CHUNK), got);
    }
  }

  @Test
  void chunksSpreadOverDrivesByTheirSize() throws Exception {
    try (ChunkStore store = h.open(CHUNK, drive(dir.resolve("big"), 3000L * CHUNK), drive(dir.resolve("small"), 1000L * CHUNK))) {
      for (int n = 0; n < 100; n++) {
        ObjectMeta m = meta("http://o/" + n, 4L * CHUNK, "\"s\"");
        store.putMeta(m);
        for (int i = 0; i < 4; i++) {
          h.fill(store, chunk(m, i), content(i, 16)
              .concat(ByteString.fromArray(new byte[CHUNK - 16])));
        }
      }
      long big = store.stats().drives().get(0).chunkCount();
      long small = store.stats().drives().get(1).chunkCount();
      assertEquals(400, big + small);
      assertTrue(big > 260 && big < 340, "big drive holds " + big + " of 400");
    }
  }

  @Test
  void concurrentFillsAndReadsStayWithinLimitsAndNeverReturnWrongBytes() throws Exception {
    ExecutorService workers = Executors.newFixedThreadPool(6);
    try (ChunkStore store = h.open(CHUNK, drive(dir.resolve("a"), 10L * CHUNK + room(4)), drive(dir.resolve("b"), 6L * CHUNK + room(4)))) {
      ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
      AtomicLong verifiedReads = new AtomicLong();
      List<CompletableFuture<Void>> tasks = new ArrayList<>();
      for (int w = 0; w < 6; w++) {
        int worker = w;
        tasks.add(CompletableFuture.runAsync(() -> {
          java.util.Random random = new java.util.Random(worker);
          for (int op = 0; op < 60; op++) {
            ObjectMeta m = object(random.nextInt(4));
            store.putMeta(m);
            ChunkId id = chunk(m, random.nextInt(16));
            ByteString expected = content(m.key().hashCode() * 31L + id.index(), CHUNK);
            try {
              if (worker % 2 == 0) {
                if (!store.has(id) && store.fillInProgress(id).isEmpty()) {
                  h.fill(store, id, expected);
                }
              } else {
                ByteString got = h.read(store, id, 0, CHUNK);
                if (!got.equals(expected)) {
                  problems.add("wrong bytes for " + id);
                }
                verifiedReads.incrementAndGet();
              }
            } catch (IllegalStateException alreadyFilling) {
              // another worker began the same chunk first
            } catch (java.util.concurrent.ExecutionException e) {
              if (!(e.getCause() instanceof ChunkMissingException)) {
                problems.add(id + ": " + e.getCause());
              }
            } catch (Exception e) {
              problems.add(id + ": " + e);
            }
            for (StoreStats.DriveStats d : store.stats().drives()) {
              if (d.usedBytes() > d.maxBytes()) {
                problems.add(d.usedBytes() + " used of " + d.maxBytes());
              }
            }
          }
        }, workers));
      }
      CompletableFuture.allOf(tasks.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
      assertEquals(List.of(), List.copyOf(problems));
      assertTrue(verifiedReads.get() > 0);
      long chunks = store.stats().drives().stream().mapToLong(StoreStats.DriveStats::chunkCount).sum();
      assertEquals(chunks, chunkFiles().size());
      long onDisk = 0;
      for (Path p : chunkFiles()) {
        onDisk += Files.size(p);
      }
      assertEquals(chunkBytes(store), onDisk);
    } finally {
      workers.shutdownNow();
    }
  }

  @Test
  void fillsInProgressSpillToAnotherDriveBeforeTheStoreIsFull() throws Exception {
    try (ChunkStore store = h.open(CHUNK, drive(dir.resolve("a"), 2L * CHUNK + room(1)), drive(dir.resolve("b"), 2L * CHUNK + room(1)))) {
      ObjectMeta m = object(1);
      store.putMeta(m);
      // Five chunks that all prefer drive a.
      List<ChunkId> preferA = new ArrayList<>();
      for (int i = 0; preferA.size() < 5; i++) {
        if (DrivePlacement.ranked(chunk(m, i), new long[] {2L * CHUNK, 2L * CHUNK})[0] == 0) {
          preferA.add(chunk(m, i));
        }
      }
      List<ChunkFill> fills = new ArrayList<>();
      for (ChunkId id : preferA.subList(0, 4)) {
        fills.add(store.beginFill(id, CHUNK));
      }
      assertEquals(List.of(2L * CHUNK + room(1), 2L * CHUNK + room(1)), store.stats().drives().stream().map(StoreStats.DriveStats::usedBytes).toList());
      StoreFullException e = assertThrows(StoreFullException.class, () -> store.beginFill(preferA.get(4), CHUNK));
      assertTrue(e.getMessage().startsWith("no drive has room"), e.getMessage());
      for (ChunkFill f : fills) {
        Source.single(content(f.id().index(), CHUNK)).runWith(f.sink(), h.mat).toCompletableFuture().get();
      }
      for (ChunkId id : preferA.subList(0, 4)) {
        assertEquals(content(id.index(), CHUNK), h.read(store, id, 0, CHUNK));
      }
    }
  }
}
