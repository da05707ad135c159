package io.ispcache.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One cache drive: its directory, its byte budget (stored plus reserved for fills in progress,
 * never above the limit) and the eviction order of its chunks.
 */
final class Drive {
  static final String MARKER = ".ispcache-drive";

  final int number;
  final Path root;
  final long maxBytes;
  private final SegmentedLru<ChunkId> order;
  private long stored;
  private long reserved;
  private long chunks;
  private final Object probeLock = new Object();
  private volatile long healthCheckedAt;
  private volatile boolean writable = true;

  Drive(int number, Path root, long maxBytes) {
    this.number = number;
    this.root = root;
    this.maxBytes = maxBytes;
    this.order = new SegmentedLru<>(maxBytes, 0.8);
  }

  Path objects() {
    return root.resolve("objects");
  }

  /**
   * Reserves {@code bytes}, choosing victims until they fit; the caller deletes the victims'
   * files. Throws when even an empty drive could not fit them next to the reservations.
   */
  synchronized List<ChunkId> reserve(long bytes, java.util.function.ToLongFunction<ChunkId> sizeOf)
      throws StoreFullException {
    if (reserved + bytes > maxBytes) {
      throw new StoreFullException(
          "drive " + root + " has no room for " + bytes + " more bytes: " + reserved + " of " + maxBytes + " are being filled");
    }
    List<ChunkId> victims = new ArrayList<>();
    while (stored + reserved + bytes > maxBytes) {
      ChunkId victim = order.evict();
      if (victim == null) {
        break; // cannot happen: everything stored is evictable and the reservations fit
      }
      stored -= sizeOf.applyAsLong(victim);
      chunks--;
      victims.add(victim);
    }
    reserved += bytes;
    return victims;
  }

  /** A fill gave up: its reservation is free again. */
  synchronized void release(long bytes) {
    reserved -= bytes;
  }

  /** A reservation became a stored chunk. */
  synchronized void committed(ChunkId id, long bytes) {
    reserved -= bytes;
    stored += bytes;
    order.add(id, bytes);
    chunks++;
  }

  /** A chunk found on disk at start. */
  synchronized void adopt(ChunkId id, long bytes) {
    stored += bytes;
    chunks++;
    order.add(id, bytes);
  }

  /** A read of the chunk; true if it had been read before (a popular chunk). */
  synchronized boolean touch(ChunkId id) {
    return order.touch(id);
  }

  /** A chunk removed for another reason than eviction (object changed, forgotten). */
  synchronized void removed(ChunkId id, long bytes) {
    order.remove(id);
    stored -= bytes;
    chunks--;
  }

  /** Bytes stored plus bytes reserved for fills in progress; never above {@link #maxBytes}. */
  synchronized long used() {
    return stored + reserved;
  }

  synchronized long chunks() {
    return chunks;
  }

  /** Whether a small file can be written, checked at most every few seconds. */
  boolean writable() {
    synchronized (probeLock) { // one probe at a time: two would trip over each other's file
      return probe();
    }
  }

  private boolean probe() {
    long now = System.nanoTime();
    if (healthCheckedAt == 0 || now - healthCheckedAt > 5_000_000_000L) {
      healthCheckedAt = now;
      Path probe = root.resolve(".health-probe");
      try {
        Files.write(probe, new byte[] {1});
        Files.delete(probe);
        writable = true;
      } catch (IOException e) {
        writable = false;
      }
    }
    return writable;
  }
}
