package io.ispcache.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One cache drive: its directory, its byte budget (stored plus reserved for fills in progress,
 * never above the limit) and the eviction order of its chunks. The budget counts what the store
 * puts on the drive as the file system allocates it (see {@link DriveUsage}): chunk files, and per
 * object held here its directory and meta file, which go when its last chunk here goes.
 */
final class Drive {
  static final String MARKER = ".ispcache-drive";

  final int number;
  final Path root;
  final long maxBytes;
  /** The file system's free space against the floor it keeps: below it, no new chunk here. */
  final FileSystemRoom room;
  private final SegmentedLru<ChunkId> order;
  private long stored;
  private long reserved;
  private long chunks;
  /** Bytes of the objects' directories and meta files. */
  private long overhead;
  /** Bytes of the drive's own directories and marker, and of the shard directories: never evicted. */
  private long fixed;
  /** Overhead of objects with fills in progress here: evicting cannot free it. */
  private long pinnedOverhead;
  /** The objects with chunks or fills here, by cache key: as many as the chunks at most. */
  private final java.util.HashMap<String, Held> objects = new java.util.HashMap<>();
  private final DriveUsage usage;
  /** The shard directories made (or found) so far, by their number (the key hash's first byte). */
  private final java.util.BitSet shards = new java.util.BitSet(256);

  /** One object on this drive: its chunks, its fills in progress, and what its files cost. */
  private static final class Held {
    int chunks;
    int filling;
    long metaBytes;
    /** The most its directory took while held: a directory does not shrink. */
    long directoryBytes;
    /** Its directory and meta file, as counted in {@link Drive#overhead}. */
    long overhead;

    Held(long metaBytes) {
      this.metaBytes = metaBytes;
    }

    /** A fill here: its directory and meta file stay until it ends, whatever is evicted. */
    boolean pinned() {
      return filling > 0;
    }
  }
  private final Object probeLock = new Object();
  private volatile long healthCheckedAt;
  private volatile boolean writable = true;

  Drive(int number, Path root, long maxBytes) {
    this(number, root, maxBytes, new DriveUsage(DriveUsage.BLOCK));
  }

  Drive(int number, Path root, long maxBytes, DriveUsage usage) {
    this(number, root, maxBytes, usage, FileSystemRoom.UNCHECKED);
  }

  Drive(int number, Path root, long maxBytes, DriveUsage usage, FileSystemRoom room) {
    this.room = room;
    this.number = number;
    this.root = root;
    this.maxBytes = maxBytes;
    this.usage = usage;
    this.order = new SegmentedLru<>(maxBytes, 0.8);
    this.fixed = usage.base();
  }

  Path objects() {
    return root.resolve("objects");
  }

  /**
   * Reserves room for a chunk of {@code bytes} of object {@code key} (and, for the object's first
   * chunk here, for its directory and meta file of {@code metaBytes}), choosing victims until it
   * fits; the caller deletes the victims' files. Throws when even an empty drive could not fit it
   * next to the reservations.
   */
  synchronized List<ChunkId> reserve(
      String key, int shard, long bytes, java.util.function.LongSupplier metaBytes, java.util.function.ToLongFunction<ChunkId> sizeOf)
      throws StoreFullException {
    Held held = objects.get(key);
    long meta = held == null ? metaBytes.getAsLong() : held.metaBytes;
    long entries = held == null ? 0 : held.chunks + held.filling;
    long objectAfter = Math.max(held == null ? 0 : held.directoryBytes, usage.directory(entries + 2)) + usage.meta(meta);
    long shardCost = shards.get(shard) ? 0 : usage.shard();
    // The object is pinned once this fill begins, whatever is evicted.
    long pinnedAfter = pinnedOverhead - (held != null && held.pinned() ? held.overhead : 0) + objectAfter;
    if (reserved + usage.chunk(bytes) + pinnedAfter + fixed + shardCost > maxBytes) {
      throw new StoreFullException(
          "drive " + root + " has no room for " + bytes + " more bytes: " + reserved + " of " + maxBytes + " are being filled");
    }
    if (shardCost > 0) {
      shards.set(shard);
      fixed += shardCost;
    }
    if (held == null) {
      held = new Held(meta);
      objects.put(key, held);
    }
    boolean pinned = held.pinned();
    held.filling++;
    repin(held, pinned);
    recount(held);
    reserved += usage.chunk(bytes);
    // Everything stored is evictable and the reservations fit: this brings the drive within its limit.
    return shed(sizeOf);
  }

  /** Chooses victims until the drive is within its limit (a limit lowered since the last start). */
  synchronized List<ChunkId> shed(java.util.function.ToLongFunction<ChunkId> sizeOf) {
    List<ChunkId> victims = new ArrayList<>();
    while (stored + reserved + overhead + fixed > maxBytes) {
      ChunkId victim = order.evict();
      if (victim == null) {
        break;
      }
      stored -= usage.chunk(sizeOf.applyAsLong(victim));
      chunks--;
      leave(victim.key(), false);
      victims.add(victim);
    }
    return victims;
  }

  /** One chunk (committed, or a fill when {@code filling}) of the object fewer here. */
  private void leave(String key, boolean filling) {
    Held held = objects.get(key);
    if (held == null) {
      return;
    }
    boolean pinned = held.pinned();
    if (filling) {
      held.filling--;
    } else {
      held.chunks--;
    }
    repin(held, pinned);
    if (held.chunks == 0 && held.filling == 0) {
      objects.remove(key);
      overhead -= held.overhead;
    }
  }

  /** Counts the object's directory (grown with its files) and meta file anew. */
  private void recount(Held held) {
    long directory = Math.max(held.directoryBytes, usage.directory(held.chunks + held.filling + 1));
    long now = directory + usage.meta(held.metaBytes);
    overhead += now - held.overhead;
    if (held.pinned()) {
      pinnedOverhead += now - held.overhead;
    }
    held.directoryBytes = directory;
    held.overhead = now;
  }

  /** Keeps {@link #pinnedOverhead} right after the object's counts changed. */
  private void repin(Held held, boolean wasPinned) {
    if (held.pinned() != wasPinned) {
      pinnedOverhead += held.pinned() ? held.overhead : -held.overhead;
    }
  }

  /**
   * The object's meta file here was written with {@code metaBytes} (its revision confirmed with
   * other header fields, or a meta other than the one its first fill was counted by): its share
   * is counted anew. True when that took the drive over its limit, to be {@link #shed}.
   */
  synchronized boolean metaWritten(String key, long metaBytes) {
    Held held = objects.get(key);
    if (held != null) {
      held.metaBytes = metaBytes;
      recount(held);
    }
    return used() > maxBytes;
  }

  /** Whether the drive holds a chunk of the object, or a fill of one is in progress here. */
  synchronized boolean holds(String key) {
    return objects.containsKey(key);
  }

  /** A fill gave up: its reservation is free again. */
  synchronized void release(String key, long bytes) {
    reserved -= usage.chunk(bytes);
    leave(key, true);
  }

  /** A reservation became a stored chunk. */
  synchronized void committed(ChunkId id, long bytes) {
    reserved -= usage.chunk(bytes);
    stored += usage.chunk(bytes);
    order.add(id, bytes);
    chunks++;
    Held held = objects.get(id.key());
    boolean pinned = held.pinned();
    held.chunks++;
    held.filling--;
    repin(held, pinned);
  }

  /** A chunk found on disk at start, of an object whose meta file has {@code metaBytes}. */
  synchronized void adopt(ChunkId id, int shard, long bytes, java.util.function.LongSupplier metaBytes) {
    if (!shards.get(shard)) {
      shards.set(shard);
      fixed += usage.shard();
    }
    stored += usage.chunk(bytes);
    chunks++;
    order.add(id, bytes);
    Held held = objects.get(id.key());
    if (held == null) {
      held = new Held(metaBytes.getAsLong());
      objects.put(id.key(), held);
    }
    held.chunks++;
    recount(held);
  }

  /** A read of the chunk; true if it had been read before (a popular chunk). */
  synchronized boolean touch(ChunkId id) {
    return order.touch(id);
  }

  /** A chunk removed for another reason than eviction (object changed, forgotten). */
  synchronized void removed(ChunkId id, long bytes) {
    order.remove(id);
    stored -= usage.chunk(bytes);
    chunks--;
    leave(id.key(), false);
  }

  /**
   * Bytes on the drive as allocated (chunks, the objects' directories and meta files, the store's
   * own directories) plus bytes reserved for fills in progress; never above {@link #maxBytes}.
   */
  synchronized long used() {
    return stored + reserved + overhead + fixed;
  }

  /** Bytes of chunk files, stored and reserved for fills, as allocated: {@link #used()} less the files around them. */
  synchronized long chunkBytes() {
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
