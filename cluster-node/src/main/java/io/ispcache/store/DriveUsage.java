package io.ispcache.store;

/**
 * What the store's files take on a drive as the file system allocates them: whole blocks per file
 * and per directory. Chunk files, each object's directory and meta file, the 256 shard
 * directories under {@code objects/} as they appear, and the drive's own directory, marker file
 * and {@code objects/}. An object's directory is one block for up to a hundred-odd files; one of
 * more chunks is counted as ext4 grows it (an index block and leaves about half full after
 * splits), and at the most it took while the object is held, as a directory does not shrink.
 */
final class DriveUsage {
  /** The allocation unit of ext4 and XFS as formatted by default, and of tmpfs. */
  static final int BLOCK = 4096;

  private final long block;

  DriveUsage(long block) {
    if (block <= 0 || Long.bitCount(block) != 1) {
      throw new IllegalArgumentException("a block size is a power of two, not " + block);
    }
    this.block = block;
  }

  /** A chunk file of {@code bytes}. */
  long chunk(long bytes) {
    return blocks(bytes);
  }

  /** Bytes a directory entry of ours takes on ext4: 8 bytes and a name of up to 24. */
  private static final long ENTRY = 32;

  /** An object's directory with its meta file of {@code metaBytes} and one chunk. */
  long object(long metaBytes) {
    return directory(2) + meta(metaBytes);
  }

  /** A meta file of {@code metaBytes}. */
  long meta(long metaBytes) {
    return blocks(Math.max(1, metaBytes));
  }

  /** An object's directory holding {@code entries} files. */
  long directory(long entries) {
    if (entries * ENTRY <= block) {
      return block;
    }
    return block + blocks(entries * 2 * ENTRY);
  }

  /** One shard directory ({@code objects/<h[0..2]>}), kept once made. */
  long shard() {
    return block;
  }

  /** The drive's directory, its marker file and {@code objects/}. */
  long base() {
    return 3 * block;
  }

  private long blocks(long bytes) {
    return (bytes + block - 1) & -block;
  }
}
