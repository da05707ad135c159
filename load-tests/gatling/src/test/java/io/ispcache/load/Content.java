package io.ispcache.load;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The bytes of a generated object: a function of its seed and the offset, so any range's checksum
 * can be computed anywhere (the simulation, or a machine preparing a real origin) without the file.
 */
final class Content {
  private static final long GOLDEN = 0x9E3779B97F4A7C15L;

  private Content() {}

  /** Writes bytes {@code [offset, offset + len)} of the object with {@code seed} into {@code buf}. */
  static void fill(long seed, long offset, byte[] buf, int off, int len) {
    int i = 0;
    while (i < len) {
      long pos = offset + i;
      long word = mix(seed * GOLDEN + (pos >>> 3));
      int shift = (int) (pos & 7);
      int n = Math.min(8 - shift, len - i);
      for (int b = 0; b < n; b++) {
        buf[off + i + b] = (byte) (word >>> (8 * (shift + b)));
      }
      i += n;
    }
  }

  /** SHA-256 (hex) of bytes {@code [from, to]} (inclusive, as in a Range header). */
  static String sha256(long seed, long from, long to) {
    MessageDigest digest = sha256();
    byte[] buf = new byte[64 * 1024];
    for (long pos = from; pos <= to; ) {
      int n = (int) Math.min(buf.length, to - pos + 1);
      fill(seed, pos, buf, 0, n);
      digest.update(buf, 0, n);
      pos += n;
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(sha256().digest(bytes));
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  // SplitMix64's finaliser: every bit of the word depends on every bit of the input.
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
