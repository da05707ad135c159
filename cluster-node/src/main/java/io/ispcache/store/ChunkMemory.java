package io.ispcache.store;

import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * Direct buffers for chunk bytes held in memory, one chunk each, aligned for {@code O_DIRECT}
 * writes and pooled: a fill reads the origin's socket into one, writes the chunk file from it and
 * hands slices of it to the clients' sockets, with no copy on the way and no garbage for the
 * collector (heap arrays for the same bytes cost a copy in, a copy out to the JDK's socket buffer,
 * zeroing, and concurrent marking cycles).
 */
final class ChunkMemory {
  private final int size;
  private final ArrayBlockingQueue<ByteBuffer> free;
  private final int max;
  /** Buffers allocated and not yet left to the collector: held, or free in the pool. */
  private final java.util.concurrent.atomic.AtomicInteger allocated = new java.util.concurrent.atomic.AtomicInteger();

  /**
   * Buffers of {@code chunkSize} rounded up to the alignment; at most {@code keep} kept free and
   * {@code max} allocated at once (beyond it chunks are held on the heap: the store's budget counts
   * a chunk's length, which may be half a buffer, and not the buffers readers still send from).
   */
  ChunkMemory(int chunkSize, int keep, int max) {
    this.size = bufferSize(chunkSize);
    this.free = new ArrayBlockingQueue<>(Math.max(1, keep));
    this.max = max;
  }

  /**
   * At most {@code wanted} buffers of a chunk's size, and no more than half the JVM's direct
   * memory: the rest stays for the staging buffers and for the JDK, which copies every heap buffer
   * written to a socket into direct memory of its own.
   */
  static int cap(int chunkSize, int wanted) {
    long half = maxDirectMemory() / 2;
    return (int) Math.max(0, Math.min(wanted, half / bufferSize(chunkSize)));
  }

  /** A chunk's size rounded up to the alignment of direct writes. */
  private static int bufferSize(int chunkSize) {
    return (chunkSize + DirectWrites.ALIGN - 1) / DirectWrites.ALIGN * DirectWrites.ALIGN;
  }

  /** {@code -XX:MaxDirectMemorySize}, or the heap's maximum when it is not set (the JVM's default). */
  static long maxDirectMemory() {
    try {
      com.sun.management.HotSpotDiagnosticMXBean vm =
          java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
      long set = Long.parseLong(vm.getVMOption("MaxDirectMemorySize").getValue());
      if (set > 0) {
        return set;
      }
    } catch (RuntimeException | LinkageError e) {
      // not HotSpot: the default below
    }
    return Runtime.getRuntime().maxMemory();
  }

  /** Bytes per buffer. */
  int bufferSize() {
    return size;
  }

  /**
   * Whether a chunk of {@code length} bytes is worth a buffer: at least half of one (a small object
   * or an object's short last chunk would pin a whole buffer for a few bytes of the budget).
   */
  boolean suits(long length) {
    return length * 2 >= size && length <= size;
  }

  /**
   * Room for a chunk of {@code length} bytes (at most the chunk size), held by the caller; null
   * when the JVM's direct memory is used up (the fill then holds its bytes on the heap).
   */
  HeldBytes take(int length) {
    ByteBuffer b = free.poll();
    if (b == null) {
      if (allocated.incrementAndGet() > max) {
        allocated.decrementAndGet();
        return null;
      }
      try {
        b = ByteBuffer.allocateDirect(size + DirectWrites.ALIGN).alignedSlice(DirectWrites.ALIGN).limit(size).slice();
      } catch (OutOfMemoryError e) {
        allocated.decrementAndGet();
        exhausted();
        return null;
      }
    }
    return new HeldBytes(b, length, this);
  }

  private long lastWarning;

  private synchronized void exhausted() {
    long now = System.nanoTime();
    if (lastWarning == 0 || now - lastWarning > 60_000_000_000L) {
      lastWarning = now;
      org.slf4j.LoggerFactory.getLogger(ChunkMemory.class)
          .warn("direct memory is used up (-XX:MaxDirectMemorySize); chunks are held on the heap meanwhile");
    }
  }

  /** A buffer nobody holds any more; beyond the ones kept, the collector frees it. */
  void give(ByteBuffer buffer) {
    buffer.clear();
    if (!free.offer(buffer)) {
      allocated.decrementAndGet();
    }
  }
}
