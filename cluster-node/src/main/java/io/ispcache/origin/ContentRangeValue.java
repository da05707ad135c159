package io.ispcache.origin;

import java.util.Optional;

/** A parsed {@code Content-Range} response header (RFC 9110 §14.4) as origins send it. */
record ContentRangeValue(long first, long last, long length) {

  /** {@code bytes a-b/len}; empty for anything else, including an unknown length ({@code /*}). */
  static Optional<ContentRangeValue> parse(String value) {
    if (value == null) {
      return Optional.empty();
    }
    String v = value.trim();
    if (!v.regionMatches(true, 0, "bytes ", 0, 6)) {
      return Optional.empty();
    }
    v = v.substring(6).trim();
    int dash = v.indexOf('-');
    int slash = v.indexOf('/');
    if (dash <= 0 || slash <= dash + 1) {
      return Optional.empty();
    }
    long first = digits(v.substring(0, dash));
    long last = digits(v.substring(dash + 1, slash));
    long length = digits(v.substring(slash + 1));
    if (first < 0 || last < first || length <= last) {
      return Optional.empty();
    }
    return Optional.of(new ContentRangeValue(first, last, length));
  }

  /** The length in {@code bytes *}{@code /len} of a 416 answer; empty when absent or malformed. */
  static Optional<Long> unsatisfiedLength(String value) {
    if (value == null) {
      return Optional.empty();
    }
    String v = value.trim();
    if (!v.regionMatches(true, 0, "bytes */", 0, 8)) {
      return Optional.empty();
    }
    long length = digits(v.substring(8).trim());
    return length >= 0 ? Optional.of(length) : Optional.empty();
  }

  /**
   * 1*DIGIT as a number, or -1: ASCII digits only (Long.parseLong would also take a sign and any
   * Unicode digit), and -1 for a number beyond a long.
   */
  private static long digits(String s) {
    if (s.isEmpty()) {
      return -1;
    }
    long n = 0;
    for (int i = 0; i < s.length(); i++) {
      int d = s.charAt(i) - '0';
      if (d < 0 || d > 9 || n > (Long.MAX_VALUE - d) / 10) {
        return -1;
      }
      n = n * 10 + d;
    }
    return n;
  }
}
