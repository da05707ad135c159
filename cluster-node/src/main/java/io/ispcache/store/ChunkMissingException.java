package io.ispcache.store;

/** The chunk is neither stored nor being filled on this node (it may have just been evicted). */
public final class ChunkMissingException extends RuntimeException {
  public ChunkMissingException(ChunkId id) {
    super("chunk " + id.index() + " of " + id.key() + " is not on this node", null, false, false);
  }
}
