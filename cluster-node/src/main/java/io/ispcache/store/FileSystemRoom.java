package io.ispcache.store;

import java.io.IOException;
import java.nio.file.FileStore;
import java.util.Locale;

/**
 * The free space of the file system under a drive against the floor its other users keep
 * ({@code ispcache.store.min-free-space}): below it the drive takes no new chunk, whatever its own
 * budget says, so that the cache never fills a file system that logs or other services share.
 */
final class FileSystemRoom {
  /** No file system behind it to ask (tests of the budget alone): always room. */
  static final FileSystemRoom UNCHECKED = new FileSystemRoom(null, 0);
  private static final long RECHECK_NANOS = 1_000_000_000L;

  private final FileStore fileSystem;
  private final long floor;
  private volatile long checkedAt;
  private volatile long free = Long.MAX_VALUE;

  FileSystemRoom(FileStore fileSystem, long floor) {
    this.fileSystem = fileSystem;
    this.floor = floor;
  }

  /** Whether the file system has at least the floor free; asked of the kernel at most once a second. */
  boolean enough() {
    return free() >= floor;
  }

  /** Bytes the file system has free for this process, at most a second old. */
  long free() {
    if (fileSystem == null) {
      return Long.MAX_VALUE;
    }
    long now = System.nanoTime();
    if (checkedAt == 0 || now - checkedAt > RECHECK_NANOS) {
      checkedAt = now;
      try {
        free = fileSystem.getUsableSpace();
      } catch (IOException e) {
        free = 0; // a file system that cannot say is not filled further
      }
    }
    return free;
  }

  long floor() {
    return floor;
  }

  /** Bytes in binary units with one decimal, for messages to operators. */
  static String bytes(long n) {
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double v = n;
    int u = 0;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return u == 0 ? n + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }
}
