package io.ispcache.content;

/** The part {@code [from, toExclusive)} of chunk {@code index}, offsets inside the chunk. */
public record ChunkSlice(long index, long from, long toExclusive) {}
