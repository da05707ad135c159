package io.ispcache.store;

/** Chunk {@code index} of revision {@code version} of the object stored under {@code key}. */
public record ChunkId(String key, String version, long index) {}
