package io.ispcache.store;

/**
 * What the store's files take on a drive as the file system allocates them: whole blocks per file
 * and per directory. Chunk files, each object's directory and meta file, the 256 shard
 * directories under {@code objects/} as they appear, and the drive's own directory, marker file
 * and {@code objects/}. Directory entries fit in a directory's first block for the few files an
 * object has (ext4 holds over a hundred names of ours in 4 KiB); an object of more chunks than
 * that grows its directory by a block per hundred-odd chunks, which is not counted.
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

  /** An object's directory and its meta file of {@code metaBytes}. */
  long object(long metaBytes) {
    return block + blocks(Math.max(1, metaBytes));
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
