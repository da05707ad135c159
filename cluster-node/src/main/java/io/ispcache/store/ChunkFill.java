package io.ispcache.store;

import akka.Done;
import akka.stream.javadsl.Flow;
import akka.stream.javadsl.Keep;
import akka.stream.javadsl.Sink;
import akka.util.ByteString;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * One chunk being written: bytes go to a temporary file, which is renamed into place only when
 * exactly the expected length arrived. Readers may tail it meanwhile and see only bytes already
 * written; if the fill aborts they fail, and nothing of it is ever visible as a chunk.
 *
 * <p>While it is written a fill may also hold its bytes in memory (the store grants that within a
 * budget), so the clients tailing it get the bytes handed over instead of read back from disk; at
 * the commit the store keeps them among its recently filled chunks.
 */
public final class ChunkFill {
  private enum State { WRITING, COMMITTED, ABORTED }

  private final ChunkId id;
  private final long expectedLength;
  private final Drive drive;
  private final Path temp;
  private final Path target;
  private final Executor blockingIo;
  private final ChunkStore store;
  private final FileChannel channel;
  private final CompletableFuture<Done> committed = new CompletableFuture<>();
  private final List<CompletableFuture<Void>> waiters = new ArrayList<>();
  private volatile long written;
  private State state = State.WRITING;
  private Throwable failure;
  /** The bytes written so far, while the store lets this fill hold them; null otherwise. */
  private ByteString held;
  private final boolean holds;

  ChunkFill(ChunkId id, long expectedLength, Drive drive, Path temp, Path target, Executor blockingIo, ChunkStore store, boolean holdBytes)
      throws IOException {
    this.holds = holdBytes;
    this.held = holdBytes ? ByteString.emptyByteString() : null;
    this.id = id;
    this.expectedLength = expectedLength;
    this.drive = drive;
    this.temp = temp;
    this.target = target;
    this.blockingIo = blockingIo;
    this.store = store;
    Files.createDirectories(temp.getParent());
    this.channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
  }

  public ChunkId id() {
    return id;
  }

  public long expectedLength() {
    return expectedLength;
  }

  public long written() {
    return written;
  }

  /** Every byte is on disk and only the commit (fsync, rename) is left. */
  public synchronized boolean fullyWritten() {
    return state == State.WRITING && written == expectedLength;
  }

  Drive drive() {
    return drive;
  }

  public CompletionStage<Done> committed() {
    return committed;
  }

  /**
   * The chunk's bytes in order. Writes are batched while the disk is busy (at most 1 MiB at a
   * time) and run on the blocking I/O executor; upstream is backpressured by the disk.
   */
  public Sink<ByteString, CompletionStage<Done>> sink() {
    return Flow.of(ByteString.class)
        .batchWeighted(1 << 20, b -> (long) b.size(), b -> b, ByteString::concat)
        .mapAsync(1, bytes -> CompletableFuture.supplyAsync(() -> write(bytes), blockingIo))
        .toMat(Sink.ignore(), Keep.right())
        .mapMaterializedValue(
            done -> {
              done.whenCompleteAsync(
                  (d, e) -> {
                    if (e != null) {
                      abort(e);
                    } else {
                      commit();
                    }
                  },
                  blockingIo);
              return committed;
            });
  }

  private Done write(ByteString bytes) {
    synchronized (this) {
      if (state != State.WRITING) {
        throw new IllegalStateException("chunk fill already " + state.name().toLowerCase());
      }
    }
    if (written + bytes.size() > expectedLength) {
      IOException e = new IOException("chunk " + id.index() + " of " + id.key() + ": more than " + expectedLength + " bytes arrived");
      abort(e);
      throw new IllegalStateException(e);
    }
    try {
      for (ByteBuffer b : bytes.getByteBuffers()) {
        while (b.hasRemaining()) {
          channel.write(b);
        }
      }
    } catch (IOException e) {
      abort(e);
      throw new IllegalStateException(e);
    }
    List<CompletableFuture<Void>> wake;
    synchronized (this) {
      written += bytes.size();
      if (held != null) {
        held = held.concat(bytes);
      }
      wake = drain();
    }
    wake.forEach(w -> w.complete(null));
    return Done.getInstance();
  }

  private void commit() {
    if (written != expectedLength) {
      abort(new IOException("chunk " + id.index() + " of " + id.key() + ": " + written + " of " + expectedLength + " bytes arrived"));
      return;
    }
    List<CompletableFuture<Void>> wake;
    ByteString kept;
    try {
      // On disk before it becomes visible, so a power cut cannot leave a full-length chunk of zeros.
      channel.force(false);
      channel.close();
      store.beforeRename(this);
      synchronized (this) {
        if (state != State.WRITING) {
          return;
        }
        try {
          Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        state = State.COMMITTED;
        kept = held;
        held = null;
        wake = drain();
      }
    } catch (IOException e) {
      abort(e);
      return;
    }
    store.committed(this, kept);
    wake.forEach(w -> w.complete(null));
    committed.complete(Done.getInstance());
  }

  /** Gives up: the temp file is deleted, the reservation released, tailing readers fail. */
  public void abort(Throwable cause) {
    List<CompletableFuture<Void>> wake;
    synchronized (this) {
      if (state != State.WRITING) {
        return;
      }
      state = State.ABORTED;
      failure = cause;
      dropHeld();
      wake = drain();
    }
    try {
      channel.close();
      Files.deleteIfExists(temp);
    } catch (IOException ignored) {
      // the start-up scan removes any temp file left behind
    }
    store.aborted(this);
    wake.forEach(w -> w.complete(null));
    committed.completeExceptionally(cause);
  }

  private List<CompletableFuture<Void>> drain() {
    List<CompletableFuture<Void>> wake = new ArrayList<>(waiters);
    waiters.clear();
    return wake;
  }

  /** Bytes {@code [from, min(to, written))} from memory, or null when not held (then read the file). */
  synchronized ByteString held(long from, long to) {
    if (held == null || from >= written) {
      return null;
    }
    return held.slice((int) from, (int) Math.min(to, written));
  }

  /** An aborted fill's bytes are useless: give the memory back (a commit hands them to the store). */
  private void dropHeld() {
    if (holds) {
      held = null;
      store.releaseMemory(expectedLength);
    }
  }

  /** Opens a reader's own channel on the file as it is now (temp, or final once renamed). */
  synchronized FileChannel openForReading() throws IOException {
    if (state == State.ABORTED) {
      throw new IOException("fill aborted: " + failure);
    }
    return FileChannel.open(state == State.COMMITTED ? target : temp, StandardOpenOption.READ);
  }

  /** Completes once more than {@code position} bytes are written, or the fill ended. */
  synchronized CompletionStage<Void> awaitBeyond(long position) {
    if (written > position || state != State.WRITING) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> w = new CompletableFuture<>();
    waiters.add(w);
    return w;
  }

  synchronized Throwable failure() {
    return state == State.ABORTED ? failure : null;
  }
}
