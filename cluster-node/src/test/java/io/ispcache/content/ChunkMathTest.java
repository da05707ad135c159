package io.ispcache.content;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChunkMathTest {
  @Test
  void rangeInsideOneChunkIsOneSlice() {
    assertEquals(List.of(new ChunkSlice(0, 5, 10)), list(ChunkMath.slices(new ByteRange(5, 9), 10)));
    assertEquals(List.of(new ChunkSlice(3, 0, 10)), list(ChunkMath.slices(new ByteRange(30, 39), 10)));
    assertEquals(List.of(new ChunkSlice(2, 4, 5)), list(ChunkMath.slices(new ByteRange(24, 24), 10)));
  }

  @Test
  void rangeAcrossChunksIsCutAtEachBoundary() {
    assertEquals(
        List.of(new ChunkSlice(0, 5, 10), new ChunkSlice(1, 0, 10), new ChunkSlice(2, 0, 1)),
        list(ChunkMath.slices(new ByteRange(5, 20), 10)));
    assertEquals(List.of(new ChunkSlice(0, 9, 10), new ChunkSlice(1, 0, 1)), list(ChunkMath.slices(new ByteRange(9, 10), 10)));
  }

  @Test
  void rangesNearTheEndOfALongDoNotOverflow() {
    long max = Long.MAX_VALUE;
    int chunk = 1 << 20;
    List<ChunkSlice> s = list(ChunkMath.slices(new ByteRange(max - 5, max), chunk));
    long lastChunk = max / chunk;
    assertEquals(List.of(new ChunkSlice(lastChunk, (max - 5) - lastChunk * chunk, max - lastChunk * chunk + 1)), s);
  }

  @Test
  void slicesCoverTheRangeExactlyOnce() {
    Random random = new Random(7);
    for (int round = 0; round < 3_000; round++) {
      int chunk = 1 + random.nextInt(64);
      long first = random.nextInt(1000);
      long last = first + random.nextInt(500);
      long next = first;
      for (ChunkSlice s : ChunkMath.slices(new ByteRange(first, last), chunk)) {
        if (next != s.index() * chunk + s.from() || next / chunk != s.index()
            || s.from() >= s.toExclusive() || s.toExclusive() > chunk) {
          throw new AssertionError("slice " + s + " does not continue at " + next + " inside its chunk of " + chunk);
        }
        next = s.index() * chunk + s.toExclusive();
      }
      assertEquals(last + 1, next, "slices end where the range ends");
    }
  }

  @Test
  void aTebibyteObjectsSlicesAreComputedByOffsetNotListed() {
    int chunk = 2 << 20;
    ChunkMath.Slices whole = ChunkMath.slices(new ByteRange(0, (1L << 40) - 1), chunk);

    assertEquals(524_288, whole.count());
    assertEquals(new ChunkSlice(0, 0, chunk), whole.get(0));
    assertEquals(new ChunkSlice(262_144, 0, chunk), whole.get(262_144));
    assertEquals(new ChunkSlice(524_287, 0, chunk), whole.get(524_287));
    assertEquals(0, whole.firstChunk());
    assertEquals(524_287, whole.lastChunk());
    assertThrows(IndexOutOfBoundsException.class, () -> whole.get(524_288));
  }

  @Test
  void slicesOfARangeNoListCouldHoldAreStillAnsweredAtOnce() {
    // 2^45 slices: more than any list can hold, so the answers below can only be arithmetic.
    int chunk = 256 * 1024;
    ChunkMath.Slices all = ChunkMath.slices(new ByteRange(7, Long.MAX_VALUE - 1), chunk);
    long lastChunk = (Long.MAX_VALUE - 1) / chunk;

    assertEquals(lastChunk + 1, all.count());
    assertEquals(new ChunkSlice(0, 7, chunk), all.get(0));
    assertEquals(new ChunkSlice(lastChunk, 0, Long.MAX_VALUE - lastChunk * chunk), all.get(all.count() - 1));
    var it = all.iterator();
    assertEquals(new ChunkSlice(0, 7, chunk), it.next());
    assertEquals(new ChunkSlice(1, 0, chunk), it.next());
  }

  @Test
  void chunkCountRoundsUp() {
    assertEquals(0, ChunkMath.chunkCount(0, 10));
    assertEquals(1, ChunkMath.chunkCount(1, 10));
    assertEquals(1, ChunkMath.chunkCount(10, 10));
    assertEquals(2, ChunkMath.chunkCount(11, 10));
    assertEquals(3, ChunkMath.chunkCount(21, 10));
    assertEquals(1024, ChunkMath.chunkCount(1L << 30, 1 << 20), "1 GiB in 1 MiB chunks");
    assertEquals(Long.MAX_VALUE / 2 + 1, ChunkMath.chunkCount(Long.MAX_VALUE, 2), "no overflow at the top");
  }

  @Test
  void chunkLengthIsFullExceptTheLastAndZeroOutside() {
    assertEquals(10, ChunkMath.chunkLength(0, 21, 10));
    assertEquals(10, ChunkMath.chunkLength(1, 21, 10));
    assertEquals(1, ChunkMath.chunkLength(2, 21, 10));
    assertEquals(10, ChunkMath.chunkLength(1, 20, 10), "last chunk full when the length divides");
    assertEquals(0, ChunkMath.chunkLength(3, 21, 10));
    assertEquals(0, ChunkMath.chunkLength(-1, 21, 10));
    assertEquals(0, ChunkMath.chunkLength(0, 0, 10));
    assertEquals(0, ChunkMath.chunkLength(Long.MAX_VALUE, 21, 10));
  }

  @Test
  void nonPositiveChunkSizeOrNegativeLengthIsAProgrammingError() {
    assertThrows(IllegalArgumentException.class, () -> ChunkMath.slices(new ByteRange(0, 1), 0));
    assertThrows(IllegalArgumentException.class, () -> ChunkMath.chunkCount(10, -1));
    assertThrows(IllegalArgumentException.class, () -> ChunkMath.chunkCount(-1, 10));
  }

  @Test
  void byteRangeRefusesNegativeOrBackwardBounds() {
    assertThrows(IllegalArgumentException.class, () -> new ByteRange(-1, 5));
    assertThrows(IllegalArgumentException.class, () -> new ByteRange(5, 4));
    assertEquals(1, new ByteRange(5, 5).length());
    assertEquals(Long.MAX_VALUE, new ByteRange(1, Long.MAX_VALUE).length());
  }

  private static List<ChunkSlice> list(ChunkMath.Slices slices) {
    List<ChunkSlice> all = new java.util.ArrayList<>();
    slices.forEach(all::add);
    assertEquals(all.size(), slices.count());
    return all;
  }
}
