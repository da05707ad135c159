package io.ispcache.store;

import akka.NotUsed;
import akka.japi.pf.PFBuilder;
import akka.stream.javadsl.FileIO;
import akka.stream.javadsl.Flow;
import akka.stream.javadsl.Source;
import java.util.List;
import akka.util.ByteString;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Streams {@code [from, to)} of one chunk file with positional reads of a bounded buffer, each on
 * the blocking I/O executor; for a fill in progress it waits for the writer instead of reading
 * past what is written.
 */
final class ChunkReader implements PieceReader {
  /** Null for a reader of a fill that holds its bytes: it reads only memory. */
  private final FileChannel channel;
  private final ChunkFill fill;
  private final long end;
  private final int bufferSize;
  private final Executor blockingIo;
  private long position;

  private ChunkReader(FileChannel channel, ChunkFill fill, long from, long to, int bufferSize, Executor blockingIo) {
    this.channel = channel;
    this.fill = fill;
    this.position = from;
    this.end = to;
    this.bufferSize = bufferSize;
    this.blockingIo = blockingIo;
  }

  /**
   * A committed chunk: Akka's file source reads ahead on the blocking I/O dispatcher by itself,
   * without a hop per buffer. A file evicted before it was opened fails with
   * {@link ChunkMissingException}, before any bytes.
   */
  static Source<ByteString, NotUsed> committed(ChunkId id, Path file, long from, long to, int bufferSize, Executor io) {
    long length = to - from;
    return FileIO.fromPath(file, bufferSize, from)
        .via(exactly(length))
        .mapError(
            new PFBuilder<Throwable, Throwable>()
                .match(NoSuchFileException.class, e -> new ChunkMissingException(id))
                .matchAny(e -> e.getCause() instanceof NoSuchFileException ? new ChunkMissingException(id) : e)
                .build())
        .mapMaterializedValue(m -> NotUsed.getInstance());
  }

  /** Passes exactly {@code length} bytes, then completes (cancelling the file source). */
  static Flow<ByteString, ByteString, NotUsed> exactly(long length) {
    return Flow.of(ByteString.class)
        .statefulMapConcat(
            () -> {
              long[] left = {length};
              return bytes -> {
                ByteString out = bytes.size() <= left[0] ? bytes : bytes.take((int) left[0]);
                left[0] -= out.size();
                return List.of(new Part(out, left[0] <= 0));
              };
            })
        .takeWhile(p -> !p.last(), true)
        .map(Part::bytes);
  }

  private record Part(ByteString bytes, boolean last) {}

  static Source<ByteString, NotUsed> tail(ChunkFill fill, long from, long to, int bufferSize, Executor io) {
    return Source.fromGraph(new ReaderSource(() -> open(fill, from, to, bufferSize, io)));
  }

  /**
   * A reader tailing a fill. When the fill holds every byte in memory (kept past the commit for its
   * readers) it opens no file, so it is ready at once: no hop to the I/O executor and back.
   */
  static CompletionStage<PieceReader> open(ChunkFill fill, long from, long to, int bufferSize, Executor io) {
    if (fill.holdsBytes()) {
      return CompletableFuture.completedFuture(new ChunkReader(null, fill, from, to, bufferSize, io));
    }
    return onExecutor(
        io,
        () -> {
          try {
            return new ChunkReader(fill.openForReading(), fill, from, to, bufferSize, io);
          } catch (NoSuchFileException e) {
            throw new ChunkMissingException(fill.id()); // committed and evicted before this reader opened it
          }
        });
  }

  /** A reader of bytes in memory, in pieces of at most {@code pieceSize}. */
  static PieceReader ofBytes(ByteString bytes, int pieceSize) {
    return new PieceReader() {
      private int at;

      @Override
      public CompletionStage<Optional<ByteString>> next() {
        if (at >= bytes.size()) {
          return CompletableFuture.completedFuture(Optional.empty());
        }
        int to = Math.min(bytes.size(), at + pieceSize);
        ByteString piece = bytes.slice(at, to);
        at = to;
        return CompletableFuture.completedFuture(Optional.of(piece));
      }

      @Override
      public void close() {}
    };
  }

  /** A reader of a committed chunk's open file; it closes the file. */
  static PieceReader ofFile(FileChannel file, long from, long to, int bufferSize, Executor io) {
    return new ChunkReader(file, null, from, to, bufferSize, io);
  }

  @Override
  public CompletionStage<Optional<ByteString>> next() {
    if (position >= end) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    if (fill != null) {
      ByteString inMemory = fill.held(position, Math.min(end, position + bufferSize));
      if (inMemory != null) {
        position += inMemory.size();
        return CompletableFuture.completedFuture(Optional.of(inMemory));
      }
    }
    if (fill != null && (channel == null || fill.onDisk() <= position)) {
      Throwable failed = fill.failure();
      if (failed != null) {
        return CompletableFuture.failedFuture(new IOException("chunk fill failed: " + failed.getMessage(), failed));
      }
      return fill.awaitBeyond(position).thenCompose(v -> next());
    }
    long available = fill == null ? end : Math.min(end, fill.onDisk());
    int want = (int) Math.min(bufferSize, available - position);
    return onExecutor(blockingIo, () -> read(want));
  }

  private interface Blocking<T> {
    T run() throws IOException;
  }

  /** Runs blocking work on the I/O executor, failing the stage with the exception itself. */
  private static <T> CompletionStage<T> onExecutor(Executor io, Blocking<T> work) {
    CompletableFuture<T> result = new CompletableFuture<>();
    io.execute(
        () -> {
          try {
            result.complete(work.run());
          } catch (Throwable e) {
            result.completeExceptionally(e);
          }
        });
    return result;
  }

  private Optional<ByteString> read(int want) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(want);
    while (buffer.hasRemaining()) {
      int n = channel.read(buffer, position + buffer.position());
      if (n < 0) {
        throw new IOException("chunk file ended early at " + (position + buffer.position()));
      }
    }
    position += want;
    // The array is ours alone from here on, so it is handed over without a copy.
    return Optional.of(ByteString.fromArrayUnsafe(buffer.array()));
  }

  @Override
  public void close() {
    if (channel == null) {
      return;
    }
    try {
      channel.close();
    } catch (IOException ignored) {
      // nothing to release beyond the descriptor
    }
  }
}
