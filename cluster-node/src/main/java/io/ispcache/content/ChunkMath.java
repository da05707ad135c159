package io.ispcache.content;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Maps byte ranges of an object onto its fixed-size chunks, by arithmetic on offsets: a range of an
 * object of any stated size costs the same, never a list per chunk.
 */
public final class ChunkMath {
  private ChunkMath() {}

  /** The chunk slices that together hold {@code range}, in order, each made when asked for. */
  public static Slices slices(ByteRange range, int chunkSize) {
    requirePositive(chunkSize);
    return new Slices(range, chunkSize);
  }

  /**
   * The slices of the chunks that hold {@code range}: slice 0 is in chunk {@link #firstChunk()},
   * slice {@code count() - 1} in {@link #lastChunk()}; the first and last may be partial.
   */
  public record Slices(ByteRange range, int chunkSize) implements Iterable<ChunkSlice> {
    public long firstChunk() {
      return range.first() / chunkSize;
    }

    public long lastChunk() {
      return range.last() / chunkSize;
    }

    public long count() {
      return lastChunk() - firstChunk() + 1;
    }

    /** Slice {@code i} (0 to {@code count() - 1}). */
    public ChunkSlice get(long i) {
      long firstChunk = firstChunk();
      long lastChunk = lastChunk();
      if (i < 0 || i > lastChunk - firstChunk) {
        throw new IndexOutOfBoundsException("slice " + i + " of " + count());
      }
      long c = firstChunk + i;
      long chunkStart = c * chunkSize;
      long from = c == firstChunk ? range.first() - chunkStart : 0;
      // Written as an offset inside the chunk so range.last() == Long.MAX_VALUE cannot overflow.
      long to = c == lastChunk ? range.last() - chunkStart + 1 : chunkSize;
      return new ChunkSlice(c, from, to);
    }

    @Override
    public Iterator<ChunkSlice> iterator() {
      long count = count();
      return new Iterator<>() {
        private long next;

        @Override
        public boolean hasNext() {
          return next < count;
        }

        @Override
        public ChunkSlice next() {
          if (next >= count) {
            throw new NoSuchElementException();
          }
          return get(next++);
        }
      };
    }
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
