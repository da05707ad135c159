package io.ispcache.load;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Byte sizes as the node's settings write them: {@code 1048576}, {@code 512KiB}, {@code 64MiB}, {@code 2GiB}. */
final class Sizes {
  private static final Pattern SIZE = Pattern.compile("(\\d{1,12})\\s*(|B|KiB|MiB|GiB)");

  private Sizes() {}

  /** The size in bytes; an {@link IllegalArgumentException} naming {@code parameter} otherwise. */
  static long parse(String parameter, String value) {
    Matcher m = SIZE.matcher(value == null ? "" : value.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(parameter + " = '" + value + "': must be a size such as 1048576, 512KiB, 64MiB or 2GiB");
    }
    long n = Long.parseLong(m.group(1));
    long unit =
        switch (m.group(2)) {
          case "KiB" -> 1L << 10;
          case "MiB" -> 1L << 20;
          case "GiB" -> 1L << 30;
          default -> 1L;
        };
    if (n > Long.MAX_VALUE / unit) {
      throw new IllegalArgumentException(parameter + " = '" + value + "': too large");
    }
    return n * unit;
  }

  /** The shortest exact spelling: 64MiB, 512KiB, 1000. */
  static String format(long bytes) {
    if (bytes > 0 && bytes % (1L << 30) == 0) {
      return bytes / (1L << 30) + "GiB";
    }
    if (bytes > 0 && bytes % (1L << 20) == 0) {
      return bytes / (1L << 20) + "MiB";
    }
    if (bytes > 0 && bytes % (1L << 10) == 0) {
      return bytes / (1L << 10) + "KiB";
    }
    return Long.toString(bytes);
  }

  static String mib(double bytes) {
    return String.format(Locale.ROOT, "%.1f MiB", bytes / (1 << 20));
  }
}
