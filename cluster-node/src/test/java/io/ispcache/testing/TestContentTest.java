package io.ispcache.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class TestContentTest {
  static byte[] bytes(long seed, long offset, int length) {
    byte[] b = new byte[length];
    TestContent.fill(seed, offset, b, 0, length);
    return b;
  }

  @Test
  void fillAgreesWithByteAtAtEveryAlignment() {
    for (long offset = 0; offset < 24; offset++) {
      byte[] b = bytes(3, offset, 37);
      for (int i = 0; i < b.length; i++) {
        assertEquals(TestContent.byteAt(3, offset + i), b[i], "offset " + (offset + i));
      }
    }
    long far = (1L << 40) + 5;
    assertEquals(TestContent.byteAt(3, far), bytes(3, far, 1)[0]);
  }

  @Test
  void fillWritesOnlyTheAskedPartOfTheBuffer() {
    byte[] b = new byte[10];
    Arrays.fill(b, (byte) 0x55);
    TestContent.fill(1, 100, b, 3, 4);
    assertEquals(0x55, b[2]);
    assertEquals(0x55, b[7]);
    assertEquals(TestContent.byteAt(1, 100), b[3]);
    assertEquals(TestContent.byteAt(1, 103), b[6]);
  }

  @Test
  void contentIsDeterministicAndSeedsDiffer() {
    assertTrue(Arrays.equals(bytes(9, 1000, 4096), bytes(9, 1000, 4096)));
    assertNotEquals(Arrays.toString(bytes(9, 0, 64)), Arrays.toString(bytes(10, 0, 64)));
    assertNotEquals(Arrays.toString(bytes(9, 0, 64)), Arrays.toString(bytes(9, 64, 64)), "no short period");
  }

  @Test
  void sameBytesPass() throws IOException {
    TestContent.assertSameBytes(new ByteArrayInputStream(bytes(5, 77, 200_000)), 5, 77, 200_000);
    TestContent.assertSameBytes(new ByteArrayInputStream(new byte[0]), 5, 77, 0);
  }

  @Test
  void firstDifferingOffsetIsNamed() {
    byte[] b = bytes(5, 1000, 5000);
    b[1234] ^= 1;
    AssertionError e = assertThrows(AssertionError.class,
        () -> TestContent.assertSameBytes(new ByteArrayInputStream(b), 5, 1000, 5000));
    assertTrue(e.getMessage().contains("offset " + (1000 + 1234)), e.getMessage());
  }

  @Test
  void shortAndLongBodiesFail() {
    AssertionError shortBody = assertThrows(AssertionError.class,
        () -> TestContent.assertSameBytes(new ByteArrayInputStream(bytes(5, 0, 99)), 5, 0, 100));
    assertTrue(shortBody.getMessage().contains("99 of 100"), shortBody.getMessage());
    assertThrows(AssertionError.class, () -> TestContent.assertSameBytes(new ByteArrayInputStream(bytes(5, 0, 101)), 5, 0, 100));
  }

  @Test
  void aGibibyteIsGeneratedAndCheckedWithoutHoldingIt() throws IOException {
    long gib = 1L << 30;
    long start = System.nanoTime();
    TestContent.assertSameBytes(new GeneratedStream(8, gib), 8, 0, gib);
    long millis = (System.nanoTime() - start) / 1_000_000;
    // Measured figure for the report; the bound only catches a pathological slowdown.
    System.out.println("TestContent: generated and compared 1 GiB in " + millis + " ms");
    assertTrue(millis < 60_000, millis + " ms");
  }

  /** The object as a stream, produced on the fly. */
  static final class GeneratedStream extends InputStream {
    private final long seed;
    private final long length;
    private long pos;

    GeneratedStream(long seed, long length) {
      this.seed = seed;
      this.length = length;
    }

    @Override
    public int read() {
      return pos < length ? TestContent.byteAt(seed, pos++) & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (pos >= length) {
        return -1;
      }
      int n = (int) Math.min(len, length - pos);
      TestContent.fill(seed, pos, b, off, n);
      pos += n;
      return n;
    }
  }
}
