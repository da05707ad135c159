package io.ispcache.content;

import java.util.ArrayList;
import java.util.List;

/** Maps byte ranges of an object onto its fixed-size chunks. */
public final class ChunkMath {
  private ChunkMath() {}

  /** The chunk slices that together hold {@code range}, in order. */
  public static List<ChunkSlice> slices(ByteRange range, int chunkSize) {
    requirePositive(chunkSize);
    long firstChunk = range.first() / chunkSize;
    long lastChunk = range.last() / chunkSize;
    List<ChunkSlice> slices = new ArrayList<>((int) Math.min(lastChunk - firstChunk + 1, 1024));
    for (long c = firstChunk; c <= lastChunk; c++) {
      long chunkStart = c * chunkSize;
      long from = c == firstChunk ? range.first() - chunkStart : 0;
      // Written as an offset inside the chunk so range.last() == Long.MAX_VALUE cannot overflow.
      long to = c == lastChunk ? range.last() - chunkStart + 1 : chunkSize;
      slices.add(new ChunkSlice(c, from, to));
    }
    return slices;
  }

  /** How many chunks an object of {@code length} bytes has (the last may be short). */
  public static long chunkCount(long length, int chunkSize) {
    requirePositive(chunkSize);
    if (length < 0) {
      throw new IllegalArgumentException("length must not be negative, was " + length);
    }
    return length / chunkSize + (length % chunkSize == 0 ? 0 : 1);
  }

  /** Bytes in chunk {@code index} of an object of {@code length} bytes; 0 past the end. */
  public static long chunkLength(long index, long length, int chunkSize) {
    if (index < 0 || index >= chunkCount(length, chunkSize)) {
      return 0;
    }
    return Math.min(chunkSize, length - index * chunkSize);
  }

  private static void requirePositive(int chunkSize) {
    if (chunkSize <= 0) {
      throw new IllegalArgumentException("chunk size must be positive, was " + chunkSize);
    }
  }
}
