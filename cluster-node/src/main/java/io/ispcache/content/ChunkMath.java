package io.ispcache.content;

import java.util.ArrayList;
import java.util.List;

/** Maps byte ranges of an object onto its fixed-size chunks. */
public final class ChunkMath {
  private ChunkMath() {}

  /** The chunk slices that together hold {@code range}, in order. */
  public static List<ChunkSlice> slices(ByteRange range, int chunkSize) {
    List<ChunkSlice> slices = new ArrayList<>();
    long firstChunk = range.first() / chunkSize;
    long lastChunk = range.last() / chunkSize;
    for (long c = firstChunk; c <= lastChunk; c++) {
      long chunkStart = c * chunkSize;
      long from = Math.max(range.first(), chunkStart) - chunkStart;
      long to = Math.min(range.last() + 1, chunkStart + chunkSize) - chunkStart;
      slices.add(new ChunkSlice(c, from, to));
    }
    return slices;
  }

  public static long chunkCount(long length, int chunkSize) {
    return (length + chunkSize - 1) / chunkSize;
  }

  /** Bytes in chunk {@code index} of an object of {@code length} bytes. */
  public static long chunkLength(long index, long length, int chunkSize) {
    return Math.max(0, Math.min(chunkSize, length - index * chunkSize));
  }
}
