package io.ispcache.load;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ObjectSetTest {
  static final long MIB = 1 << 20;
  @TempDir Path dir;

  @Test
  void piecesCoverTheObjectAndTheLastOneIsShort() {
    ObjectSet set = ObjectSet.of("t", "2x2500000", MIB, 1);
    assertEquals(3, set.pieces());
    assertEquals(0, set.pieceFrom(0));
    assertEquals(MIB - 1, set.pieceTo(0));
    assertEquals(2 * MIB, set.pieceFrom(2));
    assertEquals(2_500_000 - 1, set.pieceTo(2));
    assertEquals(5_000_000, set.totalBytes());
  }

  @Test
  void writtenObjectsHaveTheBytesTheirPieceHashesDescribe() throws Exception {
    ObjectSet set = ObjectSet.of("t", "2x3000000", MIB, 7).prepare(dir);
    for (int o = 0; o < 2; o++) {
      byte[] file = Files.readAllBytes(dir.resolve(set.path(o).substring(1)));
      assertEquals(3_000_000, file.length);
      for (int p = 0; p < set.pieces(); p++) {
        byte[] piece = Arrays.copyOfRange(file, (int) set.pieceFrom(p), (int) set.pieceTo(p) + 1);
        assertEquals(Content.sha256(piece), set.pieceHash(o, p));
        assertEquals(set.pieceHash(o, p), set.rangeHash(o, set.pieceFrom(p), set.pieceTo(p)));
      }
      byte[] middle = Arrays.copyOfRange(file, 1_234_567, 2_000_001);
      assertEquals(Content.sha256(middle), set.rangeHash(o, 1_234_567, 2_000_000));
    }
    assertNotEquals(set.pieceHash(0, 0), set.pieceHash(1, 0), "objects differ");
  }

  @Test
  void aSecondPreparationReadsTheKeptHashesAndAgrees() throws Exception {
    ObjectSet first = ObjectSet.of("t", "1x2MiB", MIB, 3).prepare(dir);
    ObjectSet again = ObjectSet.of("t", "1x2MiB", MIB, 3).prepare(dir);
    assertEquals(first.pieceHash(0, 1), again.pieceHash(0, 1));
    ObjectSet remote = ObjectSet.of("t", "1x2MiB", MIB, 3).prepare(null);
    assertEquals(first.pieceHash(0, 1), remote.pieceHash(0, 1), "a run against a deployment computes the same hashes");
  }

  @Test
  void contentIsTheSameWhateverTheSplitOfTheReads() {
    byte[] whole = new byte[1000];
    Content.fill(9, 12_345, whole, 0, whole.length);
    byte[] pieces = new byte[1000];
    int[] cuts = {0, 1, 3, 8, 13, 512, 999, 1000};
    for (int i = 0; i + 1 < cuts.length; i++) {
      Content.fill(9, 12_345 + cuts[i], pieces, cuts[i], cuts[i + 1] - cuts[i]);
    }
    assertArrayEquals(whole, pieces);
    byte[] other = new byte[1000];
    Content.fill(10, 12_345, other, 0, other.length);
    assertTrue(!Arrays.equals(whole, other), "another seed, other bytes");
  }

  @Test
  void badSpecsAreRefused() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ObjectSet.of("t", "x4MiB", MIB, 1)).getMessage().startsWith("objects = 'x4MiB'"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ObjectSet.of("t", "2x0", MIB, 1)).getMessage().contains("1 byte to 1TiB"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ObjectSet.of("t", "2x4MiB", 0, 1)).getMessage().startsWith("piece = 0"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ObjectSet.of("t", "2000x1GiB", MIB, 1)).getMessage().contains("more than a million pieces"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ObjectSet.of("t", null, MIB, 1)).getMessage().startsWith("objects = 'null'"));
  }

  @Test
  void sizesReadAndWriteAsTheNodesSettings() {
    assertEquals(1_048_576, Sizes.parse("p", "1MiB"));
    assertEquals(512 * 1024, Sizes.parse("p", "512KiB"));
    assertEquals(2L << 30, Sizes.parse("p", "2GiB"));
    assertEquals(1000, Sizes.parse("p", "1000"));
    assertEquals("64MiB", Sizes.format(64 * MIB));
    assertEquals("1000", Sizes.format(1000));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Sizes.parse("p", "1MB")).getMessage().startsWith("p = '1MB'"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Sizes.parse("p", "-1")).getMessage().startsWith("p = '-1'"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Sizes.parse("p", "999999999999GiB")).getMessage().endsWith("too large"));
  }
}
