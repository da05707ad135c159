package io.ispcache.store;

import akka.NotUsed;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import io.ispcache.settings.InvalidSettingException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's chunks on its cache drives, with an in-memory index so a hit needs no disk lookup.
 * Layout per drive: {@code objects/<h[0..2]>/<h>/<version>.meta} and {@code <version>.<index>},
 * where h is the SHA-256 of the cache key; fills write {@code <version>.<index>.tmp} first.
 * An object's meta file and directory on a drive last as long as a chunk or fill of it there; its
 * meta in memory as long as one on any drive, or briefly without (see {@link ChunklessMetas}).
 */
public final class ChunkStore implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ChunkStore.class);

  /** A committed chunk: where it is and how long it is. */
  private record Stored(Drive drive, long length) {}

  private final StoreSettings settings;
  private final DirectWrites directWrites;
  private final List<Drive> drives;
  private final long[] driveSizes;
  private final Executor io;
  private final ConcurrentHashMap<String, ObjectMeta> metas = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<ChunkId, Stored> chunks = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<ChunkId, ChunkFill> fills = new ConcurrentHashMap<>();
  private final Set<String> metaFilesWritten = ConcurrentHashMap.newKeySet();
  /** Metas taken without a chunk held, the oldest beyond the bound forgotten unless held by then. */
  private final ChunklessMetas chunkless = new ChunklessMetas(CHUNKLESS_METAS);
  /** Told of every evicted chunk, so the object's entity learns this node lost it. */
  private volatile java.util.function.Consumer<ChunkId> evictionListener = id -> {};
  private final LongAdder evictions = new LongAdder();
  private final LongAdder evictedBytes = new LongAdder();
  private final java.util.concurrent.atomic.AtomicLong tempCounter = new java.util.concurrent.atomic.AtomicLong();
  /**
   * Bytes held in memory by fills in progress and by {@link #inMemory}, within
   * {@code ispcache.store.memory}; beyond it readers read from disk.
   */
  private final java.util.concurrent.atomic.AtomicLong memoryUsed = new java.util.concurrent.atomic.AtomicLong();
  /**
   * Chunks kept in memory, in the same budget as fills, least recently read out first: every chunk
   * just filled (the clients still reading a new object, a herd or the one whose read-ahead got
   * there first, are served from memory) and every popular chunk (read whole from disk after an
   * earlier read). Each entry holds a reference to its bytes. Guarded by itself.
   */
  private final java.util.LinkedHashMap<ChunkId, HeldBytes> inMemory = new java.util.LinkedHashMap<>(64, 0.75f, true);
  /** Aligned direct buffers for the bytes fills hold on drives written direct. */
  private final ChunkMemory memory;
  /** Chunks whose bytes a reader is collecting to keep in memory. */
  private final Set<ChunkId> admitting = ConcurrentHashMap.newKeySet();
  /** Committed chunk files kept open for hits. */
  private final OpenChunkFiles openFiles;

  private ChunkStore(StoreSettings settings, List<Drive> drives, Executor io) {
    this.settings = settings;
    this.openFiles = new OpenChunkFiles(settings.openFiles());
    this.directWrites = new DirectWrites(settings.directWrites(), settings.readBack());
    int budget = (int) Math.min(4096, settings.memoryBytes() / settings.chunkSize());
    this.memory = new ChunkMemory(settings.chunkSize(), budget + 1, ChunkMemory.cap(settings.chunkSize(), 2 * budget + 16));
    this.drives = drives;
    this.driveSizes = drives.stream().mapToLong(d -> d.maxBytes).toArray();
    this.io = io;
  }

  /**
   * Prepares every drive (refusing directories that are not ispcache's), removes what a crash
   * left half-written, and rebuilds the index from disk.
   */
  public static ChunkStore open(StoreSettings settings, Executor blockingIo) throws IOException {
    return open(settings, Long.MAX_VALUE, blockingIo);
  }

  /**
   * As {@link #open(StoreSettings, Executor)}; an object whose meta on the drives states more than
   * {@code maxObjectLength} bytes (written by an earlier version, or corrupted) is dropped.
   */
  public static ChunkStore open(StoreSettings settings, long maxObjectLength, Executor blockingIo) throws IOException {
    List<Drive> drives = new ArrayList<>();
    List<FileStore> fileSystems = new ArrayList<>();
    for (int i = 0; i < settings.drives().size(); i++) {
      DriveSettings d = settings.drives().get(i);
      Path root = prepare("ispcache.store.drives[" + i + "].path", d.path());
      FileStore fileSystem = Files.getFileStore(root);
      fileSystems.add(fileSystem);
      drives.add(new Drive(i, root, d.maxBytes(), new DriveUsage(blockSize(root)), new FileSystemRoom(fileSystem, settings.minFreeSpace())));
    }
    List<Path> real = drives.stream().map(d -> d.root).toList();
    DrivePathRules.checkDisjoint(real);
    checkCapacity(drives, fileSystems);
    ChunkStore store = new ChunkStore(settings, List.copyOf(drives), blockingIo);
    new StoreScan(store.settings.chunkSize(), maxObjectLength).run(drives, store);
    for (Drive d : drives) {
      long free = d.room.free();
      if (free != Long.MAX_VALUE && free - settings.minFreeSpace() + d.used() < d.maxBytes) {
        log.warn(
            "drive {} may hold {}, but its file system has {} free (keeping ispcache.store.min-free-space {} for other users) "
                + "besides the {} the cache holds there: the cache stops filling it when the file system runs short, before its size",
            d.root, FileSystemRoom.bytes(d.maxBytes), FileSystemRoom.bytes(free), FileSystemRoom.bytes(settings.minFreeSpace()),
            FileSystemRoom.bytes(d.used()));
      }
    }
    return store;
  }

  /**
   * Refuses drive sizes that their file systems cannot hold: one above its file system's capacity,
   * or drives on one file system whose sizes add up to more than it holds.
   */
  private static void checkCapacity(List<Drive> drives, List<FileStore> fileSystems) throws IOException {
    java.util.Map<FileStore, List<Drive>> shared = new java.util.LinkedHashMap<>();
    for (int i = 0; i < drives.size(); i++) {
      Drive d = drives.get(i);
      long capacity = fileSystems.get(i).getTotalSpace();
      if (d.maxBytes > capacity) {
        throw new InvalidSettingException(
            "ispcache.store.drives[" + d.number + "].size", FileSystemRoom.bytes(d.maxBytes),
            "is more than the file system holding " + d.root + " can hold (" + FileSystemRoom.bytes(capacity) + ")");
      }
      shared.computeIfAbsent(fileSystems.get(i), f -> new ArrayList<>()).add(d);
    }
    for (var e : shared.entrySet()) {
      long sum = e.getValue().stream().mapToLong(d -> d.maxBytes).sum();
      long capacity = e.getKey().getTotalSpace();
      if (e.getValue().size() > 1 && sum > capacity) {
        Drive last = e.getValue().get(e.getValue().size() - 1);
        throw new InvalidSettingException(
            "ispcache.store.drives[" + last.number + "].size", FileSystemRoom.bytes(last.maxBytes),
            "drives " + e.getValue().stream().map(d -> String.valueOf(d.number)).toList() + " share one file system of "
                + FileSystemRoom.bytes(capacity) + " and their sizes add up to " + FileSystemRoom.bytes(sum));
      }
    }
  }

  /** The drive's allocation unit as its file system reports it, at least {@link DriveUsage#BLOCK}. */
  private static long blockSize(Path root) {
    try {
      long reported = Files.getFileStore(root).getBlockSize();
      return Long.bitCount(reported) == 1 ? Math.max(DriveUsage.BLOCK, reported) : DriveUsage.BLOCK;
    } catch (IOException | UnsupportedOperationException e) {
      return DriveUsage.BLOCK;
    }
  }

  private static Path prepare(String setting, Path path) throws IOException {
    if (Files.exists(path) && !Files.isDirectory(path)) {
      throw new InvalidSettingException(setting, path, "must be a directory, but is a file");
    }
    try {
      Files.createDirectories(path);
    } catch (IOException e) {
      throw new InvalidSettingException(setting, path, "cannot be created (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
    }
    Path real = path.toRealPath();
    // A symbolic link must not lead where the path itself may not be.
    DrivePathRules.checkAbsolute(setting, path.toString(), real);
    Path marker = real.resolve(Drive.MARKER);
    if (!Files.exists(marker)) {
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(real)) {
        if (entries.iterator().hasNext()) {
          throw new InvalidSettingException(
              setting, path, "is a non-empty directory that is not an ispcache drive; give the cache an empty directory");
        }
      }
      try {
        Files.writeString(marker, "ispcache cache drive: files here are deleted and replaced by the cache\n");
      } catch (IOException e) {
        throw new InvalidSettingException(setting, path, "is not writable (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
      }
    }
    return real;
  }

  public int chunkSize() {
    return settings.chunkSize();
  }

  public Optional<ObjectMeta> meta(String key) {
    return Optional.ofNullable(metas.get(key));
  }

  /**
   * Metas kept without a chunk held, for fills about to begin and objects known from a HEAD: a
   * few seconds' worth of new objects on a busy node, a few megabytes of heap.
   */
  static final int CHUNKLESS_METAS = 4096;

  /** Records the object's current revision; chunks of any other revision are deleted. */
  public void putMeta(ObjectMeta meta) {
    ObjectMeta old = metas.put(meta.key(), meta);
    if (old != null && !old.version().equals(meta.version())) {
      log.info("object {} changed (version {} -> {}); dropping the old chunks", meta.key(), old.version(), meta.version());
      dropVersion(old);
    }
    noteIfChunkless(meta);
  }

  /** Tells {@code listener} of every chunk evicted from now on (on the thread that evicted it). */
  public void onEvicted(java.util.function.Consumer<ChunkId> listener) {
    this.evictionListener = listener;
  }

  /** Bytes of chunk files on all drives (stored and reserved), without directories and meta files. */
  long chunkBytes() {
    return drives.stream().mapToLong(Drive::chunkBytes).sum();
  }

  /** How many objects' metas are in memory. */
  int metaCount() {
    return metas.size();
  }

  private void noteIfChunkless(ObjectMeta meta) {
    if (heldAnywhere(meta.key())) {
      return;
    }
    for (var out : chunkless.note(meta.key(), meta.version())) {
      forgetIfUnheld(out.getKey(), out.getValue());
    }
  }

  /** Whether a drive holds a chunk of the object or has a fill of one in progress. */
  private boolean heldAnywhere(String key) {
    for (Drive d : drives) {
      if (d.holds(key)) {
        return true;
      }
    }
    return false;
  }

  /** Forgets the object's meta of {@code version} if no drive holds or fills a chunk of it. */
  private void forgetIfUnheld(String key, String version) {
    metas.computeIfPresent(key, (k, m) -> m.version().equals(version) && !heldAnywhere(k) ? null : m);
  }

  /**
   * The same revision confirmed by its origin (new header fields, new validation time): kept in
   * memory, and its meta files rewritten on the drives that hold chunks of it so a restart keeps
   * the confirmation. Writes files: call it off the request threads. Nothing changes (false) when
   * the node no longer holds that revision or holds a newer confirmation of it.
   */
  public boolean revalidated(ObjectMeta meta) {
    boolean[] taken = {false};
    metas.computeIfPresent(meta.key(), (k, current) -> {
      if (!current.version().equals(meta.version()) || current.validatedAtMillis() > meta.validatedAtMillis()) {
        return current; // a fill moved on to another revision, or a newer confirmation is in
      }
      taken[0] = true;
      return meta;
    });
    if (!taken[0]) {
      return false; // purged, invalidated or replaced meanwhile: a late confirmation revives nothing
    }
    for (Drive d : drives) {
      String written = d.number + "/" + meta.key() + "/" + meta.version();
      boolean over = false;
      // Under the drive's lock: the object's last chunk there cannot go (and its directory with
      // it) while its meta file is rewritten.
      synchronized (d) {
        if (d.holds(meta.key()) && metaFilesWritten.remove(written)) {
          over = writeMetaFile(d, meta);
        }
      }
      if (over) {
        shed(d); // outside the lock: evicting takes the metas' locks, which are taken before drives'
      }
    }
    return true;
  }

  /**
   * Revision {@code next} in place of {@code expected}, whose chunks are dropped, if this node
   * still holds {@code expected} (another node's validation found the origin's new revision).
   */
  public boolean replaced(ObjectMeta expected, ObjectMeta next) {
    ObjectMeta current = metas.get(expected.key());
    if (current == null || !current.version().equals(expected.version()) || !metas.replace(expected.key(), current, next)) {
      return false;
    }
    log.info("object {} changed (version {} -> {}); dropping the old chunks", next.key(), current.version(), next.version());
    dropVersion(current);
    noteIfChunkless(next);
    return true;
  }

  /** Drops the object entirely. */
  public void forget(String key) {
    ObjectMeta old = metas.remove(key);
    if (old != null) {
      dropVersion(old);
    }
  }

  /** What a purge took off this node: the objects (their meta as it was) and their chunks' bytes. */
  public record Purged(List<ObjectMeta> objects, long bytes) {}

  /**
   * Drops, from every drive, the object with cache key {@code key} (or, with {@code prefix}, every
   * object whose key starts with it) if it was stored at or before {@code storedUpToMillis}: its
   * meta, its chunks and their bytes in memory, counted off the drives. An object stored later is
   * a copy fetched after the purge and stays. The next request for a dropped object is a miss.
   * Scans the index (no disk reads) and deletes files: run it on the blocking-I/O executor.
   */
  public Purged purge(String key, boolean prefix, long storedUpToMillis) {
    List<ObjectMeta> matched = new ArrayList<>();
    if (prefix) {
      for (ObjectMeta m : metas.values()) {
        if (m.key().startsWith(key) && m.storedAtEpochMillis() <= storedUpToMillis) {
          matched.add(m);
        }
      }
    } else {
      ObjectMeta m = metas.get(key);
      if (m != null && m.storedAtEpochMillis() <= storedUpToMillis) {
        matched.add(m);
      }
    }
    List<ObjectMeta> dropped = new ArrayList<>();
    long bytes = 0;
    for (ObjectMeta m : matched) {
      // Only the revision seen above: a copy stored meanwhile (after the purge) is not touched.
      if (metas.remove(m.key(), m)) {
        bytes += dropVersion(m);
        dropped.add(m);
      }
    }
    return new Purged(List.copyOf(dropped), bytes);
  }

  /** Deletes the revision's chunks and meta files; answers the bytes its chunks took. */
  private long dropVersion(ObjectMeta meta) {
    long count = meta.chunkCount(settings.chunkSize());
    long bytes = 0;
    for (long i = 0; i < count; i++) {
      bytes += drop(new ChunkId(meta.key(), meta.version(), i));
    }
    for (Drive d : drives) {
      metaFilesWritten.remove(d.number + "/" + meta.key() + "/" + meta.version());
      try {
        Files.deleteIfExists(objectDir(d, meta.key()).resolve(meta.version() + ".meta"));
      } catch (IOException e) {
        log.warn("cannot delete old meta of {}: {}", meta.key(), e.toString());
      }
      settle(d, meta.key(), meta.version());
    }
    return bytes;
  }

  /**
   * Once the drive holds no chunk of the object and fills none, deletes its meta file there and
   * its directory. Under the drive's lock, so a fill of the object beginning meanwhile (which
   * reserves under that lock before it makes the directory) finds its directory or makes it anew.
   */
  private void settle(Drive drive, String key, String version) {
    synchronized (drive) {
      if (drive.holds(key)) {
        return;
      }
      metaFilesWritten.remove(drive.number + "/" + key + "/" + version);
      Path dir = objectDir(drive, key);
      try {
        Files.deleteIfExists(dir.resolve(version + ".meta"));
        Files.deleteIfExists(dir);
      } catch (java.nio.file.DirectoryNotEmptyException e) {
        // a file of another revision, or one the store did not write: the directory stays
      } catch (IOException e) {
        log.warn("cannot delete the meta of {} on {}: {}", key, drive.root, e.toString());
      }
    }
  }

  /** Deletes evicted chunks' files; an object whose last chunk went loses its meta and directory. */
  private void evicted(Drive drive, List<ChunkId> victims) {
    for (ChunkId v : victims) {
      delete(drive, v);
      unread.remove(v);
    }
    java.util.Map<String, String> objects = new java.util.LinkedHashMap<>();
    for (ChunkId v : victims) {
      objects.put(v.key(), v.version());
    }
    for (var o : objects.entrySet()) {
      settle(drive, o.getKey(), o.getValue());
      forgetIfUnheld(o.getKey(), o.getValue());
    }
    java.util.function.Consumer<ChunkId> listener = evictionListener;
    for (ChunkId v : victims) {
      try {
        listener.accept(v);
      } catch (RuntimeException e) {
        log.warn("eviction of chunk {} of {} not told: {}", v.index(), v.key(), e.toString());
      }
    }
  }

  /** Forgets and deletes a committed chunk; answers its length, 0 when it was not stored. */
  private long drop(ChunkId id) {
    unread.remove(id);
    Stored s = chunks.get(id);
    if (s == null) {
      return 0;
    }
    synchronized (s.drive()) {
      if (!chunks.remove(id, s)) {
        return 0;
      }
      s.drive().removed(id, s.length());
    }
    delete(s.drive(), id);
    settle(s.drive(), id.key(), id.version());
    return s.length();
  }

  public boolean has(ChunkId id) {
    return chunks.containsKey(id);
  }

  /**
   * Committed, or every byte arrived (held in memory, or written with only the commit left): a
   * request that comes in right after the one that filled the chunk is a hit, not a miss, even
   * when the client of the fill had its last bytes from memory before the disk write ended.
   */
  public boolean hasAllBytes(ChunkId id) {
    if (chunks.containsKey(id)) {
      return true;
    }
    ChunkFill fill = fills.get(id);
    return fill != null && (fill.allHeld() || fill.fullyWritten());
  }

  /**
   * Bytes {@code [from, toExclusive)} of a committed chunk or of a fill in progress (tailing it).
   * Fails with {@link ChunkMissingException}, before any bytes, when neither exists.
   */
  public Source<ByteString, NotUsed> read(ChunkId id, long from, long toExclusive) {
    return Source.lazySource(
            () -> {
              ChunkFill fill = liveFill(id);
              if (fill != null) {
                if (outside(from, toExclusive, fill.expectedLength())) {
                  return Source.<ByteString>failed(badRange(id, from, toExclusive, fill.expectedLength()));
                }
                return ChunkReader.tail(fill, from, toExclusive, settings.readBufferSize(), io);
              }
              Stored s = chunks.get(id);
              if (s == null) {
                return Source.<ByteString>failed(new ChunkMissingException(id));
              }
              if (outside(from, toExclusive, s.length())) {
                return Source.<ByteString>failed(badRange(id, from, toExclusive, s.length()));
              }
              boolean popular = s.drive().touch(id);
              HeldBytes held = memory(id);
              if (held != null) {
                ByteString copy;
                try {
                  copy = held.copy(from, toExclusive);
                } finally {
                  held.release();
                }
                return pieces(copy);
              }
              Source<ByteString, NotUsed> disk =
                  ChunkReader.committed(id, chunkPath(s.drive(), id), from, toExclusive, settings.readBufferSize(), io);
              if (!popular || from != 0 || toExclusive != s.length() || settings.memoryBytes() == 0
                  || !admitting.add(id)) {
                return disk;
              }
              // A popular chunk read whole: keep the bytes read for the next readers (one reader
              // of the chunk collects them, whatever the number reading it now).
              ByteString[] read = {ByteString.emptyByteString()};
              return disk.map(
                      b -> {
                        read[0] = read[0].concat(b);
                        if (read[0].size() == s.length()) {
                          admit(id, read[0]);
                        }
                        return b;
                      })
                  .watchTermination(
                      (mat, done) -> {
                        done.whenComplete((d, e) -> admitting.remove(id));
                        return mat;
                      });
            })
        // Read ahead a little so the disk read of the next buffer overlaps the socket write.
        .buffer(READ_AHEAD_BUFFERS, akka.stream.OverflowStrategy.backpressure())
        .mapMaterializedValue(m -> NotUsed.getInstance());
  }

  /**
   * Bytes {@code [from, toExclusive)} of a committed chunk the store holds in memory (recently
   * filled), or null. Files are written past the page cache, so a chunk filled moments ago is read
   * back from the disk by {@code sendfile}, where its bytes are still here.
   */
  public PieceReader memoryPieces(ChunkId id, long from, long toExclusive) {
    Stored s = chunks.get(id);
    HeldBytes held = s == null ? null : memory(id);
    if (held == null) {
      return null;
    }
    if (outside(from, toExclusive, held.length())) {
      held.release();
      return null;
    }
    s.drive().touch(id);
    return ChunkReader.ofHeld(held, from, toExclusive, settings.readBufferSize());
  }

  /**
   * Bytes {@code [from, toExclusive)} of a fill in progress (tailing it, each piece as soon as it
   * arrived), or of a committed chunk's file. Fails with {@link ChunkMissingException}, before any
   * bytes, when neither exists.
   */
  public CompletionStage<PieceReader> pieces(ChunkId id, long from, long toExclusive) {
    ChunkFill fill = liveFill(id);
    if (fill != null) {
      if (outside(from, toExclusive, fill.expectedLength())) {
        return CompletableFuture.failedFuture(badRange(id, from, toExclusive, fill.expectedLength()));
      }
      return ChunkReader.open(fill, from, toExclusive, settings.readBufferSize(), io);
    }
    Stored s = chunks.get(id);
    if (s != null && outside(from, toExclusive, s.length())) {
      return CompletableFuture.failedFuture(badRange(id, from, toExclusive, s.length()));
    }
    java.nio.channels.FileChannel file = s == null ? null : openCommitted(id);
    if (file == null) {
      return CompletableFuture.failedFuture(new ChunkMissingException(id));
    }
    return CompletableFuture.completedFuture(ChunkReader.ofFile(file, from, toExclusive, settings.readBufferSize(), io));
  }

  /**
   * The committed chunk's file, open for reading and counted as a use for eviction, or null when
   * the chunk is not stored (or its file went meanwhile). The caller closes it; a chunk evicted
   * while open stays readable until then.
   */
  public java.nio.channels.FileChannel openCommitted(ChunkId id) {
    Stored s = chunks.get(id);
    if (s == null) {
      return null;
    }
    s.drive().touch(id);
    try {
      java.nio.channels.FileChannel file = openFiles.open(id, () -> chunkPath(s.drive(), id));
      if (chunks.get(id) != s) {
        // Evicted while it was being opened: this reader still has the right bytes, but the file
        // must not stay open for later hits.
        openFiles.forget(id);
      }
      return file;
    } catch (java.nio.file.NoSuchFileException e) {
      if (chunks.get(id) == s) {
        // Not evicted meanwhile: the file went behind the store's back. Forget the chunk, so the
        // next reader fetches it again instead of finding the same hole.
        log.warn("chunk {} of {} is missing from {}; it will be fetched again", id.index(), id.key(), s.drive().root);
        drop(id);
      }
      return null;
    } catch (IOException e) {
      log.warn("cannot open chunk {} of {}: {}", id.index(), id.key(), e.toString());
      return null;
    }
  }

  /** Whether {@code [from, to)} is not a range within {@code length} bytes. */
  private static boolean outside(long from, long to, long length) {
    return from < 0 || from > to || to > length;
  }

  private static IllegalArgumentException badRange(ChunkId id, long from, long to, long length) {
    return new IllegalArgumentException(
        "bytes [" + from + ", " + to + ") are not within chunk " + id.index() + " of " + id.key() + " (" + length + " bytes)");
  }

  /** Bytes in memory as a stream of read-buffer-sized elements (slices share the memory). */
  private Source<ByteString, NotUsed> pieces(ByteString bytes) {
    int size = settings.readBufferSize();
    if (bytes.size() <= size) {
      return Source.single(bytes);
    }
    List<ByteString> parts = new ArrayList<>();
    for (int at = 0; at < bytes.size(); at += size) {
      parts.add(bytes.slice(at, Math.min(bytes.size(), at + size)));
    }
    return Source.from(parts);
  }

  /** Buffers read ahead per response: memory per response is this times the read buffer size. */
  private static final int READ_AHEAD_BUFFERS = 2;

  /**
   * Starts writing a chunk on the drive its id hashes to (by weight), first evicting what must go
   * for the reservation to fit; when that drive is all fills in progress, the next drive in the
   * chunk's ranking takes it. Creates the temp file on the calling thread.
   *
   * @throws StoreFullException no drive can make room (everything left is being filled)
   * @throws IllegalArgumentException the length is not 1 to chunk-size bytes
   * @throws IllegalStateException the chunk is already being filled (join it with {@link #read})
   * @throws java.io.UncheckedIOException the temp file cannot be created
   */
  public ChunkFill beginFill(ChunkId id, long expectedLength) throws StoreFullException {
    if (expectedLength <= 0 || expectedLength > settings.chunkSize()) {
      throw new IllegalArgumentException(
          "chunk " + id.index() + " of " + id.key() + ": length " + expectedLength + " is not within 1.." + settings.chunkSize());
    }
    if (fills.containsKey(id)) {
      throw new IllegalStateException("chunk " + id.index() + " of " + id.key() + " is already being filled");
    }
    Drive drive = null;
    List<ChunkId> victims = null;
    StoreFullException full = null;
    int shard = shard(id.key());
    java.util.function.LongSupplier metaBytes = () -> {
      ObjectMeta m = metas.get(id.key());
      return m == null ? 1 : MetaFile.encode(m).length;
    };
    for (int d : DrivePlacement.ranked(id, driveSizes)) {
      Drive candidate = drives.get(d);
      if (!candidate.room.enough()) {
        full = full != null ? full : new StoreFullException(
            "the file system of drive " + candidate.root + " has " + FileSystemRoom.bytes(candidate.room.free())
                + " free, below ispcache.store.min-free-space (" + FileSystemRoom.bytes(candidate.room.floor()) + ")");
        continue;
      }
      try {
        synchronized (candidate) {
          victims = candidate.reserve(id.key(), shard, expectedLength, metaBytes, v -> chunks.get(v).length());
          for (ChunkId v : victims) {
            Stored s = chunks.remove(v);
            evictedBytes.add(s.length());
          }
        }
        drive = candidate;
        break;
      } catch (StoreFullException e) {
        full = full == null ? e : full; // its preferred drive is all fills in progress: try the next
      }
    }
    if (drive == null) {
      throw drives.size() == 1 ? full : new StoreFullException("no drive has room for " + expectedLength + " more bytes: " + full.getMessage());
    }
    evictions.add(victims.size());
    evicted(drive, victims);
    Path dir = objectDir(drive, id.key());
    ChunkFill fill;
    try {
      // A temp name of its own, so a second fill of the same chunk can never truncate the first's file.
      Path temp = dir.resolve(name(id) + "." + tempCounter.incrementAndGet() + ".tmp");
      boolean holds = reserveMemory(expectedLength);
      boolean made = false;
      try {
        fill = new ChunkFill(id, expectedLength, drive, temp, dir.resolve(name(id)), io, this, holds, directWrites, memory);
        made = true;
      } finally {
        if (!made) {
          // whatever failed (an I/O error, or the JVM out of memory), the reservations go back
          if (holds) {
            releaseMemory(expectedLength);
          }
          drive.release(id.key(), expectedLength);
          settle(drive, id.key(), id.version());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a chunk file on " + drive.root, e);
    }
    if (fills.putIfAbsent(id, fill) != null) {
      fill.abort(new IllegalStateException("chunk already being filled"));
      throw new IllegalStateException("chunk " + id + " is already being filled");
    }
    if (unread.size() < MAX_UNREAD) {
      unread.add(id);
    }
    return fill;
  }

  /**
   * Chunks filled (from the origin or a peer) that no client of this node was sent yet: the first
   * client to read one is told so by {@link #claim} and counts its bytes as missed, since they
   * were fetched for it, even when read-ahead committed the chunk before the client got there
   * (a Delivery Optimization client asks for the next range after read-ahead filled it). Later
   * readers count hits. Bounded: a chunk evicted or dropped unread leaves with its object, and
   * beyond {@link #MAX_UNREAD} (fills for other nodes nobody here reads) new fills are not noted.
   */
  private final java.util.Set<ChunkId> unread = ConcurrentHashMap.newKeySet();

  static final int MAX_UNREAD = 65_536;

  /** Whether {@code id} was filled and no client was sent it yet (see {@link #claim}). */
  public boolean unread(ChunkId id) {
    return !unread.isEmpty() && unread.contains(id);
  }

  /** True for the first client reader of a chunk filled for it, and only for that one. */
  public boolean claim(ChunkId id) {
    return !unread.isEmpty() && unread.remove(id);
  }

  private boolean reserveMemory(long bytes) {
    while (true) {
      long now = memoryUsed.get();
      if (now + bytes <= settings.memoryBytes()) {
        if (memoryUsed.compareAndSet(now, now + bytes)) {
          return true;
        }
        continue;
      }
      ChunkId oldest;
      synchronized (inMemory) {
        var first = inMemory.keySet().iterator();
        oldest = first.hasNext() ? first.next() : null;
      }
      if (oldest == null) {
        return false;
      }
      forgetInMemory(oldest);
    }
  }

  /** The chunk's bytes in memory with a reference for the caller, who releases it; or null. */
  private HeldBytes memory(ChunkId id) {
    synchronized (inMemory) {
      HeldBytes held = inMemory.get(id);
      // Under the lock that guards the map's own references: the bytes cannot be let go meanwhile.
      return held != null && held.retain() ? held : null;
    }
  }

  private boolean inMemory(ChunkId id) {
    synchronized (inMemory) {
      return inMemory.containsKey(id);
    }
  }

  /** A popular chunk read whole from disk joins the memory if there is room for it. */
  private void admit(ChunkId id, ByteString bytes) {
    if (chunks.containsKey(id) && !inMemory(id) && reserveMemory(bytes.size())) {
      keepInMemory(id, HeldBytes.of(bytes));
    }
  }

  /**
   * Keeps a chunk's bytes, whose size is already reserved. A chunk deleted meanwhile is not kept:
   * {@link #delete} takes it out of {@code chunks} before it forgets the memory, and the check here
   * is under the same lock as that forgetting.
   */
  private void keepInMemory(ChunkId id, HeldBytes bytes) {
    HeldBytes previous;
    boolean kept;
    synchronized (inMemory) {
      kept = chunks.containsKey(id);
      previous = kept ? inMemory.put(id, bytes) : null;
    }
    if (!kept) {
      releaseMemory(bytes.length());
      bytes.release();
    }
    if (previous != null) {
      releaseMemory(previous.length());
      previous.release();
    }
  }

  private void forgetInMemory(ChunkId id) {
    HeldBytes bytes;
    synchronized (inMemory) {
      bytes = inMemory.remove(id);
    }
    if (bytes != null) {
      releaseMemory(bytes.length());
      bytes.release();
    }
  }

  void releaseMemory(long bytes) {
    memoryUsed.addAndGet(-bytes);
  }

  /**
   * The chunk's fill unless it has failed: an aborted fill stays listed for a moment after its
   * readers may have seen it fail, and a reader that comes then must find the chunk missing (and
   * have it fetched again), not fail on the dead fill.
   */
  private ChunkFill liveFill(ChunkId id) {
    ChunkFill fill = fills.get(id);
    return fill == null || fill.failure() != null ? null : fill;
  }

  public Optional<ChunkFill> fillInProgress(ChunkId id) {
    return Optional.ofNullable(fills.get(id));
  }

  /**
   * Called by a fill just before its file takes its final name: the object's meta goes to disk
   * first, so a chunk that is visible on disk always has the meta the start-up scan checks it by.
   */
  void beforeRename(ChunkFill fill) {
    ObjectMeta current = metas.get(fill.id().key());
    if (current != null && current.version().equals(fill.id().version()) && writeMetaFile(fill.drive(), current)) {
      shed(fill.drive());
    }
  }

  /** Called by a fill once its file is in place, with its bytes if it held them in memory. */
  void committed(ChunkFill fill, HeldBytes bytes) {
    ChunkId id = fill.id();
    Drive drive = fill.drive();
    Stored stored = new Stored(drive, fill.expectedLength());
    // A chunk filled again (e.g. by a peer while this copy was being evicted) replaces the old copy.
    Stored previous = chunks.get(id);
    if (previous != null) {
      synchronized (previous.drive()) {
        if (chunks.remove(id, previous)) {
          previous.drive().removed(id, previous.length());
        }
      }
      if (previous.drive() != drive) {
        delete(previous.drive(), id);
        settle(previous.drive(), id.key(), id.version());
      }
    }
    synchronized (drive) {
      drive.committed(id, fill.expectedLength());
      chunks.put(id, stored);
    }
    fills.remove(id, fill);
    ObjectMeta current = metas.get(id.key());
    if (current == null || !current.version().equals(id.version())) {
      drop(id); // the object changed while this chunk was on its way
    }
    if (bytes != null) {
      keepInMemory(id, bytes); // gives the memory back if the chunk was dropped
    }
  }

  /** Called by a fill that gave up. */
  void aborted(ChunkFill fill) {
    unread.remove(fill.id());
    fill.drive().release(fill.id().key(), fill.expectedLength());
    fills.remove(fill.id(), fill);
    settle(fill.drive(), fill.id().key(), fill.id().version());
  }

  /** A chunk file found at start; the scan has checked its length against the meta. */
  void adopt(Drive drive, ObjectMeta meta, long index, long length) {
    metas.putIfAbsent(meta.key(), meta);
    ChunkId id = new ChunkId(meta.key(), meta.version(), index);
    synchronized (drive) {
      // The file as it is (one written by an earlier version has a time stamp line more).
      drive.adopt(id, shard(meta.key()), length, () -> metaFileSize(drive, meta));
      chunks.put(id, new Stored(drive, length));
    }
    metaFilesWritten.add(drive.number + "/" + meta.key() + "/" + meta.version());
  }

  private static long metaFileSize(Drive drive, ObjectMeta meta) {
    try {
      return Files.size(objectDir(drive, meta.key()).resolve(meta.version() + ".meta"));
    } catch (IOException e) {
      return MetaFile.encode(meta).length;
    }
  }

  /** Evicts from {@code drive} until it is within its limit. */
  void shed(Drive drive) {
    List<ChunkId> victims;
    synchronized (drive) {
      victims = drive.shed(v -> chunks.get(v).length());
      for (ChunkId v : victims) {
        evictedBytes.add(chunks.remove(v).length());
      }
    }
    evictions.add(victims.size());
    evicted(drive, victims);
  }

  /**
   * Writes the meta file unless written already; true when its size took the drive over its
   * limit, and the caller must {@link #shed} the drive once it holds no lock.
   */
  private boolean writeMetaFile(Drive drive, ObjectMeta meta) {
    String written = drive.number + "/" + meta.key() + "/" + meta.version();
    if (!metaFilesWritten.add(written)) {
      return false;
    }
    Path dir = objectDir(drive, meta.key());
    try {
      int size = MetaFile.write(dir.resolve(meta.version() + ".meta"), meta);
      return drive.metaWritten(meta.key(), size);
    } catch (IOException e) {
      metaFilesWritten.remove(written);
      log.warn("cannot write meta of {} on {}: {}", meta.key(), drive.root, e.toString());
      return false;
    }
  }

  private void delete(Drive drive, ChunkId id) {
    forgetInMemory(id);
    openFiles.forget(id);
    try {
      Files.deleteIfExists(chunkPath(drive, id));
    } catch (IOException e) {
      log.warn("cannot delete chunk {} of {}: {}", id.index(), id.key(), e.toString());
    }
  }

  static String keyHash(String key) {
    return ObjectMeta.hex(key);
  }

  /** The object's shard directory by number: the first byte of its key's hash. */
  private static int shard(String key) {
    return Integer.parseInt(keyHash(key).substring(0, 2), 16);
  }

  static Path objectDir(Drive drive, String key) {
    String h = keyHash(key);
    return drive.objects().resolve(h.substring(0, 2)).resolve(h);
  }

  private static String name(ChunkId id) {
    return id.version() + "." + id.index();
  }

  private static Path chunkPath(Drive drive, ChunkId id) {
    return objectDir(drive, id.key()).resolve(name(id));
  }

  public StoreStats stats() {
    List<StoreStats.DriveStats> list = new ArrayList<>();
    for (Drive d : drives) {
      list.add(new StoreStats.DriveStats(d.root, d.maxBytes, d.used(), d.chunks(), d.writable()));
    }
    return new StoreStats(List.copyOf(list), evictions.sum(), evictedBytes.sum(), memoryUsed.get());
  }

  public boolean healthy() {
    return drives.stream().allMatch(Drive::writable);
  }

  /** Whether some drive takes new chunks: false when every drive's file system is short of space. */
  public boolean filling() {
    return drives.stream().anyMatch(d -> d.room.enough());
  }

  /** Why drives take no new chunks (their file systems are short of space), one line per drive; empty when all do. */
  public List<String> fillingStopped() {
    List<String> reasons = new ArrayList<>();
    for (Drive d : drives) {
      if (!d.room.enough()) {
        reasons.add("drive " + d.root + " is not filled: its file system has " + FileSystemRoom.bytes(d.room.free())
            + " free, below ispcache.store.min-free-space (" + FileSystemRoom.bytes(d.room.floor()) + ")");
      }
    }
    if (!reasons.isEmpty() && reasons.size() == drives.size()) {
      reasons.add("misses are relayed from the origin without being stored until a file system has room again");
    }
    return reasons;
  }

  /** Aborts fills still running; their temp files are deleted. */
  @Override
  public void close() {
    for (ChunkFill f : List.copyOf(fills.values())) {
      f.abort(new IllegalStateException("store closing"));
    }
    openFiles.clear();
  }
}
