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
 * the commit the store keeps them among its recently filled chunks. On a drive written direct that
 * memory is an aligned buffer of {@link ChunkMemory}: the origin's bytes are read into it, the
 * file is written from it and the clients are sent slices of it, with no copy in between.
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
  /** Bytes on their way to a direct-written file (aligned); null when the file is written buffered. */
  private ByteBuffer stage;
  private final int block;
  private final DirectWrites direct;
  private final CompletableFuture<Done> committed = new CompletableFuture<>();
  private final List<CompletableFuture<Void>> waiters = new ArrayList<>();
  /** Bytes in the file, readable there. */
  private volatile long written;
  /** Bytes arrived: in the file or staged for it (and held, when the fill holds its bytes). */
  private long received;
  /** A write is using the staging buffer; an abort meanwhile leaves the buffer to it. */
  private boolean busy;
  private State state = State.WRITING;
  private Throwable failure;
  /** A reader took this fill: {@link #abandon} leaves it alone. */
  private boolean claimed;
  /** {@link #abandon} decided to give this fill up: no reader may take it any more. */
  private boolean abandoned;
  /**
   * The chunk's bytes as they arrive, while the store lets this fill hold them; null otherwise,
   * and after an abort. The fill holds one reference until the commit hands it to the store.
   */
  private HeldBytes held;
  private final boolean holds;
  /** The file is written from {@link #held} (direct, aligned), not from a staging buffer. */
  private final boolean fromHeld;

  ChunkFill(
      ChunkId id,
      long expectedLength,
      Drive drive,
      Path temp,
      Path target,
      Executor blockingIo,
      ChunkStore store,
      boolean holdBytes,
      DirectWrites direct,
      ChunkMemory memory)
      throws IOException {
    this.holds = holdBytes;
    this.id = id;
    this.expectedLength = expectedLength;
    this.drive = drive;
    this.temp = temp;
    this.target = target;
    this.blockingIo = blockingIo;
    this.store = store;
    this.direct = direct;
    if (!Files.isDirectory(temp.getParent())) {
      // Checked first: createDirectories throws (and catches) two exceptions when it exists already.
      Files.createDirectories(temp.getParent());
    }
    // A chunk of (nearly) full size is held in an aligned buffer and written from it; a smaller
    // one is held on the heap and written through a staging buffer (or buffered).
    HeldBytes pooled =
        holdBytes && memory.suits(expectedLength) && direct.directOn(drive.root) ? memory.take((int) expectedLength) : null;
    DirectWrites.Opened opened;
    try {
      opened = direct.create(drive.root, temp, pooled == null);
    } catch (IOException | RuntimeException e) {
      if (pooled != null) {
        pooled.release();
      }
      throw e;
    }
    if (pooled != null && opened.block() == 0) {
      pooled.release(); // the drive refused direct I/O after all: written buffered, held on the heap
      pooled = null;
    }
    this.channel = opened.channel();
    this.stage = opened.stage();
    this.block = opened.block();
    this.fromHeld = pooled != null;
    if (holdBytes) {
      held = fromHeld ? pooled : HeldBytes.heap((int) expectedLength);
    }
  }

  public ChunkId id() {
    return id;
  }

  public long expectedLength() {
    return expectedLength;
  }

  /** Bytes the fill has taken so far (on disk, or staged for it). */
  public synchronized long written() {
    return received;
  }

  /** Bytes in the file, readable there. */
  long onDisk() {
    return written;
  }

  /**
   * Every byte arrived and is held in memory for the readers (the disk write may still be going
   * on, or the commit just done while the store has yet to list the chunk): a reader gets the
   * whole chunk without waiting for anyone.
   */
  public synchronized boolean allHeld() {
    return state != State.ABORTED && held != null && received == expectedLength;
  }

  /**
   * Every byte is on disk and only the commit (fsync, rename) is left, or the commit is done and
   * the store has yet to list the chunk (a request in that moment is a hit, not a miss).
   */
  public synchronized boolean fullyWritten() {
    return state != State.ABORTED && written == expectedLength;
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

  /**
   * The next piece, written on the caller's thread (a fill fed without a stream, such as by an
   * origin body's fetching thread); blocks while the disk writes. Throws when the fill ended
   * already or the piece runs past the chunk's length (the fill is then aborted).
   */
  public void accept(ByteString bytes) {
    write(bytes);
  }

  /**
   * Room for the next bytes, for the caller to read them into straight from the origin's socket:
   * in the fill's held direct memory (the file is then written from it, and readers are sent it)
   * or in its staging buffer; either way they reach the disk with no copy on the way (a piece
   * given to {@link #accept} is copied, after the JDK copied it from its socket buffer to the heap).
   * Null when this fill takes pieces instead: it writes through the page cache, or every byte
   * arrived. Each room handed out is answered by one call of {@link #filled}.
   */
  public ByteBuffer room() {
    synchronized (this) {
      if (state != State.WRITING || (stage == null && !fromHeld) || busy || received >= expectedLength) {
        return null;
      }
      busy = true;
    }
    if (fromHeld) {
      // Up to the next staged write; the file is written from this same memory.
      ByteBuffer b = held.buffer();
      b.limit((int) Math.min(expectedLength, written + DirectWrites.STAGE_BYTES)).position((int) received);
      return b;
    }
    long left = expectedLength - received;
    int room = (int) Math.min(stage.remaining(), left);
    return stage.duplicate().limit(stage.position() + room);
  }

  /**
   * {@code n} bytes were read into the {@link #room} handed out (none when the read failed): they
   * are taken like a piece given to {@link #accept}, and written once the staging buffer is full
   * or the chunk complete. Throws when the fill ended meanwhile.
   */
  public void filled(ByteBuffer room, int n) {
    try {
      if (n > 0) {
        fillNow(n);
      }
    } finally {
      endUse();
    }
  }

  private void fillNow(int n) {
    if (fromHeld) {
      arrived(n);
      return;
    }
    int at = stage.position();
    boolean counted = false;
    if (held != null) {
      // The readers' copy, taken before the disk write: their bytes wait for the origin only.
      held.buffer().put((int) received, stage, at, n);
      counted = true;
      announce(n);
    }
    long total;
    synchronized (this) {
      if (state != State.WRITING) {
        throw new IllegalStateException("chunk fill already " + state.name().toLowerCase());
      }
      total = counted ? received : received + n;
    }
    stage.position(at + n);
    long onDisk = written;
    try {
      if (!stage.hasRemaining() || total == expectedLength) {
        onDisk = flushStage(onDisk);
      }
    } catch (IOException e) {
      abort(e);
      throw new IllegalStateException(e);
    }
    onDisk(n, counted, onDisk);
  }

  /** {@code n} bytes more are in {@link #held}: the waiting readers are woken (before any disk write). */
  private void announce(int n) {
    List<CompletableFuture<Void>> wake;
    synchronized (this) {
      if (state != State.WRITING) {
        throw new IllegalStateException("chunk fill already " + state.name().toLowerCase());
      }
      received += n;
      wake = drain();
    }
    wake.forEach(w -> w.complete(null));
  }

  /**
   * {@code n} bytes more are in {@link #held}: the readers are woken at once, before the disk
   * write, so a cold client's bytes wait for the origin only; the file gets them in writes of up to
   * a staging buffer's size, straight from that memory.
   */
  private void arrived(int n) {
    if (n == 0) {
      return;
    }
    announce(n);
    if (received - written >= DirectWrites.STAGE_BYTES || received == expectedLength) {
      long onDisk;
      try {
        onDisk = writeHeld();
      } catch (IOException e) {
        abort(e);
        throw new IllegalStateException(e);
      }
      onDisk(0, true, onDisk);
    }
  }

  /**
   * Writes the held bytes not yet in the file, in whole blocks (the last one padded, the file then
   * cut to the chunk's length). Returns the new file length.
   */
  private long writeHeld() throws IOException {
    long from = written;
    boolean last = received == expectedLength;
    long end = last ? received : received / block * block;
    long padded = last ? (end + block - 1) / block * block : end;
    if (end <= from) {
      return from; // nothing new (an empty piece after the last one): no write at an unaligned end
    }
    ByteBuffer b = held.buffer();
    b.limit((int) padded).position((int) from);
    while (b.hasRemaining()) {
      channel.write(b, b.position());
    }
    if (padded != end) {
      channel.truncate(end);
    }
    return end;
  }

  /** Every piece was given to {@link #accept}: commits (or aborts if bytes are missing) now. */
  public void finish() {
    commit();
  }

  private Done write(ByteString bytes) {
    synchronized (this) {
      if (state != State.WRITING) {
        throw new IllegalStateException("chunk fill already " + state.name().toLowerCase());
      }
      busy = true;
    }
    try {
      return writeNow(bytes);
    } finally {
      endUse();
    }
  }

  private Done writeNow(ByteString bytes) {
    if (received + bytes.size() > expectedLength) {
      IOException e = new IOException("chunk " + id.index() + " of " + id.key() + ": more than " + expectedLength + " bytes arrived");
      abort(e);
      throw new IllegalStateException(e);
    }
    boolean counted = false;
    if (holds) {
      // Readers of a fill held in memory get the bytes now, not after the disk write: a cold
      // client's first bytes and every later piece wait for the origin only.
      ByteBuffer into = held.buffer();
      into.position((int) received);
      for (ByteBuffer b : bytes.getByteBuffers()) {
        into.put(b.duplicate());
      }
      if (fromHeld) {
        arrived(bytes.size());
        return Done.getInstance();
      }
      announce(bytes.size());
      counted = true;
    }
    long total = counted ? received : received + bytes.size();
    long onDisk = written;
    try {
      if (stage == null) {
        for (ByteBuffer b : bytes.getByteBuffers()) {
          while (b.hasRemaining()) {
            onDisk += channel.write(b, onDisk);
          }
        }
      } else {
        for (ByteBuffer b : bytes.getByteBuffers()) {
          while (b.hasRemaining()) {
            int n = Math.min(b.remaining(), stage.remaining());
            stage.put(stage.position(), b, b.position(), n);
            stage.position(stage.position() + n);
            b.position(b.position() + n);
            if (!stage.hasRemaining()) {
              onDisk = flushStage(onDisk);
            }
          }
        }
        if (total == expectedLength && stage.position() > 0) {
          onDisk = flushStage(onDisk);
        }
      }
    } catch (IOException e) {
      abort(e);
      throw new IllegalStateException(e);
    }
    onDisk(bytes.size(), counted, onDisk);
    return Done.getInstance();
  }

  /** {@code n} bytes more are in the file, which now ends at {@code onDisk} ({@code counted}: held already). */
  private void onDisk(long n, boolean counted, long onDisk) {
    List<CompletableFuture<Void>> wake;
    synchronized (this) {
      if (!counted) {
        received += n;
      }
      written = onDisk;
      wake = drain();
    }
    wake.forEach(w -> w.complete(null));
  }

  /** A write (or a read into the staging buffer) is over; an abort meanwhile left the buffers to it. */
  private synchronized void endUse() {
    busy = false;
    if (state == State.ABORTED) {
      releaseStage();
      releaseHeld();
    }
  }

  /**
   * Writes the staged bytes at {@code at} with one direct write. The last piece of a chunk is
   * padded to the block size for the write and the file then cut to the chunk's length.
   */
  private long flushStage(long at) throws IOException {
    int length = stage.position();
    int padded = (length + block - 1) / block * block;
    stage.position(0).limit(padded);
    while (stage.hasRemaining()) {
      channel.write(stage, at + stage.position());
    }
    stage.clear();
    if (padded != length) {
      channel.truncate(at + length);
    }
    return at + length;
  }

  private void commit() {
    if (written != expectedLength) {
      abort(new IOException("chunk " + id.index() + " of " + id.key() + ": " + received + " of " + expectedLength + " bytes arrived"));
      return;
    }
    releaseStage();
    List<CompletableFuture<Void>> wake;
    HeldBytes kept;
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
        // The store takes this fill's reference to the bytes and keeps them among its recent
        // chunks; this fill's readers hold references of their own.
        kept = held;
        wake = drain();
      }
    } catch (IOException e) {
      abort(e);
      return;
    }
    store.committed(this, kept);
    wake.forEach(w -> w.complete(null));
    committed.complete(Done.getInstance());
    if (block > 0) {
      direct.readBack(target, blockingIo);
    }
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
      if (holds) {
        store.releaseMemory(expectedLength);
      }
      if (!busy) {
        // else the write (or the origin read into held memory) in progress gives them back
        releaseStage();
        releaseHeld();
      }
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

  /**
   * Gives the fill up as {@link #abort} does, unless someone reads it ({@link #claim}) or every
   * byte arrived already (finishing it costs nothing more): for read-ahead that no client waits for
   * any more. Returns whether it gave up.
   */
  public boolean abandon(Throwable cause) {
    synchronized (this) {
      if (claimed || state != State.WRITING || received == expectedLength) {
        return false;
      }
      abandoned = true;
    }
    abort(cause);
    return true;
  }

  /**
   * A reader (a response or a peer) takes the fill, which is then never abandoned; false when it
   * was given up already, and the reader finds the chunk missing.
   */
  synchronized boolean claim() {
    if (state == State.ABORTED || abandoned && state == State.WRITING) {
      return false;
    }
    claimed = true;
    return true;
  }

  /** The staging buffer goes back to the pool once no write can use it any more. */
  private synchronized void releaseStage() {
    if (stage != null) {
      direct.give(stage);
      stage = null;
    }
  }

  private List<CompletableFuture<Void>> drain() {
    List<CompletableFuture<Void>> wake = new ArrayList<>(waiters);
    waiters.clear();
    return wake;
  }

  /** Whether every byte of this fill is (or was, until an abort) held in memory for its readers. */
  boolean holdsBytes() {
    return holds;
  }

  /** An aborted fill's reference to its bytes; readers that hold their own keep theirs. */
  private void releaseHeld() {
    if (held != null) {
      held.release();
      held = null;
    }
  }

  /**
   * The held bytes with a reference for a reader, who releases it when done; null when this fill
   * holds none (any more: aborted, or committed and since let go by the store).
   */
  synchronized HeldBytes retainHeld() {
    if (state == State.ABORTED || held == null || !held.retain()) {
      return null;
    }
    return held;
  }

  /** Bytes arrived so far (held in memory and readable there when the fill holds its bytes). */
  synchronized long arrivedBytes() {
    return received;
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
    if ((held != null ? received : written) > position || state != State.WRITING) {
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
