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
 * Hands out {@code [from, to)} of one chunk in pieces: slices of the chunk's bytes in memory (a
 * fill that holds them, or the store's recent chunks), or positional reads of a bounded buffer of
 * its file, each on the blocking I/O executor. For a fill in progress it waits for the bytes
 * instead of reading past what arrived.
 */
final class ChunkReader implements PieceReader {
  /** The file read, or null when the bytes are in memory. */
  private final FileChannel channel;
  /** The fill tailed, or null for a committed chunk. */
  private final ChunkFill fill;
  /** The bytes in memory, with this reader's reference; null when reading the file, or closed. */
  private volatile HeldBytes memory;
  private final long end;
  private final int bufferSize;
  private final Executor blockingIo;
  private long position;

  private ChunkReader(FileChannel channel, ChunkFill fill, HeldBytes memory, long from, long to, int bufferSize, Executor blockingIo) {
    this.channel = channel;
    this.fill = fill;
    this.memory = memory;
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
   * A reader tailing a fill. When the fill holds its bytes in memory the reader takes a reference
   * to them and opens no file, so it is ready at once: no hop to the I/O executor and back. The
   * reader claims the fill: read-ahead never gives up a fill that someone reads.
   */
  static CompletionStage<PieceReader> open(ChunkFill fill, long from, long to, int bufferSize, Executor io) {
    if (!fill.claim()) {
      return CompletableFuture.failedFuture(new ChunkMissingException(fill.id())); // read ahead for nobody, and given up
    }
    if (fill.holdsBytes()) {
      HeldBytes held = fill.retainHeld();
      if (held != null) {
        return CompletableFuture.completedFuture(new ChunkReader(null, fill, held, from, to, bufferSize, io));
      }
    }
    return onExecutor(
        io,
        () -> {
          try {
            return new ChunkReader(fill.openForReading(), fill, null, from, to, bufferSize, io);
          } catch (NoSuchFileException e) {
            throw new ChunkMissingException(fill.id()); // committed and evicted before this reader opened it
          }
        });
  }

  /** A reader of bytes in memory, in pieces of at most {@code pieceSize}; it releases them when closed. */
  static PieceReader ofHeld(HeldBytes held, long from, long to, int pieceSize) {
    return new ChunkReader(null, null, held, from, to, pieceSize, null);
  }

  /** A reader of a committed chunk's open file; it closes the file. */
  static PieceReader ofFile(FileChannel file, long from, long to, int bufferSize, Executor io) {
    return new ChunkReader(file, null, null, from, to, bufferSize, io);
  }

  @Override
  public CompletionStage<Optional<ByteBuffer>> next() {
    if (position >= end) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    Throwable failed = fill == null ? null : fill.failure();
    if (failed != null) {
      return CompletableFuture.failedFuture(new IOException("chunk fill failed: " + failed.getMessage(), failed));
    }
    if (channel == null) {
      long available = fill == null ? end : Math.min(end, fill.arrivedBytes());
      if (available <= position) {
        return fill.awaitBeyond(position).thenCompose(v -> next());
      }
      ByteBuffer piece;
      synchronized (this) {
        // Sliced while the reference is held: a close on another thread waits for this.
        HeldBytes held = memory;
        if (held == null) {
          return CompletableFuture.failedFuture(new IOException("chunk reader closed"));
        }
        long to = Math.min(available, position + bufferSize);
        piece = held.slice(position, to);
        position = to;
      }
      return CompletableFuture.completedFuture(Optional.of(piece));
    }
    if (fill != null && fill.onDisk() <= position) {
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

  /**
   * Bytes read from a file per call into a heap buffer. The JDK copies each such read through a
   * temporary direct buffer of the read's size, cached per thread and counted against
   * -XX:MaxDirectMemorySize: whole 512 KiB reads on every I/O thread took direct memory the
   * chunk memory had left, and a response failed on "Cannot reserve … bytes of direct buffer
   * memory". Steps of 64 KiB bound that to 64 KiB per thread.
   */
  static final int READ_STEP = 64 * 1024;

  private Optional<ByteBuffer> read(int want) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(want);
    while (buffer.hasRemaining()) {
      ByteBuffer step = buffer.duplicate();
      step.limit(Math.min(buffer.limit(), buffer.position() + READ_STEP));
      int n = channel.read(step, position + buffer.position());
      if (n < 0) {
        throw new IOException("chunk file ended early at " + (position + buffer.position()));
      }
      buffer.position(buffer.position() + n);
    }
    position += want;
    return Optional.of(buffer.flip());
  }

  @Override
  public void close() {
    HeldBytes held;
    synchronized (this) {
      held = memory;
      memory = null;
    }
    if (held != null) {
      held.release();
    }
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
