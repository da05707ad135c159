package io.ispcache.testing;

import java.io.IOException;
import java.io.InputStream;

/** Deterministic object bytes from (seed, offset), so tests never hold an object in memory. */
public final class TestContent {
  private TestContent() {}

  /** The byte at {@code offset}: a mix of the seed and the 8-byte word the offset falls in. */
  public static byte byteAt(long seed, long offset) {
    long word = mix(seed, offset >>> 3);
    return (byte) (word >>> ((offset & 7) * 8));
  }

  /** {@code length} bytes of the content with {@code seed}, from {@code offset}. */
  public static byte[] bytes(long seed, long offset, int length) {
    byte[] b = new byte[length];
    fill(seed, offset, b, 0, length);
    return b;
  }

  public static void fill(long seed, long offset, byte[] buf, int off, int len) {
    int i = 0;
    while (i < len) {
      long pos = offset + i;
      long word = mix(seed, pos >>> 3);
      int shift = (int) (pos & 7);
      for (int b = shift; b < 8 && i < len; b++, i++) {
        buf[off + i] = (byte) (word >>> (b * 8));
      }
    }
  }

  private static long mix(long seed, long index) {
    long z = seed * 0x9E3779B97F4A7C15L + index * 0xBF58476D1CE4E5B9L + 0x94D049BB133111EBL;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Reads {@code in} to its end; fails at the first differing offset or a short or long body. */
  public static void assertSameBytes(InputStream in, long seed, long offset, long length) throws IOException {
    byte[] got = new byte[1 << 16];
    byte[] want = new byte[1 << 16];
    long pos = 0;
    int n;
    while ((n = in.read(got)) > 0) {
      if (pos + n > length) {
        throw new AssertionError("body longer than " + length + " bytes");
      }
      fill(seed, offset + pos, want, 0, n);
      for (int i = 0; i < n; i++) {
        if (got[i] != want[i]) {
          throw new AssertionError("bytes differ at offset " + (offset + pos + i));
        }
      }
      pos += n;
    }
    if (pos != length) {
      throw new AssertionError("body ended after " + pos + " of " + length + " bytes");
    }
  }
}
