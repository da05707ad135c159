package io.ispcache.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chunk files written with {@code O_DIRECT}: the bytes of a fill go from an aligned staging buffer
 * to the drive without a copy into the page cache. That copy was the largest single cost of a cold
 * download (a third of the node's CPU), and it filled the page cache with cold data, pushing out
 * the chunks that are being hit. Hits read their chunk into the page cache once and stay there.
 *
 * <p>Staging buffers are pooled ({@link #MAX_BUFFERS} of {@link #STAGE_BYTES}, and no more than a
 * quarter of the JVM's direct memory: chunk memory takes up to half, and the origin client's socket
 * buffers need the rest); a fill that finds none free, or a drive whose file system refuses
 * {@code O_DIRECT} (tmpfs), writes buffered.
 */
final class DirectWrites {
  private static final Logger log = LoggerFactory.getLogger(DirectWrites.class);
  /** Bytes staged per direct write: large writes, and a multiple of any block size. */
  static final int STAGE_BYTES = 1 << 20;
  static final int MAX_BUFFERS = 32;

  /** Alignment of every staging buffer; drives with blocks that do not divide it write buffered. */
  static final int ALIGN = 4096;

  /** Staging buffers this JVM may allocate: {@link #MAX_BUFFERS}, within a quarter of its direct memory. */
  private static final int BUFFERS =
      (int) Math.max(1, Math.min(MAX_BUFFERS, ChunkMemory.maxDirectMemory() / 4 / (STAGE_BYTES + ALIGN)));

  private static final Path DISCARD = Path.of("/dev/null");

  private final boolean enabled;
  private final boolean readBack;
  private final ArrayBlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(MAX_BUFFERS);
  private final AtomicInteger allocated = new AtomicInteger();
  /** Per drive root: its block size, or 0 when direct I/O is refused there. */
  private final ConcurrentHashMap<Path, Integer> blocks = new ConcurrentHashMap<>();

  DirectWrites(boolean enabled, boolean readBack) {
    this.enabled = enabled;
    this.readBack = readBack;
  }

  /**
   * Reads a chunk file just written direct back into the page cache, on {@code io}, when the store
   * is set to ({@code ispcache.store.read-back}): the next hit on the chunk is then served from
   * memory, as after a buffered write, where it would otherwise wait for the disk (a 1 GiB object
   * fetched again right after its cold fill came at a quarter of the speed of the fetch after
   * that). The file goes to {@code /dev/null} with {@code sendfile}: the kernel reads it into the
   * page cache and copies nothing, so the read-back costs a disk read, not the copy {@code O_DIRECT}
   * saved. A chunk evicted before its turn is simply not read.
   */
  void readBack(Path file, Executor io) {
    if (!readBack) {
      return;
    }
    try {
      io.execute(() -> {
        try (FileChannel in = FileChannel.open(file); FileChannel sink = FileChannel.open(DISCARD, StandardOpenOption.WRITE)) {
          long length = in.size();
          for (long at = 0, n; at < length; at += n) {
            if ((n = in.transferTo(at, length - at, sink)) <= 0) {
              break;
            }
          }
        } catch (IOException e) {
          // evicted (or its drive gone) meanwhile: nothing to warm
        }
      });
    } catch (RejectedExecutionException e) {
      // the node is stopping
    }
  }

  /**
   * A file written direct ({@code block} above 0), from a staging buffer of this pool or from the
   * fill's own aligned memory (then {@code stage} is null), or else buffered ({@code block} 0).
   */
  record Opened(FileChannel channel, ByteBuffer stage, int block) {}

  /**
   * Creates (truncating) {@code temp} on the drive at {@code root}, direct when it can: with a
   * staging buffer when {@code staged}, else for a fill that writes from aligned memory of its own.
   */
  Opened create(Path root, Path temp, boolean staged) throws IOException {
    int block = enabled ? blocks.computeIfAbsent(root, DirectWrites::probe) : 0;
    ByteBuffer stage = block > 0 && staged ? take() : null;
    if (block > 0 && (stage != null || !staged)) {
      try {
        return new Opened(
            FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE,
                com.sun.nio.file.ExtendedOpenOption.DIRECT),
            stage,
            block);
      } catch (IOException | UnsupportedOperationException e) {
        if (stage != null) {
          give(stage);
        }
        log.warn("direct write refused for {} ({}); writing buffered", temp, e.toString());
      }
    }
    return new Opened(
        FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE), null, 0);
  }

  /** Whether chunk files on the drive at {@code root} are written direct. */
  boolean directOn(Path root) {
    return enabled && blocks.computeIfAbsent(root, DirectWrites::probe) > 0;
  }

  /** Returns a staging buffer to the pool. */
  void give(ByteBuffer stage) {
    stage.clear();
    free.offer(stage);
  }

  private ByteBuffer take() {
    ByteBuffer b = free.poll();
    if (b != null) {
      return b;
    }
    if (allocated.incrementAndGet() > BUFFERS) {
      allocated.decrementAndGet();
      return null;
    }
    // Buffers are shared by every drive: 4 KiB alignment suits each block size probe accepts.
    try {
      return ByteBuffer.allocateDirect(STAGE_BYTES + ALIGN).alignedSlice(ALIGN).limit(STAGE_BYTES).slice();
    } catch (OutOfMemoryError e) {
      allocated.decrementAndGet();
      return null; // direct memory used up: this file is written buffered
    }
  }

  /** The drive's block size if a file there can be opened for direct I/O, else 0. */
  private static int probe(Path root) {
    Path probe = root.resolve(".direct-probe");
    try {
      int block = (int) Files.getFileStore(root).getBlockSize();
      if (block <= 0 || ALIGN % block != 0) {
        log.info("chunk files on {} are written through the page cache: its {}-byte blocks do not divide {}", root, block, ALIGN);
        return 0;
      }
      try (FileChannel c =
          FileChannel.open(probe, StandardOpenOption.CREATE, StandardOpenOption.WRITE, com.sun.nio.file.ExtendedOpenOption.DIRECT)) {
        ByteBuffer b = ByteBuffer.allocateDirect(2 * block).alignedSlice(block);
        b.limit(block);
        c.write(b, 0);
      }
      log.info("chunk files on {} are written direct (O_DIRECT, {}-byte blocks)", root, block);
      return block;
    } catch (IOException | UnsupportedOperationException e) {
      log.info("chunk files on {} are written through the page cache: direct I/O refused ({})", root, e.toString());
      return 0;
    } finally {
      try {
        Files.deleteIfExists(probe);
      } catch (IOException ignored) {
        // a leftover probe file is removed by the next probe
      }
    }
  }
}
