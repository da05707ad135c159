package io.ispcache.store;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.stream.Materializer;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import io.ispcache.testing.TestContent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** Real stores on real files for the store's tests: an actor system for streams, an I/O pool, content. */
final class StoreHarness implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(10);

  final ActorTestKit kit = ActorTestKit.create();
  final Materializer mat = Materializer.matFromSystem(kit.system());
  final akka.actor.ActorSystem classic = akka.actor.typed.javadsl.Adapter.toClassic(kit.system());
  final ExecutorService io = Executors.newFixedThreadPool(4);

  ChunkStore open(int chunkSize, DriveSettings... drives) throws java.io.IOException {
    return ChunkStore.open(new StoreSettings(List.of(drives), chunkSize, 1024), io);
  }

  ChunkStore open(int chunkSize, long memory, DriveSettings... drives) throws java.io.IOException {
    return ChunkStore.open(new StoreSettings(List.of(drives), chunkSize, 1024, memory), io);
  }

  static DriveSettings drive(Path path, long maxBytes) {
    return new DriveSettings(path, maxBytes);
  }

  static ObjectMeta meta(String key, long length, String etag) {
    return new ObjectMeta(key, length, etag, "Tue, 01 Jan 2030 00:00:00 GMT", "video/mp4", System.currentTimeMillis());
  }

  /** Deterministic bytes that differ per seed and per position (the project's test content). */
  static ByteString content(long seed, int length) {
    byte[] b = new byte[length];
    TestContent.fill(seed, 0, b, 0, length);
    return ByteString.fromArrayUnsafe(b);
  }

  static ChunkId chunk(ObjectMeta meta, long index) {
    return new ChunkId(meta.key(), meta.version(), index);
  }

  /** Writes a whole chunk in pieces of 300 bytes and waits for its commit. */
  void fill(ChunkStore store, ChunkId id, ByteString bytes) throws Exception {
    ChunkFill fill = store.beginFill(id, bytes.size());
    pieces(bytes, 300).runWith(fill.sink(), mat).toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  static Source<ByteString, akka.NotUsed> pieces(ByteString bytes, int size) {
    java.util.List<ByteString> parts = new java.util.ArrayList<>();
    for (int i = 0; i < bytes.size(); i += size) {
      parts.add(bytes.slice(i, Math.min(bytes.size(), i + size)));
    }
    return Source.from(parts);
  }

  ByteString read(ChunkStore store, ChunkId id, long from, long to) throws Exception {
    return readStage(store, id, from, to).toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  CompletionStage<ByteString> readStage(ChunkStore store, ChunkId id, long from, long to) {
    return store.read(id, from, to).runWith(Sink.fold(ByteString.emptyByteString(), ByteString::concat), mat);
  }

  /** Reads through a fill's tail path directly, as a reader that found the fill registered does. */
  ByteString runTail(ChunkFill fill, long from, long to) throws Exception {
    return ChunkReader.tail(fill, from, to, 1024, io)
        .runWith(Sink.fold(ByteString.emptyByteString(), ByteString::concat), mat)
        .toCompletableFuture()
        .get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  /** The cause of a failed stage (unwrapping the executor's wrappers). */
  static Throwable failure(CompletionStage<?> stage) {
    try {
      stage.toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable t = e.getCause();
      while ((t instanceof java.util.concurrent.CompletionException || t instanceof IllegalStateException) && t.getCause() != null) {
        t = t.getCause();
      }
      return t;
    } catch (Exception e) {
      throw new AssertionError("stage did not end: " + e);
    }
    throw new AssertionError("stage succeeded but should have failed");
  }

  static long usedBytes(ChunkStore store) {
    return store.stats().drives().stream().mapToLong(StoreStats.DriveStats::usedBytes).sum();
  }

  /** Bytes of chunk files the drives count (block-rounded), without directories and meta files. */
  static long chunkBytes(ChunkStore store) {
    return store.chunkBytes();
  }

  /** What the object's chunk files take, each in whole blocks. */
  static long blocks(ObjectMeta m, int chunkSize) {
    long total = 0;
    for (long at = 0; at < m.length(); at += chunkSize) {
      long length = Math.min(chunkSize, m.length() - at);
      total += (length + DriveUsage.BLOCK - 1) / DriveUsage.BLOCK * DriveUsage.BLOCK;
    }
    return total;
  }

  /**
   * What a drive counts besides chunk files for {@code objects} objects of small metas in as many
   * shard directories: its own directories and marker, and per object a shard directory, its
   * directory and its meta file. Add it to a drive's limit to hold the same chunks as before.
   */
  static long room(int objects) {
    return 3L * DriveUsage.BLOCK + objects * 3L * DriveUsage.BLOCK;
  }

  @Override
  public void close() {
    io.shutdownNow();
    kit.shutdownTestKit();
  }
}
