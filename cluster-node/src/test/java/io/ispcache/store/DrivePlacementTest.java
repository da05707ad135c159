package io.ispcache.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DrivePlacementTest {
  private static final int CHUNKS = 100_000;

  private static ChunkId id(int n) {
    return new ChunkId("http://o/object-" + (n / 50), "0123456789abcdef", n % 50);
  }

  private static double[] shares(long... sizes) {
    double[] counts = new double[sizes.length];
    for (int n = 0; n < CHUNKS; n++) {
      counts[DrivePlacement.ranked(id(n), sizes)[0]]++;
    }
    return Arrays.stream(counts).map(c -> c / CHUNKS).toArray();
  }

  private static void assertShares(double[] expected, double[] actual) {
    for (int d = 0; d < expected.length; d++) {
      assertEquals(expected[d], actual[d], 0.01, "drive " + d + " share " + Arrays.toString(actual));
    }
  }

  @Test
  void oneDriveTakesEverything() {
    assertArrayEquals(new int[] {0}, DrivePlacement.ranked(id(7), new long[] {100}));
  }

  @Test
  void rankingNamesEveryDriveOnceAndIsTheSameEachTime() {
    long[] sizes = {10, 20, 30, 40, 50};
    for (int n = 0; n < 1000; n++) {
      int[] ranking = DrivePlacement.ranked(id(n), sizes);
      assertArrayEquals(new int[] {0, 1, 2, 3, 4}, Arrays.stream(ranking).sorted().toArray());
      assertArrayEquals(ranking, DrivePlacement.ranked(new ChunkId(id(n).key(), "0123456789abcdef", id(n).index()), sizes));
    }
  }

  @Test
  void equalDrivesGetEqualShares() {
    assertShares(new double[] {0.25, 0.25, 0.25, 0.25}, shares(500, 500, 500, 500));
  }

  @Test
  void sharesFollowDriveSizes() {
    assertShares(new double[] {0.75, 0.25}, shares(3L << 40, 1L << 40));
    assertShares(new double[] {0.5, 0.3, 0.2}, shares(5_000, 3_000, 2_000));
  }

  @Test
  void addingADriveMovesOnlyTheChunksItTakes() {
    long[] before = {1000, 1000};
    long[] after = {1000, 1000, 1000};
    int moved = 0;
    for (int n = 0; n < CHUNKS; n++) {
      int was = DrivePlacement.ranked(id(n), before)[0];
      int now = DrivePlacement.ranked(id(n), after)[0];
      if (was != now) {
        assertEquals(2, now, "a chunk moved between the old drives");
        moved++;
      }
    }
    assertEquals(1.0 / 3, moved / (double) CHUNKS, 0.01);
  }

  @Test
  void everyChunkOfOneObjectIsNotPinnedToOneDrive() {
    int[] perDrive = new int[2];
    for (int i = 0; i < 50; i++) {
      perDrive[DrivePlacement.ranked(new ChunkId("http://o/big.iso", "v", i), new long[] {1, 1})[0]]++;
    }
    assertTrue(perDrive[0] > 10 && perDrive[1] > 10, Arrays.toString(perDrive));
  }
}
