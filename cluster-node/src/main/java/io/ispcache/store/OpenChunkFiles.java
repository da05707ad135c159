package io.ispcache.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Open files of committed chunks, shared by the hits that read them (as nginx's
 * {@code open_file_cache}): a popular chunk is opened once, not once per request, which was a
 * third of the system calls of a small hit (open, and close after it). A committed chunk file
 * never changes, so every reader may share one descriptor; each gets its own handle with its own
 * position. At most {@code capacity} files stay open for later hits, least recently used closed
 * first; a chunk that is evicted or dropped is let go at once, and its descriptor closes when its
 * last reader closes its handle, so a deleted file's disk space comes back then.
 */
final class OpenChunkFiles {
  private static final Logger log = LoggerFactory.getLogger(OpenChunkFiles.class);

  private final int capacity;
  /** Guarded by this; in access order, eldest first. */
  private final LinkedHashMap<ChunkId, Shared> open = new LinkedHashMap<>(64, 0.75f, true);

  OpenChunkFiles(int capacity) {
    this.capacity = capacity;
  }

  /**
   * A read-only handle on the chunk's file; the caller closes it. Opens the file at {@code path}
   * (asked only then: naming a chunk's file hashes its key) unless it is open already.
   */
  FileChannel open(ChunkId id, Supplier<Path> path) throws IOException {
    if (capacity == 0) {
      return FileChannel.open(path.get(), StandardOpenOption.READ);
    }
    synchronized (this) {
      Shared s = open.get(id);
      if (s != null) {
        s.references++;
        return new Handle(s);
      }
    }
    FileChannel channel = FileChannel.open(path.get(), StandardOpenOption.READ);
    Shared mine = new Shared(channel);
    Shared kept;
    List<Shared> released;
    synchronized (this) {
      kept = open.get(id);
      if (kept != null) {
        kept.references++; // another hit opened it meanwhile: share that one
        released = List.of();
      } else {
        kept = mine;
        mine.references = 2; // this cache's, and the caller's
        open.put(id, mine);
        released = trim();
      }
    }
    if (kept != mine) {
      channel.close();
    }
    released.forEach(this::release);
    return new Handle(kept);
  }

  /** Lets go of the chunk's file (evicted, dropped, replaced): it closes once its readers are done. */
  void forget(ChunkId id) {
    Shared s;
    synchronized (this) {
      s = open.remove(id);
    }
    if (s != null) {
      release(s);
    }
  }

  /** Lets go of every file (the store is closing). */
  void clear() {
    List<Shared> all;
    synchronized (this) {
      all = new ArrayList<>(open.values());
      open.clear();
    }
    all.forEach(this::release);
  }

  private List<Shared> trim() {
    if (open.size() <= capacity) {
      return List.of();
    }
    List<Shared> released = new ArrayList<>();
    Iterator<Map.Entry<ChunkId, Shared>> eldest = open.entrySet().iterator();
    while (open.size() > capacity && eldest.hasNext()) {
      released.add(eldest.next().getValue());
      eldest.remove();
    }
    return released;
  }

  private void release(Shared s) {
    boolean last;
    synchronized (this) {
      last = --s.references == 0;
    }
    if (last) {
      try {
        s.channel.close();
      } catch (IOException e) {
        log.debug("closing a chunk file", e);
      }
    }
  }

  /** One descriptor and how many hold it (this cache, and each open handle). Guarded by the cache. */
  private static final class Shared {
    final FileChannel channel;
    int references;

    Shared(FileChannel channel) {
      this.channel = channel;
    }
  }

  /** One reader's view of a shared file: positional operations go to it, the position is its own. */
  private final class Handle extends FileChannel {
    private final Shared shared;
    private final FileChannel file;
    private long position;

    Handle(Shared shared) {
      this.shared = shared;
      this.file = shared.channel;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      int n = file.read(dst, position);
      if (n > 0) {
        position += n;
      }
      return n;
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
      long total = 0;
      for (int i = offset; i < offset + length; i++) {
        if (!dsts[i].hasRemaining()) {
          continue;
        }
        int n = read(dsts[i]);
        if (n < 0) {
          return total == 0 ? -1 : total;
        }
        total += n;
        if (dsts[i].hasRemaining()) {
          break;
        }
      }
      return total;
    }

    @Override
    public int write(ByteBuffer src) {
      throw new NonWritableChannelException();
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) {
      throw new NonWritableChannelException();
    }

    @Override
    public long position() {
      return position;
    }

    @Override
    public FileChannel position(long newPosition) {
      if (newPosition < 0) {
        throw new IllegalArgumentException("negative position");
      }
      position = newPosition;
      return this;
    }

    @Override
    public long size() throws IOException {
      return file.size();
    }

    @Override
    public FileChannel truncate(long size) {
      throw new NonWritableChannelException();
    }

    @Override
    public void force(boolean metaData) {
      // read-only: nothing to write out
    }

    @Override
    public long transferTo(long at, long count, WritableByteChannel target) throws IOException {
      return file.transferTo(at, count, target);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long at, long count) {
      throw new NonWritableChannelException();
    }

    @Override
    public int read(ByteBuffer dst, long at) throws IOException {
      return file.read(dst, at);
    }

    @Override
    public int write(ByteBuffer src, long at) {
      throw new NonWritableChannelException();
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long at, long size) throws IOException {
      if (mode != MapMode.READ_ONLY) {
        throw new NonWritableChannelException();
      }
      return file.map(mode, at, size);
    }

    @Override
    public FileLock lock(long at, long size, boolean shared) {
      throw new UnsupportedOperationException("chunk files are never locked");
    }

    @Override
    public FileLock tryLock(long at, long size, boolean shared) {
      throw new UnsupportedOperationException("chunk files are never locked");
    }

    @Override
    protected void implCloseChannel() {
      release(shared);
    }
  }
}
